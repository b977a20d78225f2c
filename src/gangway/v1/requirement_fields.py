"""The one mapping from the engine's v2 requirement descriptions to v1 field names.

Why a table and not rules: v1 ``requirements.currently_due`` and v2 ``requirements.entries`` are
two renderings of the same evaluation, so v1 must never decide what is due, only what a due
v2 field is called in v1. The table is ``docs/country-requirements.md`` section 6.1 to 6.3 (the
v1 -> v2 mapping) read backwards; where several v1 fields map to one v2 field (``company.tax_id``,
``company.registration_number`` and ``company.pan`` are all ``business_details.id_numbers``),
the KNOWN row wins. Two document rows of the same ``documents.*`` family are added. Entries about
a Person (``reference.type == "person"``) carry descriptions relative to the Person, named in v1
as ``<person id>.<field>`` through the ``identity.individual`` rows (``person_x.dob.day``),
the engine's role prefix (``representative.``, as in section 6.5) dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

__all__ = ["V2_TO_V1", "v1_field", "v1_field_of_entry"]

V2_TO_V1: Final[Mapping[str, str]] = {
    "identity.entity_type": "business_type",
    "configuration.merchant.mcc": "business_profile.mcc",
    "defaults.profile.product_description": "business_profile.product_description",
    "configuration.merchant.support.phone": "business_profile.support_phone",
    "defaults.profile.business_url": "business_profile.url",
    "external_account": "external_account",
    "identity.attestations.terms_of_service.account.date": "tos_acceptance.date",
    "identity.attestations.terms_of_service.account.ip": "tos_acceptance.ip",
    "identity.individual.address.city": "individual.address.city",
    "identity.individual.address.line1": "individual.address.line1",
    "identity.individual.address.postal_code": "individual.address.postal_code",
    "identity.individual.address.state": "individual.address.state",
    "identity.individual.script_addresses.kana.city": "individual.address_kana.city",
    "identity.individual.script_addresses.kana.line1": "individual.address_kana.line1",
    "identity.individual.script_addresses.kana.postal_code": "individual.address_kana.postal_code",
    "identity.individual.script_addresses.kana.state": "individual.address_kana.state",
    "identity.individual.script_addresses.kana.town": "individual.address_kana.town",
    "identity.individual.script_addresses.kanji.city": "individual.address_kanji.city",
    "identity.individual.script_addresses.kanji.line1": "individual.address_kanji.line1",
    "identity.individual.script_addresses.kanji.postal_code": "individual.address_kanji.postal_code",
    "identity.individual.script_addresses.kanji.state": "individual.address_kanji.state",
    "identity.individual.script_addresses.kanji.town": "individual.address_kanji.town",
    "identity.business_details.id_numbers": "company.tax_id",
    "identity.individual.date_of_birth.day": "individual.dob.day",
    "identity.individual.date_of_birth.month": "individual.dob.month",
    "identity.individual.date_of_birth.year": "individual.dob.year",
    "identity.individual.documents.passport": "individual.documents.passport.files",
    "identity.individual.email": "individual.email",
    "identity.individual.given_name": "individual.first_name",
    "identity.individual.script_names.kana.given_name": "individual.first_name_kana",
    "identity.individual.script_names.kanji.given_name": "individual.first_name_kanji",
    "identity.individual.additional_names": "individual.full_name_aliases",
    "identity.individual.legal_gender": "individual.gender",
    "identity.individual.id_numbers": "individual.id_number",
    "identity.individual.surname": "individual.last_name",
    "identity.individual.script_names.kana.surname": "individual.last_name_kana",
    "identity.individual.script_names.kanji.surname": "individual.last_name_kanji",
    "identity.individual.nationalities": "individual.nationality",
    "identity.individual.phone": "individual.phone",
    "identity.individual.political_exposure": "individual.political_exposure",
    "identity.individual.relationship.executive": "individual.relationship.executive",
    "identity.individual.relationship.title": "individual.relationship.title",
    "identity.individual.id_numbers.us_ssn_last_4": "individual.ssn_last_4",
    "identity.individual.documents.secondary_verification": "individual.verification.additional_document",
    "identity.individual.documents.primary_verification": "individual.verification.document",
    "identity.business_details.address.city": "company.address.city",
    "identity.business_details.address.line1": "company.address.line1",
    "identity.business_details.address.postal_code": "company.address.postal_code",
    "identity.business_details.address.state": "company.address.state",
    "identity.business_details.script_addresses.kana.city": "company.address_kana.city",
    "identity.business_details.script_addresses.kana.line1": "company.address_kana.line1",
    "identity.business_details.script_addresses.kana.postal_code": "company.address_kana.postal_code",
    "identity.business_details.script_addresses.kana.state": "company.address_kana.state",
    "identity.business_details.script_addresses.kana.town": "company.address_kana.town",
    "identity.business_details.script_addresses.kanji.city": "company.address_kanji.city",
    "identity.business_details.script_addresses.kanji.line1": "company.address_kanji.line1",
    "identity.business_details.script_addresses.kanji.postal_code": "company.address_kanji.postal_code",
    "identity.business_details.script_addresses.kanji.state": "company.address_kanji.state",
    "identity.business_details.script_addresses.kanji.town": "company.address_kanji.town",
    "identity.attestations.persons_provided.directors": "company.directors_provided",
    "identity.attestations.persons_provided.executives": "company.executives_provided",
    "identity.business_details.registered_name": "company.name",
    "identity.business_details.script_names.kana.registered_name": "company.name_kana",
    "identity.business_details.script_names.kanji.registered_name": "company.name_kanji",
    "identity.attestations.persons_provided.owners": "company.owners_provided",
    "identity.business_details.phone": "company.phone",
    "identity.business_details.structure": "company.structure",
    "identity.business_details.documents.primary_verification": "company.verification.document",
    "identity.business_details.documents.bank_account_ownership_verification": "documents.bank_account_ownership_verification.files",
    "identity.business_details.documents.company_license": "documents.company_license.files",
    "identity.business_details.documents.company_memorandum_of_association": "documents.company_memorandum_of_association.files",
    "identity.business_details.documents.company_tax_id_verification": "documents.company_tax_id_verification.files",
    "identity.business_details.documents.proof_of_registration": "documents.proof_of_registration.files",
}

_INDIVIDUAL: Final = "identity.individual."
_RELATIONSHIPS: Final = frozenset(
    {"representative", "owners", "directors", "executives", "owner", "director", "executive"}
)
_PERSON: Final[Mapping[str, str]] = {
    v2.removeprefix(_INDIVIDUAL): v1.removeprefix("individual.")
    for v2, v1 in V2_TO_V1.items()
    if v2.startswith(_INDIVIDUAL) and v1.startswith("individual.")
}


def _lookup(table: Mapping[str, str], description: str) -> str | None:
    """The row for ``description``, else for its longest mapped prefix: a v2 sub-field such as
    ``business_details.id_numbers.au_acn`` is the same v1 field as its parent."""
    parts = description.split(".")
    for end in range(len(parts), 0, -1):
        head = ".".join(parts[:end])
        if head in table:
            return table[head]
    return None


def v1_field(description: str, person_id: str | None = None) -> str:
    """The v1 name of a v2 requirement: mapped through the table, or, for a field the table
    does not know, the v2 description itself (a requirement is never dropped from v1)."""
    if person_id:
        relative = description.removeprefix(_INDIVIDUAL)
        head, _, rest = relative.partition(".")
        if head in _RELATIONSHIPS and rest:  # "representative.date_of_birth.day": the role is
            relative = rest  # why the person is asked; v1 names the person, not the role
        return f"{person_id}." + (_lookup(_PERSON, relative) or relative)
    return _lookup(V2_TO_V1, description) or description


def v1_field_of_entry(entry: Mapping[str, Any]) -> str:
    reference = entry.get("reference") or {}
    person = reference.get("resource") if reference.get("type") == "person" else None
    return v1_field(
        str(entry.get("description") or ""), person if isinstance(person, str) else None
    )
