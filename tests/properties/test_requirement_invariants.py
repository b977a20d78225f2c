"""Random journeys through the real services never produce an impossible requirements state.

A hypothesis state machine drives ``services.accounts`` / ``services.persons`` /
``services.timeline`` in-process on a real (migrated) SQLite store in a temp dir, in test mode,
for one platform per example: it creates US, GB and JP accounts (individual and company,
merchant and/or recipient, application collectors so terms of service can be attested), then
changes fields to Stripe's test-mode magic values and ordinary ones, adds and removes persons,
pulls triggers and moves the test clock by seconds (asynchronous verifications), by days (across
the 16- and 30-day boundaries) and straight to the sandbox's next change. Every request is
checked against the SDK-derived params schema first, as the HTTP layer does.

After every step, every account is evaluated as of the machine's "now" (``accounts.evaluation``,
what a retrieve with ``include=requirements`` renders) and these hold:

1. Capabilities follow the entries: a capability is ``restricted`` exactly when an entry's
   ``impact.restricts_capabilities`` names it (configuration and capability) with deadline status
   ``past_due``; it is never ``active`` while one does, nor while an entry awaiting Stripe names
   it as ``currently_due``; ``pending`` needs a ``currently_due`` restriction. Entries only
   restrict requested capabilities.
2. Deadlines are never in the past. The wire shape has no per-entry deadline time, only
   ``summary.minimum_deadline.time`` (the soonest of the entries' deadline times). At time T,
   after every sweep/advance/update: when that time is set it is strictly after T, the summary
   status is not ``eventually_due`` and some entry restricts a capability as ``currently_due``;
   and whenever an entry awaiting the user restricts something as ``currently_due`` (a running
   deadline) the time is set. Together: nothing is shown as currently due with a deadline that
   has already passed, and a passed deadline is shown as ``past_due``.
3. ``summary`` is null exactly when there are no entries; ``summary.minimum_deadline.status`` is
   the strictest of the entries' ``minimum_deadline.status``, and each entry's is the strictest of
   its ``restricts_capabilities`` deadlines (``eventually_due`` when it restricts nothing).
4. Every capability status is active / pending / restricted / unsupported, with
   ``status_details == []`` exactly when active and the detail code matching the status.
5. The scheduler cannot miss a change: an account's stored ``next_change_ms`` is None or after
   T, is exactly the soonest of the engine's next change and the next pending test-mode
   decision, no decision is left overdue, and evaluating just before that instant gives the same
   answer as at T.

Also held: time alone never adds or removes an entry and never relaxes a status (evaluated 60
days on with the same facts); a Stripe-awaited entry is never past due and carries no errors;
entries are unique, sorted and reference only the account's current persons; a create or
trigger answers what an immediate retrieve would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from gangway.api import params as param_checks
from gangway.core.clock import from_rfc3339
from gangway.core.errors import InvalidRequest
from gangway.core.keys import KeyPrincipal
from gangway.requirements import Evaluation, RuleBook, load_rules
from gangway.requirements.deadlines import STATUS_RANK
from gangway.requirements.facts import NO_KYC_CAPABILITIES, applied_and_requested
from gangway.services import accounts, persons, timeline, verifications
from gangway.services.context import Call
from gangway.store.database import Database
from gangway.store.migrate import upgrade
from gangway.store.repos.keys import KeyRepository
from gangway.store.sealing import Sealer
from gangway.store.uow import Store

START_MS = from_rfc3339("2026-12-01T00:00:00.000Z")
SECOND_MS = 1_000
DAY_MS = 86_400_000
MAX_ACCOUNTS = 5
MAX_PERSONS = 4

CAPABILITY_STATUSES = {"active", "pending", "restricted", "unsupported"}
DETAIL_CODES = {
    "pending": {"requirements_pending_verification"},
    "restricted": {"requirements_past_due"},
    "unsupported": {"unsupported_country", "unsupported_entity_type"},
}

# ---- values: Stripe's test-mode magic values and ordinary ones ------------------------------

DATES_OF_BIRTH = [(1, 1, 1901), (1, 1, 1902), (1, 1, 1900), (17, 3, 1987)]
LINE1S = ["address_full_match", "address_no_match", "address_line1_no_match", "1 Main Street"]
US_ID_NUMBERS = [
    ("us_ssn_last_4", "0000"),
    ("us_ssn_last_4", "1234"),
    ("us_ssn", "000000000"),
    ("us_ssn", "111111111"),
    ("us_ssn", "222222222"),
    ("us_ssn", "123456789"),
]
DOCUMENT_TOKENS = ["file_identity_document_success", "file_identity_document_failure"]
URL_HOSTS = [
    "accessible.stripe.com",
    "disallowed.stripe.com",
    "inactivity.stripe.com",
    "problem.stripe.com",
    "shop.example.com",
]
TAX_IDS = ["000000000", "111111111", "222222222", "222221000", "222221001", "222221005"]
ORDINARY_TAX_IDS = {"us": "123456789", "gb": "12345678"}  # JP: only magic values validate
TAX_ID_TYPES = {"us": "us_ein", "gb": "gb_crn", "jp": "jp_cn"}
EMAILS = ["jenny@example.com", "ops@example.org"]
PHONES = {
    "us": ["+14155550123", "0000000000"],
    "gb": ["+442079460000", "0000000000"],
    "jp": ["+81312345678", "0000000000"],
}
ROLES = ["representative", "owner", "director", "executive"]
ATTESTATIONS = ["owners", "directors", "executives"]
TRIGGER_KINDS = list(timeline.TRIGGERS)
TOS = {"date": "2026-11-26T10:00:00.000Z", "ip": "203.0.113.7"}


@dataclass(frozen=True)
class Template:
    country: str
    entity: str
    configurations: tuple[str, ...]


TEMPLATES = [
    Template("us", "individual", ("merchant",)),
    Template("us", "individual", ("merchant", "recipient")),
    Template("us", "company", ("merchant", "recipient")),
    Template("gb", "individual", ("recipient",)),
    Template("gb", "company", ("merchant",)),
    Template("jp", "individual", ("merchant",)),
    Template("jp", "company", ("recipient",)),
]


@dataclass(frozen=True)
class PersonValues:
    """What one person (the account holder or a Person) submits."""

    dob: tuple[int, int, int] | None
    line1: str | None
    id_number: tuple[str, str] | None
    document: str | None
    contact: bool


@dataclass(frozen=True)
class AccountSpec:
    template: Template
    holder: PersonValues | None  # individuals only
    host: str | None
    product_description: bool
    tax_id: str | None  # companies only
    business_line1: str | None
    attested: frozenset[str]
    terms: bool


person_values = st.builds(
    PersonValues,
    dob=st.none() | st.sampled_from(DATES_OF_BIRTH),
    line1=st.none() | st.sampled_from(LINE1S),
    id_number=st.none() | st.sampled_from(US_ID_NUMBERS),
    document=st.none() | st.sampled_from(DOCUMENT_TOKENS),
    contact=st.booleans(),
)
account_specs = st.builds(
    AccountSpec,
    template=st.sampled_from(TEMPLATES),
    holder=st.none() | person_values,
    host=st.none() | st.sampled_from(URL_HOSTS),
    product_description=st.booleans(),
    tax_id=st.none() | st.sampled_from(TAX_IDS),
    business_line1=st.none() | st.sampled_from(LINE1S),
    attested=st.frozensets(st.sampled_from(ATTESTATIONS)),
    terms=st.booleans() | st.just(True),
)
indexes = st.integers(min_value=0, max_value=7)


# ---- request bodies ---------------------------------------------------------------------------


def dob_param(dob: tuple[int, int, int]) -> dict[str, int]:
    return {"day": dob[0], "month": dob[1], "year": dob[2]}


def address_param(country: str, line1: str) -> dict[str, Any]:
    """A postal address for US/GB; JP rules ask for the kana and kanji script addresses."""
    if country == "us":
        return {
            "address": {
                "country": "us",
                "line1": line1,
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94111",
            }
        }
    if country == "gb":
        return {
            "address": {
                "country": "gb",
                "line1": line1,
                "city": "London",
                "postal_code": "EC1A 1BB",
            }
        }
    return {
        "script_addresses": {
            "kana": {
                "line1": line1,
                "city": "ﾁﾖﾀﾞｸ",
                "town": "ﾏﾙﾉｳﾁ",
                "state": "ﾄｳｷｮｳﾄ",
                "postal_code": "100-0001",
            },
            "kanji": {
                "line1": line1,
                "city": "千代田区",
                "town": "丸の内",
                "state": "東京都",
                "postal_code": "100-0001",
            },
        }
    }


def names_param(country: str) -> dict[str, Any]:
    if country == "jp":
        return {
            "script_names": {
                "kana": {"given_name": "ｼﾞｪﾆｰ", "surname": "ﾛｰｾﾞﾝ"},
                "kanji": {"given_name": "ジェニー", "surname": "ローゼン"},
            }
        }
    return {"given_name": "Jenny", "surname": "Rosen"}


def document_param(token: str, *, secondary: bool = False) -> dict[str, Any]:
    name = "secondary_verification" if secondary else "primary_verification"
    return {"documents": {name: {"type": "front_back", "front_back": {"front": token}}}}


def personal(country: str, values: PersonValues) -> dict[str, Any]:
    """A person's fields (the account holder's ``identity.individual`` or a Person)."""
    body: dict[str, Any] = names_param(country)
    if values.contact:
        body["email"] = EMAILS[0]
        body["phone"] = PHONES[country][0]
    if values.dob is not None:
        body["date_of_birth"] = dob_param(values.dob)
    if values.line1 is not None:
        body |= address_param(country, values.line1)
    if values.id_number is not None and country == "us":
        body["id_numbers"] = [{"type": values.id_number[0], "value": values.id_number[1]}]
    if values.document is not None:
        body |= document_param(values.document)
    return body


def business_details(country: str, tax_id: str | None, line1: str | None) -> dict[str, Any]:
    details: dict[str, Any] = {"registered_name": "Rocket Rides", "phone": PHONES[country][0]}
    if country == "jp":
        details["script_names"] = {
            "kana": {"registered_name": "ﾛｹｯﾄﾗｲｽﾞ"},
            "kanji": {"registered_name": "ロケットライズ"},
        }
    if line1 is not None:
        details |= address_param(country, line1)
    if tax_id is not None:
        details["id_numbers"] = [{"type": TAX_ID_TYPES[country], "value": tax_id}]
    return details


def create_body(spec: AccountSpec) -> dict[str, Any]:
    template = spec.template
    configuration: dict[str, Any] = {}
    if "merchant" in template.configurations:
        configuration["merchant"] = {
            "mcc": "5734",
            "capabilities": {"card_payments": {"requested": True}},
        }
    if "recipient" in template.configurations:
        configuration["recipient"] = {
            "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
        }
    identity: dict[str, Any] = {"country": template.country, "entity_type": template.entity}
    attestations: dict[str, Any] = {}
    if spec.terms:
        attestations["terms_of_service"] = {"account": dict(TOS)}
    if template.entity == "individual":
        if spec.holder is not None:
            identity["individual"] = personal(template.country, spec.holder)
    else:
        identity["business_details"] = business_details(
            template.country, spec.tax_id, spec.business_line1
        )
        if spec.attested:
            attestations["persons_provided"] = dict.fromkeys(sorted(spec.attested), True)
    if attestations:
        identity["attestations"] = attestations
    profile: dict[str, Any] = {}
    if spec.host is not None:
        profile["business_url"] = f"https://{spec.host}"
    if spec.product_description:
        profile["product_description"] = "Bicycle rides by the hour."
    defaults: dict[str, Any] = {
        "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
    }
    if profile:
        defaults["profile"] = profile
    return {
        "contact_email": "jenny@example.com",
        "dashboard": "none",
        "identity": identity,
        "configuration": configuration,
        "defaults": defaults,
        "include": ["requirements"],
    }


# ---- the store --------------------------------------------------------------------------------


@dataclass
class Sandbox:
    store: Store
    rules: RuleBook
    platforms: Iterator[int]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    directory: Path = tmp_path_factory.mktemp("properties")
    database = Database(f"sqlite:///{directory / 'g.db'}")
    upgrade(database.engine)
    try:
        yield Sandbox(Store(database, Sealer(b"k" * 32)), load_rules(), itertools.count(1))
    finally:
        database.dispose()


def soonest(*times: int | None) -> int | None:
    present = [t for t in times if t is not None]
    return min(present) if present else None


def public(evaluation: Evaluation) -> dict[str, Any]:
    """What a response renders from an evaluation."""
    return {
        "requirements": evaluation.requirements,
        "future_requirements": evaluation.future_requirements,
        "capabilities": evaluation.capabilities,
    }


# ---- the invariants, on one evaluation --------------------------------------------------------


def rank(status: str) -> int:
    return STATUS_RANK[status]


def check_evaluation(
    evaluation: Evaluation,
    document: dict[str, Any],
    person_ids: set[str],
    now_ms: int,
    *,
    has_futures: bool,
) -> None:
    requirements = evaluation.requirements
    entries: list[dict[str, Any]] = requirements["entries"]
    summary = requirements["summary"]

    # (3) the summary is the entries' strictest status, and null exactly without entries
    if not entries:
        assert summary is None, requirements
        assert requirements["alternatives"] is None, requirements
    else:
        assert summary is not None, requirements
        strictest = max((e["minimum_deadline"]["status"] for e in entries), key=rank)
        assert summary["minimum_deadline"]["status"] == strictest, requirements

    keys = [
        (e["description"], (e["reference"] or {}).get("resource") or "") for e in entries
    ]
    assert keys == sorted(keys), keys
    assert len(set(keys)) == len(keys), keys

    _, requested = applied_and_requested(document)
    restrictions: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for entry in entries:
        restricts = entry["impact"]["restricts_capabilities"]
        statuses = [r["deadline"]["status"] for r in restricts]
        expected = max(statuses, key=rank) if statuses else "eventually_due"
        assert entry["minimum_deadline"]["status"] == expected, entry
        assert entry["awaiting_action_from"] in ("user", "stripe"), entry
        if entry["awaiting_action_from"] == "stripe":
            # a slow review never makes a requirement past due, and Stripe owes no fix
            assert "past_due" not in statuses, entry
            assert entry["errors"] == [], entry
        reference = entry["reference"]
        if reference is not None:
            assert reference["type"] == "person", entry
            assert reference["resource"] in person_ids, (entry, person_ids)
        for item in restricts:
            key = (item["configuration"], item["capability"])
            assert key in requested, (entry, requested)
            restrictions.setdefault(key, []).append(
                (item["deadline"]["status"], entry["awaiting_action_from"])
            )

    # (2) no deadline time in the past; a running deadline always shows its time
    time = summary["minimum_deadline"]["time"] if summary is not None else None
    running = [
        e
        for e in entries
        if e["awaiting_action_from"] == "user"
        and any(
            r["deadline"]["status"] == "currently_due"
            for r in e["impact"]["restricts_capabilities"]
        )
    ]
    if time is not None:
        assert summary is not None
        assert from_rfc3339(time) > now_ms, (time, now_ms, requirements)
        assert summary["minimum_deadline"]["status"] != "eventually_due", requirements
        assert any(status == "currently_due" for pairs in restrictions.values() for status, _ in pairs), requirements
    if running:
        assert time is not None, requirements

    # (1) + (4) capability statuses follow the entries
    for configuration, capabilities in evaluation.capabilities.items():
        for capability, state in capabilities.items():
            status, details = state["status"], state["status_details"]
            assert status in CAPABILITY_STATUSES, state
            assert (details == []) == (status == "active"), state
            if status != "active":
                assert {d["code"] for d in details} <= DETAIL_CODES[status], state
            key = (configuration, capability)
            if key in NO_KYC_CAPABILITIES:
                assert status == "active", state
                continue
            if status == "unsupported":
                assert key not in restrictions, (key, requirements)
                continue
            found = restrictions.get(key, [])
            past_due = any(s == "past_due" for s, _ in found)
            reviewing = any(s == "currently_due" and a == "stripe" for s, a in found)
            assert (status == "restricted") == past_due, (key, state, found)
            if status == "active":
                assert not reviewing, (key, state, found)
            if status == "pending":
                assert any(s == "currently_due" for s, _ in found), (key, state, found)
            if reviewing and not past_due:
                assert status == "pending", (key, state, found)

    if not has_futures:
        future = evaluation.future_requirements
        assert future["entries"] == [] and future["summary"] is None, future


def check_time_alone(now: Evaluation, later: Evaluation, *, has_futures: bool) -> None:
    """With the same facts, time moves statuses forward only, and adds or removes nothing."""
    if has_futures:
        return
    before = {
        (e["description"], str(e["reference"])): e for e in now.requirements["entries"]
    }
    after = {
        (e["description"], str(e["reference"])): e for e in later.requirements["entries"]
    }
    assert before.keys() == after.keys(), (sorted(before), sorted(after))
    for key, entry in before.items():
        then = {
            (r["configuration"], r["capability"]): r["deadline"]["status"]
            for r in after[key]["impact"]["restricts_capabilities"]
        }
        for r in entry["impact"]["restricts_capabilities"]:
            target = (r["configuration"], r["capability"])
            assert rank(then[target]) >= rank(r["deadline"]["status"]), (key, entry, after[key])
    for configuration, capabilities in now.capabilities.items():
        for capability, state in capabilities.items():
            if state["status"] == "restricted":
                assert later.capabilities[configuration][capability]["status"] == "restricted"


# ---- the machine ------------------------------------------------------------------------------


class Journeys(RuleBasedStateMachine):
    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__()
        self.store = sandbox.store
        self.rules = sandbox.rules
        platform = f"plat_prop_{next(sandbox.platforms)}"
        with self.store.database.transaction(write=True) as conn:
            KeyRepository(conn).add_platform(platform, "Properties", START_MS)
        self.platform = platform
        self.principal = KeyPrincipal(platform_id=platform, livemode=False, key_id="key_prop")
        self.now = START_MS
        self.accounts: list[tuple[str, Template]] = []
        self.rejected = 0

    # -- helpers --------------------------------------------------------------------------------

    def call(self) -> Call:
        now = self.now
        return Call(principal=self.principal, request_id="req_test", clock=lambda: now)

    def pick(self, index: int) -> tuple[str, Template]:
        return self.accounts[index % len(self.accounts)]

    def person_ids(self, account_id: str) -> list[str]:
        with self.store.unit_of_work(write=False) as uow:
            return [p.id for p in uow.accounts.persons_of(account_id)]

    def update_account(self, account_id: str, body: dict[str, Any]) -> None:
        params = param_checks.check("AccountUpdateParams", body)
        try:
            with self.store.unit_of_work(write=True) as uow:
                accounts.update(uow, self.call(), account_id, params, self.rules)
        except InvalidRequest:
            self.rejected += 1

    def update_subject(self, index: int, subject: int, fields: dict[str, Any]) -> None:
        """Change the account holder's fields, or one Person's on a company."""
        account_id, template = self.pick(index)
        if template.entity == "individual":
            self.update_account(account_id, {"identity": {"individual": fields}})
            return
        people = self.person_ids(account_id)
        if not people:
            return
        params = param_checks.check("PersonUpdateParams", fields)
        try:
            with self.store.unit_of_work(write=True) as uow:
                persons.update(
                    uow, self.call(), account_id, people[subject % len(people)], params, self.rules
                )
        except InvalidRequest:
            self.rejected += 1

    def advance_to(self, target: int) -> None:
        assert target >= self.now
        timeline.advance(self.store, self.rules, self.platform, from_ms=self.now, to_ms=target)
        self.now = target

    # -- accounts ---------------------------------------------------------------------------------

    @initialize(first=account_specs, second=account_specs)
    def start(self, first: AccountSpec, second: AccountSpec) -> None:
        self.create(first)
        self.create(second)

    @precondition(lambda self: len(self.accounts) < MAX_ACCOUNTS)
    @rule(spec=account_specs)
    def create(self, spec: AccountSpec) -> None:
        call = self.call()
        params = param_checks.check("AccountCreateParams", create_body(spec))
        record, first = accounts.build(call, params, self.rules)
        with self.store.unit_of_work(write=True) as uow:
            verified = accounts.add(uow, call, record, self.rules)
        answered = verified if verified is not None else first
        self.accounts.append((record.id, spec.template))
        with self.store.unit_of_work(write=False) as uow:
            stored = uow.accounts.get(self.principal, record.id)
            assert stored is not None
            retrieved = accounts.evaluation(uow, stored, self.rules, self.now)
        assert public(answered) == public(retrieved), "create answered what a retrieve does not"

    # -- the account holder or a Person -----------------------------------------------------------

    @rule(index=indexes, subject=indexes, dob=st.sampled_from(DATES_OF_BIRTH))
    def set_date_of_birth(self, index: int, subject: int, dob: tuple[int, int, int]) -> None:
        self.update_subject(index, subject, {"date_of_birth": dob_param(dob)})

    @rule(index=indexes, subject=indexes, line1=st.sampled_from(LINE1S))
    def set_address(self, index: int, subject: int, line1: str) -> None:
        country = self.pick(index)[1].country
        self.update_subject(index, subject, address_param(country, line1))

    @rule(index=indexes, subject=indexes, number=st.sampled_from(US_ID_NUMBERS))
    def set_id_number(self, index: int, subject: int, number: tuple[str, str]) -> None:
        if self.pick(index)[1].country != "us":
            return
        fields = {"id_numbers": [{"type": number[0], "value": number[1]}]}
        self.update_subject(index, subject, fields)

    @rule(
        index=indexes,
        subject=indexes,
        token=st.sampled_from(DOCUMENT_TOKENS),
        secondary=st.booleans(),
    )
    def set_document(self, index: int, subject: int, token: str, secondary: bool) -> None:
        self.update_subject(index, subject, document_param(token, secondary=secondary))

    @rule(index=indexes, subject=indexes, which=st.integers(0, 1))
    def set_contact(self, index: int, subject: int, which: int) -> None:
        country = self.pick(index)[1].country
        fields = {"email": EMAILS[which], "phone": PHONES[country][which]}
        self.update_subject(index, subject, fields)

    # -- the business and the profile ---------------------------------------------------------

    @rule(index=indexes, host=st.sampled_from(URL_HOSTS))
    def set_business_url(self, index: int, host: str) -> None:
        account_id, _ = self.pick(index)
        self.update_account(account_id, {"defaults": {"profile": {"business_url": f"https://{host}"}}})

    @rule(index=indexes)
    def set_product_description(self, index: int) -> None:
        account_id, _ = self.pick(index)
        body = {"defaults": {"profile": {"product_description": "Bicycle rides by the hour."}}}
        self.update_account(account_id, body)

    @rule(index=indexes, tax_id=st.sampled_from([*TAX_IDS, "ordinary"]))
    def set_business_tax_id(self, index: int, tax_id: str) -> None:
        account_id, template = self.pick(index)
        if template.entity != "company":
            return
        value = ORDINARY_TAX_IDS.get(template.country, TAX_IDS[0]) if tax_id == "ordinary" else tax_id
        details = {"id_numbers": [{"type": TAX_ID_TYPES[template.country], "value": value}]}
        self.update_account(account_id, {"identity": {"business_details": details}})

    @rule(index=indexes, line1=st.sampled_from(LINE1S))
    def set_business_address(self, index: int, line1: str) -> None:
        account_id, template = self.pick(index)
        if template.entity != "company":
            return
        details = address_param(template.country, line1)
        self.update_account(account_id, {"identity": {"business_details": details}})

    @rule(index=indexes, which=st.sampled_from(ATTESTATIONS), value=st.booleans())
    def attest_persons_provided(self, index: int, which: str, value: bool) -> None:
        account_id, template = self.pick(index)
        if template.entity != "company":
            return
        body = {"identity": {"attestations": {"persons_provided": {which: value}}}}
        self.update_account(account_id, body)

    @rule(index=indexes)
    def attest_terms_of_service(self, index: int) -> None:
        account_id, _ = self.pick(index)
        body = {"identity": {"attestations": {"terms_of_service": {"account": dict(TOS)}}}}
        self.update_account(account_id, body)

    # -- persons (companies) ------------------------------------------------------------------

    @rule(
        index=indexes,
        roles=st.frozensets(st.sampled_from(ROLES), min_size=1),
        values=person_values,
    )
    def add_person(self, index: int, roles: frozenset[str], values: PersonValues) -> None:
        account_id, template = self.pick(index)
        if template.entity != "company" or len(self.person_ids(account_id)) >= MAX_PERSONS:
            return
        relationship: dict[str, Any] = dict.fromkeys(sorted(roles), True)
        if roles & {"representative", "director", "executive"}:
            relationship["title"] = "CEO"
            if "representative" in roles:
                relationship["executive"] = True
        if "owner" in roles:
            relationship["percent_ownership"] = "25"
        body = {**personal(template.country, values), "relationship": relationship}
        params = param_checks.check("PersonCreateParams", body)
        try:
            with self.store.unit_of_work(write=True) as uow:
                persons.create(uow, self.call(), account_id, params, self.rules)
        except InvalidRequest:
            self.rejected += 1

    @rule(index=indexes, subject=indexes)
    def remove_person(self, index: int, subject: int) -> None:
        account_id, _ = self.pick(index)
        people = self.person_ids(account_id)
        if not people:
            return
        with self.store.unit_of_work(write=True) as uow:
            persons.delete(uow, self.call(), account_id, people[subject % len(people)], self.rules)

    # -- triggers and the clock ---------------------------------------------------------------

    @rule(index=indexes, kind=st.sampled_from(TRIGGER_KINDS))
    def trigger(self, index: int, kind: Any) -> None:
        account_id, _ = self.pick(index)
        with self.store.unit_of_work(write=True) as uow:
            record = uow.accounts.get(self.principal, account_id, for_update=True)
            assert record is not None
            answered = timeline.trigger(uow, record, kind, self.rules, self.now, None)
            retrieved = accounts.evaluation(uow, record, self.rules, self.now)
        assert public(answered) == public(retrieved), "a trigger answered what a retrieve does not"

    @rule(seconds=st.integers(min_value=1, max_value=20))
    def advance_seconds(self, seconds: int) -> None:
        self.advance_to(self.now + seconds * SECOND_MS)

    @rule(days=st.integers(min_value=1, max_value=40), extra_ms=st.integers(0, DAY_MS - 1))
    def advance_days(self, days: int, extra_ms: int) -> None:
        self.advance_to(self.now + days * DAY_MS + extra_ms)

    @rule()
    def advance_to_next_change(self) -> None:
        with self.store.unit_of_work(write=False) as uow:
            target = uow.accounts.soonest_change(self.platform, False, after_ms=self.now)
        if target is not None:
            self.advance_to(target)

    @rule(index=indexes, days=st.sampled_from([16, 30]), delta_ms=st.sampled_from([-1, 0, 1]))
    def advance_to_boundary(self, index: int, days: int, delta_ms: int) -> None:
        """To one millisecond around an account's 16- or 30-day boundary, when still ahead."""
        account_id, _ = self.pick(index)
        with self.store.unit_of_work(write=False) as uow:
            record = uow.accounts.get(self.principal, account_id)
            assert record is not None
        target = record.created_ms + days * DAY_MS + delta_ms
        if target > self.now:
            self.advance_to(target)

    # -- after every step ---------------------------------------------------------------------

    @invariant()
    def nothing_impossible(self) -> None:
        now = self.now
        with self.store.unit_of_work(write=False) as uow:
            for account_id, template in self.accounts:
                record = uow.accounts.get(self.principal, account_id)
                assert record is not None
                has_futures = bool(self.rules.get(template.country).futures)
                evaluation = accounts.evaluation(uow, record, self.rules, now)
                people = timeline.persons_of(uow, record)
                check_evaluation(
                    evaluation,
                    record.document,
                    {p["id"] for p in people},
                    now,
                    has_futures=has_futures,
                )

                # (5) the scheduler's wake-up is in the future and exactly the next change
                records = uow.verifications.of_account(account_id)
                overdue = [
                    r
                    for r in records
                    if r.status == "pending" and r.decide_at_ms is not None and r.decide_at_ms <= now
                ]
                assert not overdue, f"{len(overdue)} test-mode decision(s) left overdue"
                wake = record.next_change_ms
                assert wake is None or wake > now, (wake, now)
                expected = soonest(evaluation.next_change_ms, verifications.next_decision_ms(records))
                assert wake == expected, (wake, evaluation.next_change_ms, expected, now)

                # nothing changes before the wake-up; time alone only tightens
                verdicts = verifications.verdicts(records)
                if wake is not None and wake - 1 > now:
                    just_before = timeline.evaluate_record(
                        record, people, self.rules, wake - 1, verdicts=verdicts
                    )
                    assert public(just_before) == public(evaluation), (
                        "the answer changed before the account's next_change_ms"
                    )
                later = timeline.evaluate_record(
                    record, people, self.rules, now + 60 * DAY_MS, verdicts=verdicts
                )
                check_time_alone(evaluation, later, has_futures=has_futures)
                if wake is None:
                    assert public(later) == public(evaluation), "changed with no wake-up set"


def test_random_journeys_never_reach_an_impossible_state(sandbox: Sandbox) -> None:
    run_state_machine_as_test(
        lambda: Journeys(sandbox),
        settings=settings(
            max_examples=50,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
