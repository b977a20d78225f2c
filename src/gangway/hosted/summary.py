"""The review page's summary: what the account holds, as the person would read it back.

Phones in the country's own format, addresses in the order the country writes them, an
industry by name, each ID number once and masked to its last 4, dates in the locale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers

from gangway.hosted import i18n
from gangway.hosted.controls import id_types
from gangway.hosted.i18n import N_
from gangway.hosted.industries import industry_name
from gangway.hosted.wording import LABELS, TAX_ID
from gangway.requirements.facts import with_payout_bank

__all__ = ["Row", "person_name", "summary"]

BUSINESS_NAME = N_("Legal business name")
WEBSITE = N_("Business website")
DESCRIPTION = N_("Product description")
INDUSTRY = N_("Industry")
BANK = N_("Payout bank account")
PEOPLE = N_("Owners and directors")
DESCRIPTOR = N_("Statement descriptor")
SUPPORT_PHONE = N_("Support phone number")
NAME = N_("Name")
BUSINESS_ADDRESS = N_("Business address")
_ADDRESS_ORDER = ("line1", "line2", "town", "city", "state", "postal_code")
_JP_ORDER = ("postal_code", "state", "city", "town", "line1", "line2")


@dataclass(frozen=True)
class Row:
    label: str
    """A msgid."""
    value: str
    step: str
    value_is_msgid: bool = False
    label_args: Mapping[str, str] = field(default_factory=dict)


def summary(
    document: Mapping[str, Any], persons: Sequence[Mapping[str, Any]], locale: str
) -> list[Row]:
    identity = document.get("identity") or {}
    country = str(identity.get("country") or "")
    rows: list[Row] = []
    individual = identity.get("individual") or {}
    if individual:
        rows += _person_rows(individual, country, locale, "personal")
    business = identity.get("business_details") or {}
    if business:
        rows += _business_rows(business, country)
    names = [person_name(p) for p in persons]
    if any(names):
        rows.append(Row(PEOPLE, ", ".join(n for n in names if n), "people"))
    rows += _profile_rows(document)
    bank = with_payout_bank(document).get("external_account") or {}
    if bank.get("last4"):
        rows.append(Row(BANK, _masked(bank["last4"]), "bank"))
    return rows


def _business_rows(business: Mapping[str, Any], country: str) -> list[Row]:
    rows = []
    if business.get("registered_name"):
        rows.append(Row(BUSINESS_NAME, str(business["registered_name"]), "business"))
    for script in ("kanji", "kana"):
        name = ((business.get("script_names") or {}).get(script) or {}).get("registered_name")
        if name:
            rows.append(Row(LABELS[f"script_names.{script}"], str(name), "business"))
    if business.get("phone"):
        rows.append(Row(LABELS["phone"], _phone(business["phone"], country), "business"))
    if business.get("address"):
        rows.append(Row(BUSINESS_ADDRESS, _address(business["address"], country), "business"))
    rows += _script_addresses(business, "business")
    rows += _id_rows(business, TAX_ID, "business")
    return rows


def _profile_rows(document: Mapping[str, Any]) -> list[Row]:
    rows = []
    profile = (document.get("defaults") or {}).get("profile") or {}
    merchant = (document.get("configuration") or {}).get("merchant") or {}
    if merchant.get("mcc"):
        name, is_msgid = industry_name(str(merchant["mcc"]))
        rows.append(Row(INDUSTRY, name, "profile", value_is_msgid=is_msgid))
    if profile.get("business_url"):
        rows.append(Row(WEBSITE, str(profile["business_url"]), "profile"))
    if profile.get("product_description"):
        rows.append(Row(DESCRIPTION, str(profile["product_description"]), "profile"))
    descriptor = (merchant.get("statement_descriptor") or {}).get("descriptor")
    if descriptor:
        rows.append(Row(DESCRIPTOR, str(descriptor), "public"))
    support = (merchant.get("support") or {}).get("phone")
    if support:
        rows.append(Row(SUPPORT_PHONE, _phone(support, ""), "public"))
    return rows


def _person_rows(person: Mapping[str, Any], country: str, locale: str, step: str) -> list[Row]:
    rows = []
    name = _name(person)
    if name:
        rows.append(Row(NAME, name, step))
    for script in ("kanji", "kana"):
        parts = (person.get("script_names") or {}).get(script) or {}
        written = " ".join(str(parts.get(k) or "") for k in ("surname", "given_name")).strip()
        if written:
            rows.append(Row(LABELS[f"script_names.{script}"], written, step))
    if person.get("email"):
        rows.append(Row(LABELS["email"], str(person["email"]), step))
    if person.get("phone"):
        rows.append(Row(LABELS["phone"], _phone(person["phone"], country), step))
    born = person.get("date_of_birth") or {}
    try:
        when = date(int(born["year"]), int(born["month"]), int(born["day"]))
    except (KeyError, TypeError, ValueError):
        when = None
    if when is not None:
        rows.append(Row(LABELS["date_of_birth"], i18n.format_date(when, locale), step))
    if person.get("address"):
        rows.append(Row(LABELS["address"], _address(person["address"], country), step))
    rows += _script_addresses(person, step)
    rows += _id_rows(person, LABELS["id_numbers"], step)
    return rows


def _script_addresses(owner: Mapping[str, Any], step: str) -> list[Row]:
    rows = []
    for script in ("kanji", "kana"):
        address = (owner.get("script_addresses") or {}).get(script)
        if address:
            rows.append(Row(LABELS[f"script_addresses.{script}"], _address(address, "jp"), step))
    return rows


def _id_rows(owner: Mapping[str, Any], fallback: str, step: str) -> list[Row]:
    """One row per number: a full number hides its own last 4 (``us_ssn`` over
    ``us_ssn_last_4``)."""
    numbers = [n for n in owner.get("id_numbers") or [] if isinstance(n, Mapping)]
    types = {str(n.get("type")) for n in numbers}
    rows = []
    for number in numbers:
        kind = str(number.get("type") or "")
        if kind.endswith("_last_4") and kind.removesuffix("_last_4") in types:
            continue
        label = id_types.label(kind) if kind else fallback
        rows.append(
            Row(label, _masked(number.get("value")), step, label_args={"type": kind.upper()})
        )
    return rows


def person_name(person: Mapping[str, Any]) -> str:
    """How a person is named back to the user: given name and surname, or, for a Japanese
    person who has only kanji and kana names, the kanji (else the kana) name, surname first."""
    latin = _name(person)
    if latin:
        return latin
    for script in ("kanji", "kana"):
        parts = (person.get("script_names") or {}).get(script) or {}
        written = " ".join(str(parts.get(k) or "") for k in ("surname", "given_name")).strip()
        if written:
            return written
    return ""


def _name(person: Mapping[str, Any]) -> str:
    return " ".join(str(person.get(k) or "") for k in ("given_name", "surname")).strip()


def _phone(value: Any, country: str) -> str:
    """``+14155550123`` -> ``(415) 555-0123`` at home, international elsewhere."""
    try:
        number = phonenumbers.parse(str(value), country.upper() or None)
    except phonenumbers.NumberParseException:
        return str(value)
    if not phonenumbers.is_valid_number(number):
        return str(value)
    home = phonenumbers.region_code_for_number(number) == country.upper()
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def _address(address: Mapping[str, Any], country: str) -> str:
    order = _JP_ORDER if country == "jp" else _ADDRESS_ORDER
    parts = [str(address[k]) for k in order if address.get(k)]
    return ", ".join(p.replace("_", " ") if p.startswith("address_") else p for p in parts)


def _masked(value: Any) -> str:
    return "•••• " + str(value or "")[-4:]
