"""The payout bank account: its inputs per country, and reading them into a bank account.

An IBAN where the country uses one; elsewhere a bank code (the US routing number; Japan's bank
and branch codes) and an account number. Each input is checked by its own validator, so an
error lands on the input it is about.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gangway.core.errors import FieldInvalid
from gangway.hosted import limits
from gangway.hosted.controls.model import FieldError, Group, Input
from gangway.hosted.i18n import N_
from gangway.validation import banks

__all__ = ["bank_group", "read_bank", "uses_iban"]

_IBAN_COUNTRIES = frozenset(
    [
        "ae",
        "at",
        "be",
        "bg",
        "ch",
        "cy",
        "cz",
        "de",
        "dk",
        "ee",
        "es",
        "fi",
        "fr",
        "gr",
        "hu",
        "ie",
        "it",
        "li",
        "lt",
        "lu",
        "lv",
        "mt",
        "nl",
        "no",
        "pl",
        "pt",
        "ro",
        "se",
        "si",
        "sk",
    ]
)
HOLDER = "external_account[account_holder_name]"
#: The bank code's name and length where a country has its own (else "Bank code", 20).
_ROUTING = {"us": (N_("Routing number"), 9), "gb": (N_("Sort code"), 8)}
_ROUTING_CHECKS: dict[str, Callable[[str], str]] = {"gb": banks.gb_sort_code}
TITLE = N_("Payout bank account")


def uses_iban(country: str) -> bool:
    return country in _IBAN_COUNTRIES


def bank_group(country: str, bank: Mapping[str, Any]) -> Group:
    """The inputs for ``country``, filled with what is on file (never the account number)."""
    on_file = N_("On file: ending in %(last4)s.") if bank.get("last4") else None
    last4 = {"last4": str(bank.get("last4") or "")}
    holder_max = limits.max_length(False, ["external_account", "account_holder_name"])
    inputs = [
        Input(
            HOLDER,
            N_("Account holder name"),
            value=str(bank.get("account_holder_name") or ""),
            autocomplete="name",
            required=True,
            maxlength=holder_max,
        )
    ]
    if uses_iban(country):
        inputs.append(
            Input(
                "external_account[iban]",
                N_("IBAN"),
                required=True,
                hint=on_file,
                hint_args=last4,
                autocomplete="off",
                maxlength=42,
            )
        )
        return Group("external_account", TITLE, inputs, True)
    routing = str(bank.get("routing_number") or "")
    if country == "jp":
        inputs += [
            _code("external_account[bank_code]", N_("Bank code"), routing[:4], 4),
            _code("external_account[branch_code]", N_("Branch code"), routing[4:], 3),
        ]
    else:
        label, size = _ROUTING.get(country, (N_("Bank code"), 20))
        inputs.append(_code("external_account[routing_number]", label, routing, size))
    inputs.append(
        Input(
            "external_account[account_number]",
            N_("Account number"),
            required=True,
            hint=on_file,
            hint_args=last4,
            autocomplete="off",
            inputmode="numeric",
            maxlength=34,
        )
    )
    return Group("external_account", TITLE, inputs, True)


def _code(name: str, label: str, value: str, size: int) -> Input:
    return Input(
        name,
        label,
        required=True,
        value=value,
        inputmode="numeric",
        maxlength=size,
        size="short" if size < 10 else "full",
    )


def read_bank(
    country: str, form: Mapping[str, Any], *, livemode: bool
) -> tuple[dict[str, Any], dict[str, FieldError]]:
    """The bank account the inputs hold, and an error per input that is missing or wrong."""
    sent = form.get("external_account")
    given = sent if isinstance(sent, Mapping) else {}
    errors: dict[str, FieldError] = {}
    result: dict[str, Any] = {"object": "bank_account", "country": country}

    def take(key: str, check: Callable[[str], str]) -> str | None:
        name = f"external_account[{key}]"
        raw = given.get(key)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            errors[name] = FieldError("required")
            return None
        try:
            return check(text)
        except FieldInvalid as exc:
            details = {k: str(v) for k, v in exc.details.items()}
            errors[name] = FieldError(exc.code, exc.message, details)
            return None

    holder = take("account_holder_name", _holder)
    if holder is not None:
        result["account_holder_name"] = holder
    if uses_iban(country):
        iban = take("iban", lambda v: banks.iban(v, test_values=not livemode))
        if iban is not None:
            result.update(iban=iban, last4=iban[-4:])
        return result, errors
    if country == "jp":
        bank_code, branch = take("bank_code", str), take("branch_code", str)
        if bank_code is not None and branch is not None:
            try:
                result["routing_number"] = banks.jp_bank_and_branch(bank_code, branch)
            except FieldInvalid as exc:
                part = str(exc.details.get("field") or "bank_code")
                errors[f"external_account[{part}]"] = FieldError(exc.code, exc.message)
    else:
        check: Callable[[str], str] = _ROUTING_CHECKS.get(country, str)
        if country == "us":
            check = lambda v: banks.us_routing_number(v, test_values=not livemode)  # noqa: E731
        routing = take("routing_number", check)
        if routing is not None:
            result["routing_number"] = routing
    number = take(
        "account_number", lambda v: banks.account_number(v, country, test_values=not livemode)
    )
    if number is not None:
        result.update(account_number=number, last4=number[-4:])
    return result, errors


def _holder(value: str) -> str:
    """Checked here too so the error stands beside the others; the limit is the contract's."""
    limit = limits.max_length(False, ["external_account", "account_holder_name"]) or 5000
    if len(value) > limit:
        raise FieldInvalid(
            "parameter_invalid_string_too_long",
            f"The account holder name must be at most {limit} characters.",
            max=limit,
        )
    return value
