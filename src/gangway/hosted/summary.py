"""The review page's summary: what the account holds, as the user would read it back.

ID numbers and bank account numbers show only their last 4; dates follow the locale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from gangway.hosted import i18n
from gangway.hosted.controls import LABELS
from gangway.hosted.i18n import N_

__all__ = ["Row", "summary"]

BUSINESS_NAME = N_("Legal business name")
WEBSITE = N_("Business website")
DESCRIPTION = N_("Product description")
INDUSTRY = N_("Industry")
BANK = N_("Payout bank account")
PEOPLE = N_("Owners and directors")


@dataclass(frozen=True)
class Row:
    label: str
    """A msgid."""
    value: str
    step: str


def summary(
    document: Mapping[str, Any], persons: Sequence[Mapping[str, Any]], locale: str
) -> list[Row]:
    identity = document.get("identity") or {}
    rows: list[Row] = []
    individual = identity.get("individual") or {}
    if individual:
        rows += _person_rows(individual, locale, "personal")
    business = identity.get("business_details") or {}
    if business.get("registered_name"):
        rows.append(Row(BUSINESS_NAME, str(business["registered_name"]), "business"))
    for number in business.get("id_numbers") or []:
        rows.append(Row(N_("Tax ID"), _masked(number.get("value")), "business"))
    names = [
        " ".join(str(p.get(k) or "") for k in ("given_name", "surname")).strip() for p in persons
    ]
    if any(names):
        rows.append(Row(PEOPLE, ", ".join(n for n in names if n), "people"))
    profile = (document.get("defaults") or {}).get("profile") or {}
    if profile.get("business_url"):
        rows.append(Row(WEBSITE, str(profile["business_url"]), "profile"))
    elif profile.get("product_description"):
        rows.append(Row(DESCRIPTION, str(profile["product_description"]), "profile"))
    mcc = ((document.get("configuration") or {}).get("merchant") or {}).get("mcc")
    if mcc:
        rows.append(Row(INDUSTRY, str(mcc), "profile"))
    bank = document.get("external_account") or {}
    if bank.get("last4"):
        rows.append(Row(BANK, _masked(bank["last4"]), "bank"))
    return rows


def _person_rows(person: Mapping[str, Any], locale: str, step: str) -> list[Row]:
    rows = []
    name = " ".join(str(person.get(k) or "") for k in ("given_name", "surname")).strip()
    if name:
        rows.append(Row(N_("Name"), name, step))
    for key in ("email", "phone"):
        if person.get(key):
            rows.append(Row(LABELS[key], str(person[key]), step))
    born = person.get("date_of_birth") or {}
    try:
        when = date(int(born["year"]), int(born["month"]), int(born["day"]))
    except (KeyError, TypeError, ValueError):
        when = None
    if when is not None:
        rows.append(Row(LABELS["date_of_birth"], i18n.format_date(when, locale), step))
    address = person.get("address") or {}
    if address:
        parts = [address.get(k) for k in ("line1", "line2", "postal_code", "city", "state")]
        rows.append(Row(LABELS["address"], ", ".join(str(p) for p in parts if p), step))
    for number in person.get("id_numbers") or []:
        rows.append(Row(LABELS["id_numbers"], _masked(number.get("value")), step))
    return rows


def _masked(value: Any) -> str:
    return "•••• " + str(value or "")[-4:]
