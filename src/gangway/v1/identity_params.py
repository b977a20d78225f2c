"""v1 ``individual`` to v2 ``identity.individual``: pure renames, as ``accounts_params`` does for
the rest of an Account (``company`` is ``company_params``'s).

Why only renames: phone, dob, ID numbers and addresses are validated by the v2 services, whose
errors name v2 params; ``V2_TO_V1_PARAMS`` names them back. A v1 field with no v2 equivalent is a
400 naming it (``unsupported_feature``), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from gangway.core.errors import InvalidRequest, param_path
from gangway.hosted.id_number_types import individual_types

__all__ = [
    "INDIVIDUAL",
    "RELATIONSHIP",
    "UNSUPPORTED",
    "V2_TO_V1_PARAMS",
    "documents_params",
    "individual_params",
    "unsupported",
]

UNSUPPORTED: Final = "unsupported"
"""A v1 field Accounts v2 has no place for."""

_S: Final = "str"
_I: Final = "int"
_B: Final = "bool"
_ADDRESS: Final = {
    name: _S for name in ("city", "country", "line1", "line2", "postal_code", "state")
}
_KANA_ADDRESS: Final = {**_ADDRESS, "town": _S}
_DOCUMENT: Final = {"back": _S, "front": _S}
RELATIONSHIP: Final[dict[str, Any]] = {
    "director": _B,
    "executive": _B,
    "owner": _B,
    "percent_ownership": _S,
    "title": _S,
}
INDIVIDUAL: Final[dict[str, Any]] = {
    "address": _ADDRESS,
    "address_kana": _KANA_ADDRESS,
    "address_kanji": _KANA_ADDRESS,
    "dob": {"day": _I, "month": _I, "year": _I},
    "email": _S,
    "first_name": _S,
    "first_name_kana": _S,
    "first_name_kanji": _S,
    "full_name_aliases": UNSUPPORTED,
    "gender": ("female", "male"),
    "id_number": _S,
    "id_number_secondary": UNSUPPORTED,
    "last_name": _S,
    "last_name_kana": _S,
    "last_name_kanji": _S,
    "maiden_name": UNSUPPORTED,
    "metadata": "metadata",
    "phone": _S,
    "political_exposure": ("existing", "none"),
    "registered_address": UNSUPPORTED,
    "relationship": RELATIONSHIP,
    "ssn_last_4": _S,
    "verification": {"additional_document": _DOCUMENT, "document": _DOCUMENT},
}

_INDIVIDUAL_RENAMES: Final = (
    # v1 key, v2 path under identity.individual
    ("address", ("address",)),
    ("address_kana", ("script_addresses", "kana")),
    ("address_kanji", ("script_addresses", "kanji")),
    ("dob", ("date_of_birth",)),
    ("email", ("email",)),
    ("first_name", ("given_name",)),
    ("first_name_kana", ("script_names", "kana", "given_name")),
    ("first_name_kanji", ("script_names", "kanji", "given_name")),
    ("gender", ("legal_gender",)),
    ("last_name", ("surname",)),
    ("last_name_kana", ("script_names", "kana", "surname")),
    ("last_name_kanji", ("script_names", "kanji", "surname")),
    ("metadata", ("metadata",)),
    ("phone", ("phone",)),
    ("political_exposure", ("political_exposure",)),
    ("relationship", ("relationship",)),
)
V2_TO_V1_PARAMS: Final = (
    # most specific first: the first prefix that matches renames
    ("identity[individual][script_addresses][kana]", "individual[address_kana]"),
    ("identity[individual][script_addresses][kanji]", "individual[address_kanji]"),
    ("identity[individual][script_names][kana][given_name]", "individual[first_name_kana]"),
    ("identity[individual][script_names][kanji][given_name]", "individual[first_name_kanji]"),
    ("identity[individual][script_names][kana][surname]", "individual[last_name_kana]"),
    ("identity[individual][script_names][kanji][surname]", "individual[last_name_kanji]"),
    ("identity[individual][date_of_birth]", "individual[dob]"),
    ("identity[individual][given_name]", "individual[first_name]"),
    ("identity[individual][surname]", "individual[last_name]"),
    ("identity[individual][legal_gender]", "individual[gender]"),
    ("identity[individual][id_numbers]", "individual[id_number]"),
    (
        "identity[individual][documents][primary_verification][front_back]",
        "individual[verification][document]",
    ),
    (
        "identity[individual][documents][secondary_verification][front_back]",
        "individual[verification][additional_document]",
    ),
    ("identity[individual]", "individual"),
    (
        "identity[business_details][documents][primary_verification][front_back]",
        "company[verification][document]",
    ),
    ("identity[business_details]", "company"),
)


def unsupported(path: tuple[str | int, ...]) -> InvalidRequest:
    where = param_path(path)
    return InvalidRequest(
        f"{where} has no equivalent in Accounts v2, which Gangway's v1 Accounts are built on; "
        "leave it out (persons are added with /v1/accounts/{id}/persons, documents with "
        "verification[document]).",
        code="unsupported_feature",
        param=where,
    )


def _set(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _renamed(
    checked: Mapping[str, Any], renames: tuple[tuple[str, tuple[str, ...]], ...], creating: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for v1, target in renames:
        if v1 not in checked:
            continue
        value = checked[v1]
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if not (creating and v in ("", None))}
            if not creating:
                value = {k: (None if v == "" else v) for k, v in value.items()}
            if not value:
                continue
        elif value in ("", None):
            if creating:
                continue
            value = None
        _set(out, target, value)
    return out


def documents_params(verification: Mapping[str, Any], names: tuple[tuple[str, str], ...]) -> Any:
    documents: dict[str, Any] = {}
    for v1, v2 in names:
        sides = {k: v for k, v in (verification.get(v1) or {}).items() if v}
        if sides:
            documents[v2] = {"type": "front_back", "front_back": sides}
    return documents


def individual_params(
    checked: Mapping[str, Any], *, country: str | None, creating: bool
) -> dict[str, Any]:
    """A checked v1 ``individual`` as v2 ``identity.individual``."""
    out = _renamed(checked, _INDIVIDUAL_RENAMES, creating)
    numbers = []
    if checked.get("id_number"):
        numbers.append(
            {"type": _individual_type(country, full=True), "value": checked["id_number"]}
        )
    if checked.get("ssn_last_4"):
        if (country or "").lower() != "us":
            raise InvalidRequest(
                "individual[ssn_last_4] is for US accounts; use individual[id_number].",
                code="parameter_invalid",
                param="individual[ssn_last_4]",
            )
        numbers.append({"type": "us_ssn_last_4", "value": checked["ssn_last_4"]})
    if numbers:
        out["id_numbers"] = numbers
    documents = documents_params(
        checked.get("verification") or {},
        (("document", "primary_verification"), ("additional_document", "secondary_verification")),
    )
    if documents:
        out["documents"] = documents
    return out


def _individual_type(country: str | None, *, full: bool) -> str:
    types = [t for t in individual_types(country or "") if not t.endswith("_last_4")]
    if not types:
        raise InvalidRequest(
            "individual[id_number] needs the account's country, which has no personal ID "
            "number type in Accounts v2.",
            code="parameter_invalid",
            param="individual[id_number]",
        )
    return types[0]
