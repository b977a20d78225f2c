"""Which validator guards which param: one table for accounts, one for persons.

Only the values a request sets are checked (and normalised in place), each failure placed at its
bracketed param path. The validators themselves live in ``gangway.validation`` and are shared with
the hosted form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from gangway.core.errors import FieldInvalid, PathPart
from gangway.validation import (
    addresses,
    business,
    contact,
    countries,
    dates,
    id_numbers,
    japanese,
    urls,
)

__all__ = ["CheckContext", "check_account_params", "check_person_params", "max_lengths"]


@dataclass(frozen=True)
class CheckContext:
    today: date
    country: str | None  # the account's identity country, for phone numbers
    livemode: bool  # live mode refuses Stripe's documented test-mode magic values


Validator = Callable[[Any, CheckContext], Any]


def _email(value: Any, _ctx: CheckContext) -> Any:
    return contact.email(value)


def _phone(value: Any, ctx: CheckContext) -> Any:
    return contact.phone(value, ctx.country, test_values=not ctx.livemode)


def _url(value: Any, _ctx: CheckContext) -> Any:
    return urls.web_url(value, use="business").text


def _country(value: Any, _ctx: CheckContext) -> Any:
    return countries.country(value)


def _currency(value: Any, _ctx: CheckContext) -> Any:
    return countries.currency(value)


def _locale(value: Any, _ctx: CheckContext) -> Any:
    return countries.locale(value)


def _address(value: Any, ctx: CheckContext) -> Any:
    return addresses.address(value, country=ctx.country)


def _date_of_birth(value: Any, ctx: CheckContext) -> Any:
    day, month, year = dates.date_of_birth(
        value["day"], value["month"], value["year"], today=ctx.today
    )
    return {"day": day, "month": month, "year": year}


def _registration_date(value: Any, ctx: CheckContext) -> Any:
    day, month, year = dates.registration_date(
        value["day"], value["month"], value["year"], today=ctx.today
    )
    return {"day": day, "month": month, "year": year}


def _individual_id(value: Any, ctx: CheckContext) -> Any:
    return _id_number(value, ctx, id_numbers.individual_id_number)


def _business_id(value: Any, ctx: CheckContext) -> Any:
    return _id_number(value, ctx, id_numbers.business_id_number)


def _id_number(value: Any, ctx: CheckContext, check: Callable[..., str]) -> Any:
    try:
        return {
            **value,
            "value": check(value["type"], value["value"], test_values=not ctx.livemode),
        }
    except FieldInvalid as exc:
        exc.details.setdefault("field", "value")
        raise


def _name_in(script: japanese.Script, part: str) -> Validator:
    def check(value: Any, _ctx: CheckContext) -> Any:
        return japanese.script_name(value, script, part)

    return check


def _address_in(script: japanese.Script) -> Validator:
    def check(value: Any, _ctx: CheckContext) -> Any:
        return japanese.script_address(value, script)

    return check


def _percent(value: Any, _ctx: CheckContext) -> Any:
    return str(business.percent_ownership(value))


def _mcc(value: Any, _ctx: CheckContext) -> Any:
    return business.mcc(value)


def _descriptor(value: Any, _ctx: CheckContext) -> Any:
    return business.statement_descriptor(value)


def _descriptor_prefix(value: Any, _ctx: CheckContext) -> Any:
    return business.statement_descriptor(value, prefix=True)


_PERSON_LIKE: dict[str, Validator] = {
    "email": _email,
    "phone": _phone,
    "date_of_birth": _date_of_birth,
    "address": _address,
    "additional_addresses.*": _address,
    "id_numbers.*": _individual_id,
    "nationalities.*": _country,
    "relationship.percent_ownership": _percent,
    **{
        f"script_names.{script}.{part}": _name_in(script, part)
        for script in japanese.SCRIPTS
        for part in ("given_name", "surname")
    },
    **{f"script_addresses.{script}": _address_in(script) for script in japanese.SCRIPTS},
}

_ACCOUNT: dict[str, Validator] = {
    "contact_email": _email,
    "contact_phone": _phone,
    "defaults.currency": _currency,
    "defaults.locales.*": _locale,
    "defaults.profile.business_url": _url,
    "identity.country": _country,
    **{f"identity.individual.{path}": check for path, check in _PERSON_LIKE.items()},
    "identity.business_details.phone": _phone,
    "identity.business_details.address": _address,
    "identity.business_details.additional_addresses.*": _address,
    "identity.business_details.id_numbers.*": _business_id,
    "identity.business_details.registration_date": _registration_date,
    **{
        f"identity.business_details.script_names.{script}.registered_name": _name_in(
            script, "registered_name"
        )
        for script in japanese.SCRIPTS
    },
    **{
        f"identity.business_details.script_addresses.{script}": _address_in(script)
        for script in japanese.SCRIPTS
    },
    "configuration.merchant.mcc": _mcc,
    "configuration.merchant.statement_descriptor.descriptor": _descriptor,
    "configuration.merchant.statement_descriptor.prefix": _descriptor_prefix,
    "configuration.merchant.support.email": _email,
    "configuration.merchant.support.phone": _phone,
    "configuration.merchant.support.url": _url,
    "configuration.merchant.support.address": _address,
}


# The longest text a validator accepts (surrounding whitespace aside), where that is less than the
# 5000 characters every SDK string may have; compound values list their sub-fields'. Kept beside
# the tables so a field's limit follows whichever validator guards it (``contract.limits``).
_MAX_LENGTHS: dict[Validator, int] = {
    _email: contact.EMAIL_MAX_LENGTH,
    _country: countries.COUNTRY_CODE_LENGTH,
    _currency: countries.CURRENCY_CODE_LENGTH,
    _mcc: business.MCC_LENGTH,
    _descriptor: business.STATEMENT_DESCRIPTOR_MAX_LENGTH,
    _descriptor_prefix: business.STATEMENT_DESCRIPTOR_PREFIX_MAX_LENGTH,
}
_FIELD_MAX_LENGTHS: dict[Validator, dict[str, int]] = {
    _address: {"country": countries.COUNTRY_CODE_LENGTH},
}


def max_lengths(*, person: bool) -> dict[str, int]:
    """Dotted param path (list items left out: ``identity.individual.nationalities``) -> the
    validator's tighter limit, for the account params or (``person``) the person params."""
    limits: dict[str, int] = {}
    for dotted, check in (_PERSON_LIKE if person else _ACCOUNT).items():
        path = ".".join(part for part in dotted.split(".") if part != "*")
        if check in _MAX_LENGTHS:
            limits[path] = _MAX_LENGTHS[check]
        for field, limit in _FIELD_MAX_LENGTHS.get(check, {}).items():
            limits[f"{path}.{field}"] = limit
    return limits


Tree = dict[str, "Tree | Validator"]


def _tree(table: Mapping[str, Validator]) -> Tree:
    """``{"identity.individual.email": v}`` -> ``{"identity": {"individual": {"email": v}}}``:
    the walk then descends only where something is checked (``*`` matches list items)."""
    root: Tree = {}
    for dotted, check in table.items():
        *parents, leaf = dotted.split(".")
        node = root
        for part in parents:
            node = node.setdefault(part, {})  # type: ignore[assignment]
        node[leaf] = check
    return root


_ACCOUNT_TREE = _tree(_ACCOUNT)
_PERSON_TREE = _tree(_PERSON_LIKE)


def check_account_params(params: dict[str, Any], ctx: CheckContext) -> None:
    """Validate and normalise, in place, every value the account params set."""
    _walk(params, (), _ACCOUNT_TREE, ctx)


def check_person_params(params: dict[str, Any], ctx: CheckContext) -> None:
    _walk(params, (), _PERSON_TREE, ctx)


def _walk(node: Any, path: tuple[PathPart, ...], tree: Tree, ctx: CheckContext) -> None:
    if isinstance(node, dict):
        items: list[tuple[PathPart, Any]] = [(k, v) for k, v in node.items() if k in tree]
    elif isinstance(node, list) and "*" in tree:
        items = list(enumerate(node))
    else:
        return
    for key, value in items:
        branch = tree["*" if isinstance(key, int) else key]
        if value is None:
            continue
        if callable(branch):
            try:
                node[key] = branch(value, ctx)
            except FieldInvalid as exc:
                raise exc.at(*path, key, *_leaf(exc)) from None
        else:
            _walk(value, (*path, key), branch, ctx)


def _leaf(exc: FieldInvalid) -> tuple[PathPart, ...]:
    """Validators of compound values may name the sub-field at fault (``field="postal_code"``)."""
    field = exc.details.get("field")
    return (field,) if isinstance(field, str) else ()
