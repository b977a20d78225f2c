"""v1 Person params to v2 ``PersonCreateParams`` / ``PersonUpdateParams``: pure.

Why the individual's translator: a v2 Person has the same fields as ``identity.individual``,
so ``individual[...]`` and a v1 Person share one mapping (``identity_params``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from gangway.v1 import accounts_params, identity_params

__all__ = ["LIST", "check_list", "to_person_params", "v1_person_param"]

_RELATIONSHIP: Final = {
    **identity_params.RELATIONSHIP,
    "authorizer": "bool",
    "legal_guardian": "bool",
    "representative": "bool",
}
PERSON: Final = {
    **identity_params.INDIVIDUAL,
    "expand": "str_list",
    "relationship": _RELATIONSHIP,
}
LIST: Final = {
    **accounts_params.LIST,
    "relationship": {name: "bool" for name in ("director", "executive", "owner", "representative")},
}
_PREFIX: Final = "identity[individual]"
_RENAMES: Final = tuple(
    (v2[len(_PREFIX) :], v1[len("individual") :])
    for v2, v1 in identity_params.V2_TO_V1_PARAMS
    if v2.startswith(_PREFIX + "[")
)


def v1_person_param(v2_param: str | None) -> str | None:
    """The v1 name of a v2 Person param (``date_of_birth[year]`` -> ``dob[year]``)."""
    if not v2_param:
        return v2_param
    head, bracket, tail = v2_param.partition("[")
    wrapped = f"[{head}]" + (bracket + tail if bracket else "")
    for v2, v1 in _RENAMES:
        if wrapped == v2 or wrapped.startswith(v2 + "["):
            renamed = v1 + wrapped[len(v2) :]
            head, _, tail = renamed[1:].partition("]")
            return head + tail
    return v2_param


def to_person_params(
    params: Mapping[str, Any], *, country: str | None, creating: bool
) -> tuple[dict[str, Any], list[str]]:
    checked = accounts_params.check_params(PERSON, params)
    expand = checked.pop("expand", None) or []
    v2 = identity_params.individual_params(checked, country=country, creating=creating)
    if "relationship" in v2 and "percent_ownership" in v2["relationship"]:
        v2["relationship"]["percent_ownership"] = v2["relationship"]["percent_ownership"] or None
    return v2, list(expand)


def check_list(params: Mapping[str, Any]) -> dict[str, Any]:
    checked = accounts_params.check_params(LIST, params)
    accounts_params.check_list({k: v for k, v in params.items() if k != "relationship"})
    return checked
