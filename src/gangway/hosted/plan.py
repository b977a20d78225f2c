"""What the hosted form asks for: requirement entries turned into steps and controls.

Pure: it reads an evaluation's entries, the account document and its persons, and the link's
collection options. A requirement's description names a value (``identity.individual.address.city``,
``representative.date_of_birth.day``); the form asks for whole things a person understands (an
address, a date of birth), so descriptions collapse to *controls*, grouped by *subject* (the
account, the individual, the business, one person) and placed in *steps*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gangway.requirements.facts import with_payout_bank

__all__ = [
    "PERSON_CONTROLS",
    "STEPS",
    "Due",
    "Plan",
    "control_key",
    "due_from_entries",
    "errors_by_subject",
    "make_plan",
    "statuses_for",
]

STEPS = (
    "business_type",
    "personal",
    "business",
    "representative",
    "people",
    "profile",
    "public",
    "bank",
    "documents",
    "review",
)

#: The order controls appear in on a person-like form (the individual, or a Person).
PERSON_CONTROLS = (
    "given_name",
    "surname",
    "script_names.kanji",
    "script_names.kana",
    "email",
    "phone",
    "date_of_birth",
    "address",
    "script_addresses.kanji",
    "script_addresses.kana",
    "id_numbers",
    "nationalities",
    "political_exposure",
    "relationship.title",
    "relationship.executive",
    "relationship.director",
    "relationship.owner",
    "relationship.percent_ownership",
)

BUSINESS_CONTROLS = (
    "registered_name",
    "script_names.kanji",
    "script_names.kana",
    "structure",
    "phone",
    "address",
    "script_addresses.kanji",
    "script_addresses.kana",
    "id_numbers",
)

ACCOUNT_CONTROLS = {
    "identity.country": "business_type",
    "identity.entity_type": "business_type",
    "configuration.merchant.mcc": "profile",
    "defaults.profile.business_url": "profile",
    "defaults.profile.product_description": "profile",
    "configuration.merchant.statement_descriptor": "public",
    "configuration.merchant.support.phone": "public",
    "external_account": "bank",
    "identity.attestations.terms_of_service": "review",
    "identity.attestations.persons_provided.owners": "people",
    "identity.attestations.persons_provided.directors": "people",
    "identity.attestations.persons_provided.executives": "people",
    "identity.attestations.persons_provided.ownership_exemption_reason": "people",
}

_ROLES = ("representative", "owner", "director", "executive")
_ROLE_SCOPES = ("representative", "owners", "directors", "executives")


@dataclass(frozen=True)
class Due:
    """One control that some requirement entry asks for.

    ``subject`` is ``account``, ``individual``, ``business``, a person id, or ``role:<role>``
    when the account lacks a person in that role; ``key`` is relative to the subject;
    ``descriptions`` are the entries' own (a specific ID number type is named in them).
    """

    subject: str
    key: str
    descriptions: tuple[str, ...]
    errors: tuple[str, ...] = ()
    """The entries' error codes: why something given before is asked for again."""


@dataclass
class Plan:
    """The steps to show, in order, and what each asks for."""

    steps: list[str]
    due: dict[str, list[Due]] = field(default_factory=dict)
    """Per step, what is still owed (empty for a step shown only to confirm or edit)."""
    optional: frozenset[str] = frozenset()
    """Steps that ask only for optional information: visited once on the way forward."""

    def is_done(self, step: str) -> bool:
        return not self.due.get(step)

    def next_after(self, step: str) -> str:
        """The next step that still owes something, after ``step`` and then from the start;
        the review when nothing else does. "After" is in the fixed order of ``STEPS``: a step
        that has just been completed may have left the plan (documents, once uploaded)."""
        rank = STEPS.index(step) if step in STEPS else -1
        order = [s for s in self.steps if s != "review"]
        return self._from(order, sum(1 for s in order if STEPS.index(s) <= rank))

    def _from(self, order: list[str], position: int) -> str:
        for candidate in order[position:]:
            if self.due.get(candidate) or candidate in self.optional:
                return candidate
        for candidate in order[:position]:
            if self.due.get(candidate):
                return candidate
        return "review"

    def position(self, step: str) -> tuple[int, int]:
        """``(n, total)`` for "Step n of total"; a step outside the plan counts as the first."""
        number = self.steps.index(step) + 1 if step in self.steps else 1
        return number, len(self.steps)

    def first(self) -> str:
        return self._from([s for s in self.steps if s != "review"], 0)


def control_key(description: str) -> str:
    """``date_of_birth.day`` -> ``date_of_birth``; ``address.city`` -> ``address``;
    ``id_numbers.us_ssn_last_4`` -> ``id_numbers``; ``script_names.kana.surname`` ->
    ``script_names.kana``; ``documents.primary_verification`` stays."""
    parts = description.split(".")
    head = parts[0]
    if head in ("date_of_birth", "address", "id_numbers", "nationalities"):
        return head
    if head in ("script_names", "script_addresses", "documents") and len(parts) > 1:
        return f"{head}.{parts[1]}"
    return description


def statuses_for(fields: str) -> frozenset[str]:
    """The deadline statuses a link's ``collection_options.fields`` collects."""
    wanted = {"currently_due", "past_due"}
    if fields == "eventually_due":
        wanted.add("eventually_due")
    return frozenset(wanted)


def due_from_entries(entries: Iterable[Mapping[str, Any]], statuses: frozenset[str]) -> list[Due]:
    """Entries owed by the user with a wanted deadline status, collapsed into controls."""
    grouped: dict[tuple[str, str], list[str]] = {}
    errors: dict[tuple[str, str], list[str]] = {}
    for entry in entries:
        if entry.get("awaiting_action_from", "user") != "user":
            continue
        status = ((entry.get("minimum_deadline") or {}).get("status")) or "currently_due"
        if status not in statuses:
            continue
        subject, key, description = _locate(entry)
        grouped.setdefault((subject, key), []).append(description)
        codes = errors.setdefault((subject, key), [])
        codes += [str(e.get("code")) for e in entry.get("errors") or [] if e.get("code")]
    return [
        Due(subject, key, tuple(descs), tuple(dict.fromkeys(errors[(subject, key)])))
        for (subject, key), descs in grouped.items()
    ]


def errors_by_subject(entries: Iterable[Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Every entry's error codes by subject, whatever its deadline: a failed check on a later
    requirement explains why an earlier one (a document) is asked for."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        codes = [str(e.get("code")) for e in entry.get("errors") or [] if e.get("code")]
        if codes:
            found.setdefault(_locate(entry)[0], []).extend(codes)
    return {subject: tuple(dict.fromkeys(codes)) for subject, codes in found.items()}


def _locate(entry: Mapping[str, Any]) -> tuple[str, str, str]:
    description = str(entry.get("description") or "")
    reference = entry.get("reference") or {}
    if reference.get("type") == "person" and reference.get("resource"):
        relative = description.split(".", 1)[1] if "." in description else description
        return str(reference["resource"]), control_key(relative), relative
    if description.startswith("relationship.") and description.split(".")[1] in _ROLES:
        return f"role:{description.split('.')[1]}", "relationship", description
    for prefix, subject in (
        ("identity.individual.", "individual"),
        ("identity.business_details.", "business"),
    ):
        if description.startswith(prefix):
            relative = description[len(prefix) :]
            return subject, control_key(relative), relative
    for known in ACCOUNT_CONTROLS:
        if description == known or description.startswith(known + "."):
            return "account", known, description
    return "account", description, description


def make_plan(
    due: Sequence[Due],
    *,
    document: Mapping[str, Any],
    persons: Sequence[Mapping[str, Any]],
    use_case: str,
    merchant: bool,
    reviewed: bool = False,
) -> Plan:
    """Steps in their fixed order: every step something is owed in, every step that already
    holds information (to confirm or edit it), and the review. Once the person has reached the
    review (``reviewed``), optional steps are no longer offered on the way: fixes lead back to
    the review."""
    by_step: dict[str, list[Due]] = {}
    representative_ids = {
        str(p.get("id"))
        for p in persons
        if ((p.get("relationship") or {}).get("representative")) is True
    }
    for item in due:
        by_step.setdefault(_step_of(item, representative_ids), []).append(item)

    shown = set(by_step)
    identity = document.get("identity") or {}
    # steps that already hold information stay listed, to confirm or edit them
    if identity.get("individual"):
        shown.add("personal")
    if identity.get("business_details"):
        shown.add("business")
    if representative_ids:
        shown.add("representative")
    if any(pid not in representative_ids for pid in (str(p.get("id")) for p in persons)):
        shown.add("people")
    if document.get("defaults", {}).get("profile") or _merchant_config(document).get("mcc"):
        shown.add("profile")
    if with_payout_bank(document).get("external_account"):
        shown.add("bank")
    if merchant:
        shown.add("public")
    shown.add("review")
    # optional public details are offered once on the way forward, until a descriptor is set
    fresh = (
        use_case == "account_onboarding"
        and not reviewed
        and not _merchant_config(document).get("statement_descriptor")
    )
    optional = frozenset({"public"} & shown) if fresh else frozenset()
    return Plan(steps=[s for s in STEPS if s in shown], due=by_step, optional=optional)


def _merchant_config(document: Mapping[str, Any]) -> Mapping[str, Any]:
    return (document.get("configuration") or {}).get("merchant") or {}


def _step_of(item: Due, representative_ids: set[str]) -> str:
    if item.key.startswith("documents."):
        return "documents"
    if item.subject == "account":
        return ACCOUNT_CONTROLS.get(item.key, "review")
    if item.subject == "individual":
        return "personal"
    if item.subject == "business":
        return "business"
    if item.subject == "role:representative" or item.subject in representative_ids:
        return "representative"
    return "people"
