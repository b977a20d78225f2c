"""v1 ``company`` params to v2 ``identity.business_details`` and attestations: pure.

Why the ID numbers need the country: v1 has three slots (``tax_id``, ``registration_number``,
``vat_id``) where v2 has typed ``id_numbers``. Each slot takes the country's usual type of its
kind (``gangway.hosted.id_number_types``, the order the form offers): ``tax_id`` the usual
business number (US EIN, FR SIREN, AU ABN), ``registration_number`` the company register (GB
CRN, AU ACN, DE HRN), ``vat_id`` the VAT number. A slot the country has no type for is a 400
naming it. The numbers' formats are checked by the v2 service, as for every write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from gangway.core.errors import InvalidRequest
from gangway.hosted.id_number_types import KINDS, business_types
from gangway.v1.identity_params import documents_params

__all__ = ["COMPANY", "V2_TO_V1_COMPANY", "company_slot_of", "company_to_v2"]

_STR: Final = "str"
_BOOL: Final = "bool"
_ADDRESS: Final = dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state"), _STR)
_SCRIPT_ADDRESS: Final = {**_ADDRESS, "town": _STR}
_DECLARATION: Final = {"date": "int", "ip": _STR, "user_agent": _STR}
_STRUCTURES: Final = (
    "free_zone_establishment",
    "free_zone_llc",
    "government_instrumentality",
    "governmental_unit",
    "incorporated_non_profit",
    "incorporated_partnership",
    "limited_liability_partnership",
    "llc",
    "multi_member_llc",
    "private_company",
    "private_corporation",
    "private_partnership",
    "public_company",
    "public_corporation",
    "public_partnership",
    "registered_charity",
    "single_member_llc",
    "sole_establishment",
    "sole_proprietorship",
    "tax_exempt_government_instrumentality",
    "unincorporated_association",
    "unincorporated_non_profit",
    "unincorporated_partnership",
)
COMPANY: Final = {
    "address": _ADDRESS,
    "address_kana": _SCRIPT_ADDRESS,
    "address_kanji": _SCRIPT_ADDRESS,
    "directors_provided": _BOOL,
    "executives_provided": _BOOL,
    "name": _STR,
    "name_kana": _STR,
    "name_kanji": _STR,
    "owners_provided": _BOOL,
    "ownership_declaration": _DECLARATION,
    "phone": _STR,
    "registration_number": _STR,
    "structure": _STRUCTURES,
    "registration_date": {"day": "int", "month": "int", "year": "int"},
    "tax_id": _STR,
    "tax_id_registrar": _STR,
    "vat_id": _STR,
    "verification": {"document": {"back": _STR, "front": _STR}},
}
"""The v1 ``company`` fields Gangway maps; the rest (``export_*``, ``ownership_exemption_reason``,
the other addresses...) are a 400 ``parameter_unknown`` from the shape check."""

_SLOTS: Final = {
    "tax_id": ("business_id", "tax"),
    "registration_number": ("register", "business_id"),
    "vat_id": ("vat",),
}

V2_TO_V1_COMPANY: Final = (
    ("identity[business_details][registered_name]", "company[name]"),
    ("identity[business_details][phone]", "company[phone]"),
    ("identity[business_details][address]", "company[address]"),
    ("identity[business_details][script_addresses][kana]", "company[address_kana]"),
    ("identity[business_details][script_addresses][kanji]", "company[address_kanji]"),
    ("identity[business_details][script_names][kana]", "company[name_kana]"),
    ("identity[business_details][script_names][kanji]", "company[name_kanji]"),
    ("identity[business_details][structure]", "company[structure]"),
    ("identity[business_details][id_numbers]", "company[tax_id]"),
    ("identity[attestations][persons_provided][directors]", "company[directors_provided]"),
    ("identity[attestations][persons_provided][executives]", "company[executives_provided]"),
    ("identity[attestations][persons_provided][owners]", "company[owners_provided]"),
    ("identity[attestations][ownership_declaration]", "company[ownership_declaration]"),
    ("identity[business_details][registration_date]", "company[registration_date]"),
    (
        "identity[business_details][documents][primary_verification][front_back]",
        "company[verification][document]",
    ),
)
"""v2 params a service may name in an error, and the v1 ``company`` param they came from."""


_ID_NUMBERS: Final = "identity[business_details][id_numbers]["


def company_slot_of(v2_param: str, company: Any) -> str | None:
    """``identity[business_details][id_numbers][1][value]`` -> ``company[vat_id]`` when the
    second number ``company_to_v2`` sent was the VAT number; None for other params."""
    if not v2_param.startswith(_ID_NUMBERS) or not isinstance(company, Mapping):
        return None
    index = v2_param[len(_ID_NUMBERS) :].split("]", 1)[0]
    present = [slot for slot in _SLOTS if company.get(slot)]
    if not index.isdigit() or int(index) >= len(present):
        return None
    return f"company[{present[int(index)]}]"


def _address(raw: Mapping[str, Any], country: str | None) -> dict[str, Any]:
    """v1 fills an address's country with the account's; v2 requires it."""
    address = {k: (None if v == "" else v) for k, v in raw.items()}
    if not address.get("country") and country:
        address["country"] = country.upper()
    return address


def _type_for(slot: str, country: str | None, structure: str | None) -> str:
    if not country:
        raise InvalidRequest(
            f"company[{slot}] needs the account's country, to know which number it is.",
            code="parameter_missing",
            param="country",
        )
    kinds = _SLOTS[slot]
    ranked = business_types(country, structure=structure)
    for kind in kinds:
        for type_ in ranked:
            if KINDS.get(type_) == kind:
                return type_
    raise InvalidRequest(
        f"Gangway knows no {slot.replace('_', ' ')} type for {country.upper()} companies; send "
        "the number as a typed id_number through the v2 Accounts API "
        "(identity[business_details][id_numbers]).",
        code="parameter_not_supported",
        param=f"company[{slot}]",
    )


def company_to_v2(
    company: Mapping[str, Any], *, country: str | None, creating: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Checked v1 ``company`` -> ``(business_details, attestations)`` for v2. On update an
    empty string unsets (``None``); on create it is left out."""

    def value(raw: Any) -> Any:
        return None if raw == "" else raw

    details: dict[str, Any] = {}
    renames = (
        ("name", "registered_name"),
        ("phone", "phone"),
        ("structure", "structure"),
        ("registration_date", "registration_date"),
    )
    for v1, v2 in renames:
        if v1 in company and (company[v1] not in ("", None) or not creating):
            details[v2] = value(company[v1])
    if company.get("address"):
        details["address"] = _address(company["address"], country)
    for script in ("kana", "kanji"):
        if company.get(f"address_{script}"):
            address = _address(company[f"address_{script}"], country)
            details.setdefault("script_addresses", {})[script] = address
        if company.get(f"name_{script}"):
            names = details.setdefault("script_names", {})
            names[script] = {"registered_name": company[f"name_{script}"]}
    structure = company.get("structure") or None
    numbers = [
        {"type": _type_for(slot, country, structure), "value": company[slot]}
        for slot in _SLOTS
        if company.get(slot)
    ]
    if numbers and company.get("tax_id_registrar") and company.get("tax_id"):
        numbers[0]["registrar"] = company["tax_id_registrar"]
    if numbers:
        details["id_numbers"] = numbers
    documents = documents_params(
        company.get("verification") or {}, (("document", "primary_verification"),)
    )
    if documents:
        details["documents"] = documents
    attestations: dict[str, Any] = {}
    provided = {
        role: company[f"{role}_provided"]
        for role in ("directors", "executives", "owners")
        if company.get(f"{role}_provided") is not None
    }
    if provided:
        attestations["persons_provided"] = provided
    return details, attestations
