"""Find every verifiable submission in a stored account document and its Persons.

This is the only module that knows where values live in the v2 wire shape. It yields
``Submission``s: a ``Check`` minus the fingerprint, plus the canonical value. The value never
leaves the package (``checks`` hashes it, ``test_mode_outcome`` reads its magic), so it is kept
out of ``repr`` in case a submission ends up in a log or a traceback.

Values are canonicalised here, once, so the fingerprint and the magic-value tables agree on what
"the same value" means: strings are stripped, ID numbers lose separators (``12-3456789`` and
``123456789`` are one EIN), date parts that are digit strings become integers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gangway.requirements.facts import is_blank, is_mapping, lookup, mapping_at

__all__ = ["ADDRESS_PARTS", "Submission", "compact_number", "find", "submissions", "text"]

#: Address sub-fields a verdict applies to (``country`` is the account's or Person's country
#: question, not part of the match). ``line2`` and ``town`` are named only when provided.
ADDRESS_PARTS = ("line1", "line2", "city", "state", "postal_code", "town")
_ADDRESS_VALUE_PARTS = (*ADDRESS_PARTS, "country")
_IDENTITY_DOCUMENTS = ("primary_verification", "secondary_verification", "passport", "visa")
_PERSON_SUPPORTING_DOCUMENTS = ("company_authorization",)
_SEPARATORS = re.compile(r"[\s\-./]")
_PROFILE_KINDS = (
    ("business_url", "business_url", "Business website"),
    ("doing_business_as", "doing_business_as", "Doing-business-as name"),
    ("product_description", "product_description", "Product description"),
)
_DESCRIPTOR_KINDS = (
    ("descriptor", "statement_descriptor", "Statement descriptor"),
    ("prefix", "statement_descriptor_prefix", "Statement descriptor prefix"),
)
_ROLES = (("director", "directors", "Directors"), ("owner", "owners", "Owners"))


@dataclass(frozen=True)
class Submission:
    """A check before hashing: where the verdict goes, and the canonical value it is about."""

    subject: str | None
    kind: str
    descriptions: tuple[str, ...]
    label: str
    value: Any = field(repr=False, compare=False)

    @property
    def key(self) -> tuple[str | None, str, tuple[str, ...]]:
        """What identifies the submission without its value (and so matches a ``Check``)."""
        return self.subject, self.kind, self.descriptions


def submissions(
    document: Mapping[str, Any], persons: Sequence[Mapping[str, Any]]
) -> list[Submission]:
    """Every provided, verifiable submission: the account holder, the business, the profile and
    merchant settings, each Person (skipping any without an ``id``, which has no key), then the
    account-level directors and owners lists."""
    found: list[Submission] = []
    individual = mapping_at(document, ("identity", "individual"))
    if individual is not None:
        found.extend(_personal(individual, None, "identity.individual.", "the account holder"))
    found.extend(_business(document))
    found.extend(_settings(document))
    for person in persons:
        person_id = person.get("id")
        if isinstance(person_id, str) and person_id:
            found.extend(_personal(person, person_id, "", f"person {person_id}"))
    found.extend(_roles(document, persons))
    return found


def find(
    document: Mapping[str, Any],
    persons: Sequence[Mapping[str, Any]],
    key: tuple[str | None, str, tuple[str, ...]],
) -> Submission | None:
    """The submission with ``key`` (subject, kind, descriptions), if the document still has it."""
    for submission in submissions(document, persons):
        if submission.key == key:
            return submission
    return None


def text(value: Any) -> str | None:
    """A provided string, stripped; None for anything else or blank."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def compact_number(value: str) -> str:
    """An ID number without spaces, dashes, dots or slashes (as the validators store it)."""
    return _SEPARATORS.sub("", value)


# ---- people (the account holder and Persons) ------------------------------------------------


def _personal(
    root: Mapping[str, Any], subject: str | None, base: str, who: str
) -> Iterator[Submission]:
    dob = root.get("date_of_birth")
    if is_mapping(dob) and not is_blank(dob):
        value = {part: _date_part(dob.get(part)) for part in ("day", "month", "year")}
        descriptions = tuple(f"{base}date_of_birth.{part}" for part in ("day", "month", "year"))
        yield Submission(subject, "date_of_birth", descriptions, f"Date of birth of {who}", value)
    address = _address(root.get("address"), f"{base}address.")
    if address is not None:
        yield Submission(subject, "address", address[0], f"Address of {who}", address[1])
    yield from _id_numbers(root.get("id_numbers"), subject, base, "id_number", f"of {who}")
    documents = root.get("documents")
    if is_mapping(documents):
        for name in (*_IDENTITY_DOCUMENTS, *_PERSON_SUPPORTING_DOCUMENTS):
            files = _files(documents.get(name))
            if files:
                kind = "identity_document" if name in _IDENTITY_DOCUMENTS else "supporting_document"
                label = f"Document ({name}) of {who}"
                yield Submission(subject, kind, (f"{base}documents.{name}",), label, files)


def _id_numbers(
    items: Any, subject: str | None, base: str, kind: str, suffix: str
) -> Iterator[Submission]:
    """One submission per typed number with a value; the first of a repeated type wins.

    The typed description (``id_numbers.us_ssn_last_4``) is always named; the generic one
    (``id_numbers``) only for full numbers, because rules use it for "a full number": a failed
    last-4 must not mark a verified full number as failed under the same key.
    """
    if not isinstance(items, list):
        return
    seen: set[str] = set()
    for item in items:
        if not is_mapping(item):
            continue
        type_, number = text(item.get("type")), text(item.get("value"))
        if type_ is None or number is None or type_ in seen:
            continue
        seen.add(type_)
        descriptions: tuple[str, ...] = (f"{base}id_numbers.{type_}",)
        if not type_.endswith("_last_4"):
            descriptions += (f"{base}id_numbers",)
        label = f"{'ID number' if kind == 'id_number' else 'Tax ID'} ({type_}) {suffix}"
        value = {"type": type_, "value": compact_number(number)}
        yield Submission(subject, kind, descriptions, label.strip(), value)


# ---- the business and the account's settings ------------------------------------------------


def _business(document: Mapping[str, Any]) -> Iterator[Submission]:
    base = "identity.business_details."
    details = mapping_at(document, ("identity", "business_details"))
    if details is None:
        return
    name = text(details.get("registered_name"))
    if name is not None:
        yield Submission(
            None, "business_name", (f"{base}registered_name",), "Registered business name", name
        )
    address = _address(details.get("address"), f"{base}address.")
    if address is not None:
        yield Submission(None, "business_address", address[0], "Business address", address[1])
    yield from _id_numbers(details.get("id_numbers"), None, base, "business_tax_id", "")
    documents = details.get("documents")
    if is_mapping(documents):
        for doc_name in sorted(documents):
            files = _files(documents.get(doc_name))
            if files:
                label = f"Business document ({doc_name})"
                description = (f"{base}documents.{doc_name}",)
                yield Submission(None, "supporting_document", description, label, files)


def _settings(document: Mapping[str, Any]) -> Iterator[Submission]:
    profile = mapping_at(document, ("defaults", "profile"))
    for key, kind, label in _PROFILE_KINDS:
        value = text(profile.get(key)) if profile is not None else None
        if value is not None:
            yield Submission(None, kind, (f"defaults.profile.{key}",), label, value)
    descriptor = mapping_at(document, ("configuration", "merchant", "statement_descriptor"))
    for key, kind, label in _DESCRIPTOR_KINDS:
        value = text(descriptor.get(key)) if descriptor is not None else None
        if value is not None:
            description = f"configuration.merchant.statement_descriptor.{key}"
            yield Submission(None, kind, (description,), label, value)


def _roles(
    document: Mapping[str, Any], persons: Sequence[Mapping[str, Any]]
) -> Iterator[Submission]:
    """The directors and owners lists, each one account-level submission.

    Provided when a Person holds the role or the ``persons_provided`` attestation is true. The
    value includes the business's tax IDs: the list is compared with the company's registry
    record, which the tax ID finds, so a new tax ID is a new question for the same list.
    """
    tax_ids = sorted(
        compact_number(number)
        for item in (lookup(document, ("identity", "business_details", "id_numbers")) or [])
        if is_mapping(item) and (number := text(item.get("value"))) is not None
    )
    for flag, plural, label in _ROLES:
        holders = [
            {
                "id": person.get("id"),
                "given_name": text(person.get("given_name")),
                "surname": text(person.get("surname")),
            }
            for person in persons
            if lookup(person, ("relationship", flag)) is True
        ]
        attested = lookup(document, ("identity", "attestations", "persons_provided", plural))
        if not holders and attested is not True:
            continue
        value = {"persons": holders, "attested": attested is True, "tax_ids": tax_ids}
        description = (f"identity.attestations.persons_provided.{plural}",)
        yield Submission(None, plural, description, label, value)


# ---- shared shapes ---------------------------------------------------------------------------


def _address(value: Any, prefix: str) -> tuple[tuple[str, ...], dict[str, str]] | None:
    """(descriptions, canonical value) for an address with at least one matched sub-field."""
    if not is_mapping(value):
        return None
    parts = {key: part for key in _ADDRESS_VALUE_PARTS if (part := text(value.get(key)))}
    descriptions = tuple(prefix + key for key in ADDRESS_PARTS if key in parts)
    if not descriptions:
        return None
    return descriptions, parts


def _files(value: Any) -> list[str]:
    """File ids of one document field: ``front_back.front``/``.back`` or a ``files`` list."""
    if not is_mapping(value):
        return []
    found: list[str] = []
    front_back = value.get("front_back")
    if is_mapping(front_back):
        found.extend(f for side in ("front", "back") if (f := text(front_back.get(side))))
    files = value.get("files")
    if isinstance(files, list):
        found.extend(f for item in files if (f := text(item)))
    return found


def _date_part(value: Any) -> int | str | None:
    """An integer day, month or year; other provided text kept as is (it cannot match)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    stripped = text(value)
    if stripped is not None and stripped.isascii() and stripped.isdigit():
        return int(stripped)
    return stripped
