"""v1 Account params to the v2 services' params: pure, and the only place that knows both.

Why a translation and not a second service: every write goes through ``services.accounts``
(the boundary the hosted form and the CLI also pass), so a v1 write obeys exactly the v2
business rules. This module only checks the v1 shape (form values are strings: booleans are
``true``/``false``, integers digits) and renames; what it cannot map is a v1 400 naming the v1
param. Errors the services raise name v2 params; ``v1_param`` names them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from gangway.core.accounts import requirements_collector
from gangway.core.clock import to_rfc3339
from gangway.core.errors import InvalidRequest, param_path
from gangway.v1 import identity_params
from gangway.v1.capability_names import V1_CAPABILITIES
from gangway.v1.company_params import (
    COMPANY,
    V2_TO_V1_COMPANY,
    company_slot_of,
    company_to_v2,
)
from gangway.v1.list_params import created_filter

__all__ = [
    "check_expand",
    "check_list",
    "check_params",
    "to_create_params",
    "to_update_params",
    "v1_param",
]

Spec = Any
_STR: Final = "str"
_BOOL: Final = "bool"
_INT: Final = "int"
_METADATA: Final = "metadata"
_STR_LIST: Final = "str_list"
_NOT_YET: Final = "not_yet"
"""A v1 param Gangway will serve in a later slice (persons, external accounts, settings)."""

_BUSINESS_PROFILE: Final = {
    "mcc": _STR,
    "name": _STR,
    "product_description": _STR,
    "support_email": _STR,
    "support_phone": _STR,
    "support_url": _STR,
    "url": _STR,
}
_CAPABILITY: Final = {"requested": _BOOL}
_TOS: Final = {
    "date": _INT,
    "ip": _STR,
    "user_agent": _STR,
    "service_agreement": ("full", "recipient"),
}
_COMMON: Final = {
    "business_profile": _BUSINESS_PROFILE,
    "business_type": ("company", "government_entity", "individual", "non_profit"),
    "company": COMPANY,
    "individual": identity_params.INDIVIDUAL,
    "capabilities": dict.fromkeys(V1_CAPABILITIES, _CAPABILITY),
    "default_currency": _STR,
    "email": _STR,
    "expand": _STR_LIST,
    "metadata": _METADATA,
    "tos_acceptance": _TOS,
    **{
        name: _NOT_YET
        for name in (
            "account_token",
            "documents",
            "external_account",
            "groups",
            "settings",
        )
    },
}
CREATE: Final = {
    **_COMMON,
    "controller": {
        "fees": {"payer": ("account", "application", "application_custom", "application_express")},
        "losses": {"payments": ("application", "stripe")},
        "requirement_collection": ("application", "stripe"),
        "stripe_dashboard": {"type": ("express", "full", "none")},
    },
    "country": _STR,
    "type": ("custom", "express", "standard"),
}
UPDATE: Final = dict(_COMMON)
LIST: Final = {
    "ending_before": _STR,
    "expand": _STR_LIST,
    "limit": _INT,
    "starting_after": _STR,
}
RETRIEVE: Final = {"expand": _STR_LIST}

EXPANDABLE: Final = frozenset(
    {
        "external_accounts",
        "individual.verification.document",
        "individual.verification.additional_document",
    }
)
"""Paths of a v1 Account that Stripe can expand. None holds an expandable object in this slice
(no individual, no external accounts yet), so they are accepted and render as they are."""

_TYPES: Final = {
    # type -> (dashboard, fees_collector, losses_collector): Stripe's controller for each type
    "custom": ("none", "application_custom", "application"),
    "express": ("express", "application_express", "application"),
    "standard": ("full", "stripe", "stripe"),
}

_V2_TO_V1_PARAMS: Final = (
    *V2_TO_V1_COMPANY,
    *identity_params.V2_TO_V1_PARAMS,
    ("contact_email", "email"),
    ("display_name", "business_profile[name]"),
    ("identity[country]", "country"),
    ("identity[entity_type]", "business_type"),
    ("configuration[merchant][mcc]", "business_profile[mcc]"),
    ("configuration[merchant][support][email]", "business_profile[support_email]"),
    ("configuration[merchant][support][phone]", "business_profile[support_phone]"),
    ("configuration[merchant][support][url]", "business_profile[support_url]"),
    *(
        (
            f"configuration[{configuration}][capabilities]"
            + "".join(f"[{part}]" for part in dotted.split(".")),
            f"capabilities[{name}]",
        )
        for name, (configuration, dotted) in V1_CAPABILITIES.items()
    ),
    ("defaults[profile][business_url]", "business_profile[url]"),
    ("defaults[profile][product_description]", "business_profile[product_description]"),
    ("defaults[currency]", "default_currency"),
    ("defaults[responsibilities][fees_collector]", "controller[fees][payer]"),
    ("defaults[responsibilities][losses_collector]", "controller[losses][payments]"),
    ("dashboard", "controller[stripe_dashboard][type]"),
    ("identity[attestations][terms_of_service][account]", "tos_acceptance"),
    ("metadata", "metadata"),
)


def v1_param(v2_param: str | None, sent: Mapping[str, Any] | None = None) -> str | None:
    """The v1 name of a v2 param a service named in an error; unknown ones are kept. ``sent``
    (the v1 params) tells which ``company`` slot a business ID number came from."""
    if not v2_param:
        return v2_param
    slot = company_slot_of(v2_param, (sent or {}).get("company"))
    if slot is not None:
        return slot
    for v2, v1 in _V2_TO_V1_PARAMS:
        if v2_param == v2 or v2_param.startswith(v2 + "["):
            return v1 + v2_param[len(v2) :]
    return v2_param


def _invalid(message: str, code: str, path: tuple[str | int, ...]) -> InvalidRequest:
    return InvalidRequest(message, code=code, param=param_path(path) or None)


def _check(spec: Spec, value: Any, path: tuple[str | int, ...]) -> Any:
    """``value`` (decoded form: strings, dicts, lists) typed by ``spec``; "" is kept (v1's
    "unset"), except where a type cannot be empty."""
    where = param_path(path)
    if spec == identity_params.UNSUPPORTED:
        raise identity_params.unsupported(path)
    if spec == _NOT_YET:
        raise _invalid(
            f"{where} is not supported by Gangway's v1 Accounts yet; set it through the v2 "
            "Accounts API (/v2/core/accounts) or the hosted onboarding form.",
            "parameter_not_supported",
            path,
        )
    if isinstance(spec, dict):
        if value == "":
            return None
        if not isinstance(value, dict):
            raise _invalid(
                f"Invalid {where}: expected a hash ({where}[key]=value).",
                "parameter_invalid_type",
                path,
            )
        checked: dict[str, Any] = {}
        for key, item in value.items():
            if key not in spec:
                raise _invalid(
                    f"Received unknown parameter: {param_path((*path, key))}",
                    "parameter_unknown",
                    (*path, key),
                )
            checked[key] = _check(spec[key], item, (*path, key))
        return checked
    if spec == _METADATA:
        if value == "":
            return ""  # unsets every key
        if not isinstance(value, dict):
            raise _invalid(
                f"Invalid {where}: expected a hash (metadata[key]=value).",
                "parameter_invalid_type",
                path,
            )
        for key, item in value.items():
            if not isinstance(item, str):
                raise _invalid(
                    f"Invalid {param_path((*path, key))}: expected a string.",
                    "parameter_invalid_type",
                    (*path, key),
                )
        return dict(value)
    if spec == _STR_LIST:
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise _invalid(
                    f"Invalid {where}[{index}]: expected a string.",
                    "parameter_invalid_type",
                    (*path, index),
                )
        return items
    if not isinstance(value, str):
        raise _invalid(
            f"Invalid {where}: expected a single value, not a hash or an array.",
            "parameter_invalid_type",
            path,
        )
    if spec == _STR:
        return value
    if value == "":
        return None
    if spec == _BOOL:
        if value not in ("true", "false"):
            raise _invalid(
                f"Invalid boolean: {value[:100]!r} ({where} takes true or false).",
                "parameter_invalid_boolean",
                path,
            )
        return value == "true"
    if spec == _INT:
        digits = value[1:] if value.startswith("-") else value
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 15:
            raise _invalid(
                f"Invalid integer: {value[:100]!r} ({where}).", "parameter_invalid_integer", path
            )
        return int(value)
    if value not in spec:
        raise _invalid(
            f"Invalid {where}: must be one of {', '.join(spec)}.", "parameter_invalid_enum", path
        )
    return value


def check_params(spec: Spec, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` typed by a v1 ``spec`` (for the v1 routes of objects an account owns)."""
    checked: dict[str, Any] = _check(spec, dict(params), ())
    return checked


def check_expand(expand: list[str] | None, *, prefix: str = "") -> None:
    """Known expandable paths pass (``data.``-prefixed on a list); others are a 400."""
    for index, path in enumerate(expand or []):
        if not path.startswith(prefix) or path[len(prefix) :] not in EXPANDABLE:
            raise _invalid(
                f"This property cannot be expanded ({path[:200]}).",
                "parameter_invalid_expand",
                ("expand", index),
            )


def check_list(params: Mapping[str, Any]) -> dict[str, Any]:
    """The list params, ``created`` as millisecond bounds (``list_params.created_filter``)."""
    rest = dict(params)
    created = rest.pop("created", None)
    checked: dict[str, Any] = _check(LIST, rest, ())
    if created is not None:
        checked["created"] = created_filter(created)
    check_expand(checked.get("expand"), prefix="data.")
    limit = checked.get("limit")
    if limit is not None and not 1 <= limit <= 100:
        raise _invalid(
            f"Invalid limit: must be between 1 and 100 (got {limit}).",
            "parameter_invalid_integer",
            ("limit",),
        )
    if checked.get("starting_after") and checked.get("ending_before"):
        raise _invalid(
            "Use starting_after or ending_before, not both.",
            "parameter_invalid",
            ("ending_before",),
        )
    return checked


def check_retrieve(params: Mapping[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = _check(RETRIEVE, dict(params), ())
    check_expand(checked.get("expand"))
    return checked


def _set(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _common(
    checked: Mapping[str, Any],
    v2: dict[str, Any],
    *,
    creating: bool,
    current: Mapping[str, Any],
) -> None:
    """The fields create and update share. On create an empty value is simply left out; on
    update it unsets (``None`` in v2)."""

    def put(path: tuple[str, ...], value: Any) -> None:
        if value is None or value == "":
            if creating:
                return
            value = None
        _set(v2, path, value)

    if "email" in checked:
        put(("contact_email",), checked["email"])
    if "business_type" in checked:
        put(("identity", "entity_type"), checked["business_type"])
    if "default_currency" in checked:
        currency = checked["default_currency"]
        put(("defaults", "currency"), currency.lower() if currency else currency)
    profile = checked.get("business_profile") or {}
    targets = {
        "name": ("display_name",),
        "url": ("defaults", "profile", "business_url"),
        "product_description": ("defaults", "profile", "product_description"),
        "mcc": ("configuration", "merchant", "mcc"),
        "support_email": ("configuration", "merchant", "support", "email"),
        "support_phone": ("configuration", "merchant", "support", "phone"),
        "support_url": ("configuration", "merchant", "support", "url"),
    }
    for name, target in targets.items():
        if name in profile:
            put(target, profile[name])
    for name, asked in (checked.get("capabilities") or {}).items():
        requested = (asked or {}).get("requested")
        if requested is not None:
            _set(v2, capability_path(name), {"requested": requested})
    _company(checked, v2, creating=creating, current=current)
    _tos(checked, v2, current)
    _metadata(checked, v2, creating=creating, current=current)
    _identity(checked, v2, creating=creating, current=current)


def _identity(
    checked: Mapping[str, Any], v2: dict[str, Any], *, creating: bool, current: Mapping[str, Any]
) -> None:
    """``individual`` into v2 ``identity`` (ID number types follow the country); ``company``
    is ``_company``'s."""
    stored = current.get("identity") or {}
    identity = v2.get("identity") or {}
    country = identity.get("country") or stored.get("country")
    if checked.get("individual"):
        individual = identity_params.individual_params(
            checked["individual"], country=country, creating=creating
        )
        if individual:
            _set(v2, ("identity", "individual"), individual)


def _company(
    checked: Mapping[str, Any], v2: dict[str, Any], *, creating: bool, current: Mapping[str, Any]
) -> None:
    if not checked.get("company"):
        return
    country = checked.get("country") or (current.get("identity") or {}).get("country")
    details, attestations = company_to_v2(
        checked["company"], country=country.lower() if country else None, creating=creating
    )
    if details:
        _set(v2, ("identity", "business_details"), details)
    for name, value in attestations.items():
        _set(v2, ("identity", "attestations", name), value)


def capability_path(name: str) -> tuple[str, ...]:
    """Where a v1 capability's ``requested`` goes in v2 params."""
    configuration, dotted = V1_CAPABILITIES[name]
    return ("configuration", configuration, "capabilities", *dotted.split("."))


def _tos(checked: Mapping[str, Any], v2: dict[str, Any], current: Mapping[str, Any]) -> None:
    tos = checked.get("tos_acceptance")
    if not tos:
        return
    if tos.get("service_agreement") == "recipient":
        raise _invalid(
            "tos_acceptance[service_agreement]=recipient is not supported yet: Accounts v2 "
            "records one terms-of-service acceptance (the full agreement).",
            "parameter_not_supported",
            ("tos_acceptance", "service_agreement"),
        )
    before = (
        ((current.get("identity") or {}).get("attestations") or {}).get("terms_of_service") or {}
    ).get("account") or {}
    accepted = {key: value for key, value in before.items() if value is not None}
    if tos.get("date") is not None:
        if tos["date"] < 0:
            raise _invalid(
                "Invalid tos_acceptance[date]: a Unix timestamp in seconds.",
                "parameter_invalid_integer",
                ("tos_acceptance", "date"),
            )
        accepted["date"] = to_rfc3339(tos["date"] * 1000)
    for name in ("ip", "user_agent"):
        if tos.get(name):
            accepted[name] = tos[name]
    for name in ("date", "ip"):
        if not accepted.get(name):
            raise _invalid(
                f"tos_acceptance[{name}] is required with the rest of tos_acceptance (Accounts "
                "v2 records the date and the IP address of an acceptance together).",
                "parameter_missing",
                ("tos_acceptance", name),
            )
    _set(v2, ("identity", "attestations", "terms_of_service", "account"), accepted)


def _metadata(
    checked: Mapping[str, Any], v2: dict[str, Any], *, creating: bool, current: Mapping[str, Any]
) -> None:
    if "metadata" not in checked:
        return
    metadata = checked["metadata"]
    if metadata == "":  # ``metadata=`` unsets every key
        if not creating and current.get("metadata"):
            v2["metadata"] = dict.fromkeys(current["metadata"])
        return
    if creating:
        v2["metadata"] = {key: value for key, value in metadata.items() if value != ""}
    else:
        v2["metadata"] = {key: (value if value != "" else None) for key, value in metadata.items()}


def _controller(checked: Mapping[str, Any], v2: dict[str, Any]) -> None:
    """``type`` or ``controller`` to v2's dashboard and responsibilities; without either, a
    standard account, as Stripe's default."""
    controller = checked.get("controller")
    if controller and checked.get("type"):
        raise _invalid(
            "You cannot specify both type and controller; use one of them.",
            "parameter_invalid",
            ("controller",),
        )
    fees: str
    losses: str
    if not controller:
        dashboard, fees, losses = _TYPES[checked.get("type") or "standard"]
    else:
        payer = (controller.get("fees") or {}).get("payer") or "account"
        fees = "stripe" if payer == "account" else payer
        losses = (controller.get("losses") or {}).get("payments") or (
            "stripe" if fees == "stripe" else "application"
        )
        dashboard = (controller.get("stripe_dashboard") or {}).get("type") or (
            "full" if fees == "stripe" else "none"
        )
    v2["dashboard"] = dashboard
    v2.setdefault("defaults", {})["responsibilities"] = {
        "fees_collector": fees,
        "losses_collector": losses,
    }
    if not v2.get("configuration"):  # v2 keeps responsibilities on configurations only
        if fees != "stripe" or losses != "stripe":
            raise _invalid(
                "An account whose platform carries fees or losses (custom, express, or such a "
                "controller) needs a capability: capabilities[card_payments][requested]=true or "
                "capabilities[transfers][requested]=true.",
                "parameter_missing",
                ("capabilities",),
            )
        del v2["defaults"]["responsibilities"]
        if not v2["defaults"]:
            del v2["defaults"]
    asked = (controller or {}).get("requirement_collection")
    if asked and asked != requirements_collector(v2):
        raise _invalid(
            f"controller[requirement_collection]={asked} needs "
            + (
                "controller[stripe_dashboard][type]=none, controller[losses][payments]="
                "application and an application fee payer."
                if asked == "application"
                else "a Stripe dashboard or Stripe as the fee payer or loss bearer."
            ),
            "parameter_invalid",
            ("controller", "requirement_collection"),
        )


def to_create_params(params: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """v1 ``AccountCreateParams`` to v2 ``AccountCreateParams``, and the checked ``expand``."""
    checked = _check(CREATE, dict(params), ())
    check_expand(checked.get("expand"))
    v2: dict[str, Any] = {}
    if checked.get("country"):
        v2.setdefault("identity", {})["country"] = checked["country"].lower()
    _common(checked, v2, creating=True, current={})
    _controller(checked, v2)
    return v2, list(checked.get("expand") or [])


def to_update_params(
    params: Mapping[str, Any], current: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """v1 ``AccountUpdateParams`` to v2 ``AccountUpdateParams``; ``current`` is the stored
    document (for ``metadata=`` and a partial ``tos_acceptance``)."""
    checked = _check(UPDATE, dict(params), ())
    check_expand(checked.get("expand"))
    v2: dict[str, Any] = {}
    _common(checked, v2, creating=False, current=current)
    return v2, list(checked.get("expand") or [])


check_shape = _check
"""The v1 shape check, for the other v1 translators (account links)."""
