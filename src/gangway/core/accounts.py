"""Account documents: built from create params, merged with update params, checked as a whole.

Params arrive already checked against the SDK's shape (the services call ``contract.params``);
this module owns what the shape cannot say: merge semantics (metadata ``null`` unsets a key, ID
numbers merge by type), the implied ``stripe_balance.payouts`` capability, and the cross-field
rules Stripe documents (responsibilities, identity vs configurations, immutable country, contact
email).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from gangway.core.errors import InvalidRequest

__all__ = [
    "CONFIGURATIONS",
    "applied_configurations",
    "check_account",
    "merge_account",
    "merge_document",
    "new_account_document",
    "requirements_collector",
]

CONFIGURATIONS = ("customer", "merchant", "recipient")
_APPLICATION_FEES = {"application", "application_custom", "application_express"}


def new_account_document(params: Mapping[str, Any]) -> dict[str, Any]:
    """The stored document for a new account: the params (freshly decoded, so owned by this
    request and not copied) minus request-only keys, configured."""
    document = {k: v for k, v in params.items() if k not in ("include", "account_token")}
    for name, config in (document.get("configuration") or {}).items():
        config["applied"] = True
        _imply_capabilities(name, config)
    return document


def merge_account(document: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Apply update params to a stored document, returning a new document."""
    patch = {k: v for k, v in params.items() if k not in ("include", "account_token")}
    current_configs = document.get("configuration") or {}
    for name, config_patch in (patch.get("configuration") or {}).items():
        existing = current_configs.get(name)
        deactivated = existing is not None and existing.get("applied") is False
        settings = {k for k in config_patch if k != "applied"}
        if deactivated and settings and config_patch.get("applied") is not True:
            raise InvalidRequest(
                f"The {name} configuration is deactivated; pass configuration[{name}][applied]=true "
                "to reactivate it before changing its settings.",
                code="configuration_cannot_be_updated_while_deactivated",
                param=f"configuration[{name}]",
            )
    merged = merge_document(document, patch)
    for name, config in (merged.get("configuration") or {}).items():
        if (
            name in (patch.get("configuration") or {})
            and "applied" not in patch["configuration"][name]
        ):
            config["applied"] = True
        _imply_capabilities(name, config)
    return merged


def merge_document(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``patch`` into ``base``: objects merge, lists replace, ``id_numbers`` merge by
    type, and a ``None`` metadata value removes the key."""
    result = copy.deepcopy(dict(base))
    for key, value in patch.items():
        if key == "metadata" and isinstance(value, Mapping):
            metadata = dict(result.get("metadata") or {})
            for meta_key, meta_value in value.items():
                if meta_value is None:
                    metadata.pop(meta_key, None)
                else:
                    metadata[meta_key] = meta_value
            result["metadata"] = metadata
        elif key == "id_numbers" and isinstance(value, list):
            by_type = {entry["type"]: entry for entry in result.get("id_numbers") or []}
            for entry in value:
                by_type[entry["type"]] = copy.deepcopy(entry)
            result["id_numbers"] = list(by_type.values())
        elif isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merge_document(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def applied_configurations(document: Mapping[str, Any]) -> list[str]:
    configs = document.get("configuration") or {}
    return [name for name in CONFIGURATIONS if (configs.get(name) or {}).get("applied")]


def requirements_collector(document: Mapping[str, Any]) -> str:
    """Who collects requirements: the platform only when it carries fees and losses and the
    account has no Stripe-hosted dashboard (the v1 controller rule, applied to v2)."""
    responsibilities = (document.get("defaults") or {}).get("responsibilities") or {}
    if (
        document.get("dashboard") in (None, "none")
        and responsibilities.get("losses_collector") == "application"
        and responsibilities.get("fees_collector") in _APPLICATION_FEES
    ):
        return "application"
    return "stripe"


def check_account(
    document: Mapping[str, Any],
    params: Mapping[str, Any],
    *,
    previous: Mapping[str, Any] | None,
    holder: bool = False,
) -> None:
    """Cross-field rules on the merged document; ``params`` says what this request touched.
    ``holder``: the account holder is acting (the hosted form), so terms of service may be
    accepted whoever collects requirements."""
    _check_responsibilities(document, params)
    _check_identity(document, params, previous)
    if not holder:
        _check_terms_of_service(document, params)
    _check_contact_email(document)


def _imply_capabilities(name: str, config: dict[str, Any]) -> None:
    """Stripe adds ``stripe_balance.payouts`` itself; it is not requestable in 16.1.0."""
    capabilities = config.get("capabilities") or {}
    requested = _requested_paths(capabilities)
    wants_payouts = (
        name == "merchant" and any(p != "stripe_balance.payouts" for p in requested)
    ) or (name == "recipient" and "stripe_balance.stripe_transfers" in requested)
    if name in ("merchant", "recipient"):
        balance = capabilities.setdefault("stripe_balance", {})
        balance["payouts"] = {"requested": wants_payouts}
        config["capabilities"] = capabilities


def _requested_paths(capabilities: Mapping[str, Any], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for key, value in capabilities.items():
        if not isinstance(value, Mapping):
            continue
        if "requested" in value:
            if value.get("requested"):
                found.add(prefix + key)
        else:
            found |= _requested_paths(value, f"{prefix}{key}.")
    return found


def _check_responsibilities(document: Mapping[str, Any], params: Mapping[str, Any]) -> None:
    responsibilities = (document.get("defaults") or {}).get("responsibilities")
    dashboard = document.get("dashboard")
    param = "defaults[responsibilities]"
    if responsibilities is None:
        if dashboard == "express":
            raise InvalidRequest(
                "If dashboard is express, fees_collector must be application and losses_collector "
                "must be application: pass defaults[responsibilities].",
                code="account_controller_express_dash_without_application_losses_or_fees",
                param=param,
            )
        return
    fees, losses = responsibilities.get("fees_collector"), responsibilities.get("losses_collector")
    if dashboard == "express" and not (fees in _APPLICATION_FEES and losses == "application"):
        raise InvalidRequest(
            "If dashboard is express, fees_collector must be application and losses_collector "
            "must be application.",
            code="account_controller_express_dash_without_application_losses_or_fees",
            param=param,
        )
    if losses == "application" and fees not in _APPLICATION_FEES:
        raise InvalidRequest(
            "If losses_collector is application, fees_collector must also be application.",
            code="account_controller_stripe_pricing_platform_liable",
            param=f"{param}[fees_collector]",
        )
    if dashboard == "full" and (fees != "stripe" or losses != "stripe"):
        raise InvalidRequest(
            "An account with the full Stripe Dashboard must have fees_collector and "
            "losses_collector set to stripe.",
            code="account_controller_unsupported_configuration",
            param=param,
        )
    touched = "responsibilities" in (params.get("defaults") or {})
    if touched and not ({"merchant", "recipient"} & set(applied_configurations(document))):
        raise InvalidRequest(
            "Cannot set responsibilities on the current configurations: add a merchant or "
            "recipient configuration.",
            code="unsupported_field_for_configs",
            param=param,
        )


def _check_identity(
    document: Mapping[str, Any], params: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> None:
    identity_params = params.get("identity") or {}
    identity = document.get("identity") or {}
    if not identity_params:
        return
    beyond_country = [key for key in identity_params if key != "country"]
    if beyond_country and applied_configurations(document) == ["customer"]:
        raise InvalidRequest(
            "Cannot set identity fields when the Account is only configured as a customer.",
            code="unsupported_identity_field_for_configs",
            param=f"identity[{beyond_country[0]}]",
        )
    if not identity.get("country") and any(
        key in identity_params for key in ("individual", "business_details", "entity_type")
    ):
        raise InvalidRequest(
            "identity[country] is required before other identity details can be set.",
            code="identity_country_required",
            param="identity[country]",
        )
    old_country = ((previous or {}).get("identity") or {}).get("country")
    new_country = identity_params.get("country")
    if old_country and new_country and new_country.lower() != old_country.lower():
        raise InvalidRequest(
            "identity[country] cannot be changed once it is set.",
            code="immutable_identity_param",
            param="identity[country]",
        )
    if identity.get("individual") and identity.get("entity_type") not in (None, "individual"):
        raise InvalidRequest(
            "identity[individual] describes the account holder of an individual account; for a "
            f"{identity.get('entity_type')} use the persons API for its representative and owners.",
            code="entity_type_not_individual",
            param="identity[individual]",
        )


def _check_terms_of_service(document: Mapping[str, Any], params: Mapping[str, Any]) -> None:
    attestations = (params.get("identity") or {}).get("attestations") or {}
    if "terms_of_service" in attestations and requirements_collector(document) == "stripe":
        raise InvalidRequest(
            "TOS cannot be accepted on behalf of accounts when requirement collection is "
            "`stripe`: the account holder accepts them in the hosted onboarding flow.",
            code="tos_acceptance_on_behalf_not_allowed",
            param="identity[attestations][terms_of_service]",
        )


def _check_contact_email(document: Mapping[str, Any]) -> None:
    if document.get("contact_email"):
        return
    needs = [name for name in applied_configurations(document) if name in ("merchant", "recipient")]
    if needs:
        raise InvalidRequest(
            f"contact_email is required when the account is configured as a {needs[0]}.",
            code="parameter_missing",
            param="contact_email",
        )
