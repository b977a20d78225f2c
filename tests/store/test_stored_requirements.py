"""Stored requirements: read while fresh, evaluated again when not, sealed in the row, brought
up to changed rules at start-up, and rendered byte for byte as the engine's answer would be."""

from __future__ import annotations

import asyncio
import copy
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from gangway.api import render
from gangway.app import create_app
from gangway.bootstrap import prepare
from gangway.core.keys import KeyPrincipal
from gangway.core.stored_requirements import StoredRequirements
from gangway.requirements import Evaluation, RuleBook, load_rules
from gangway.requirements.rules import DEFAULT_RULES_DIRECTORY
from gangway.services import accounts, reviews, timeline, verifications
from gangway.services.context import Call
from gangway.services.stored_requirements import fill_stale
from gangway.settings import Settings
from gangway.store.sealing import Sealer, SealError
from gangway.store.tables import accounts as accounts_table
from gangway.store.uow import Store

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
T0 = 1_795_000_000_000
MERCHANT = {
    "display_name": "Rocket Rides",
    "contact_email": "jenny@example.com",
    "identity": {"country": "us", "entity_type": "company"},
    "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
}
RECIPIENT = {  # owes its requirements by deadlines that are still to come
    "contact_email": "jenny@example.com",
    "identity": {"country": "us", "entity_type": "individual"},
    "configuration": {
        "recipient": {"capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}}
    },
}
INCLUDE = {"requirements", "future_requirements", "configuration.merchant"}


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return load_rules()


def call(now_ms: int = T0) -> Call:
    return Call(principal=PRINCIPAL, request_id="req_1", clock=lambda: now_ms)


def new_account(store: Store, rules: RuleBook, params: dict[str, Any] = MERCHANT) -> str:
    with store.unit_of_work(write=True) as uow:
        record, _ = accounts.build(call(), copy.deepcopy(params), rules)
        accounts.add(uow, call(), record, rules)
    return record.id


def read(store: Store, rules: RuleBook, account_id: str, now_ms: int) -> Any:
    with store.unit_of_work(write=False) as uow:
        record = accounts.retrieve(uow, call(now_ms), account_id)
        return record, accounts.requirements(uow, record, rules, now_ms)


def test_a_read_renders_what_is_stored_while_it_is_fresh(store: Store, rules: RuleBook) -> None:
    account_id = new_account(store, rules)
    record, found = read(store, rules, account_id, T0 + 1)
    assert isinstance(found, StoredRequirements)
    assert found.evaluated_ms == T0 and found.key == timeline.stored_key(rules)
    with store.unit_of_work(write=False) as uow:
        fresh = accounts.evaluation(uow, record, rules, T0 + 1)
    assert found.raw["requirements"] == fresh.requirements
    assert found.capabilities == fresh.capabilities


def test_a_read_at_or_past_the_next_change_is_evaluated_afresh(
    store: Store, rules: RuleBook
) -> None:
    account_id = new_account(store, rules, RECIPIENT)
    record, stored = read(store, rules, account_id, T0)
    until = stored.next_change_ms
    assert until is not None and until > T0  # its first deadline
    _, before = read(store, rules, account_id, until - 1)
    assert isinstance(before, StoredRequirements)
    _, after = read(store, rules, account_id, until)
    assert isinstance(after, Evaluation), "a stale stored evaluation was rendered"
    expected = timeline.evaluate_record(record, [], rules, until)
    assert after == expected
    assert after.requirements != stored.raw["requirements"]  # the deadline did change them
    _, earlier = read(store, rules, account_id, T0 - 1)  # before it was evaluated
    assert isinstance(earlier, Evaluation)


def test_other_rules_make_what_is_stored_stale(store: Store, rules: RuleBook) -> None:
    account_id = new_account(store, rules)
    other = RuleBook(rules.countries)  # the same rules, but not known to be: another key
    _, found = read(store, other, account_id, T0 + 1)
    assert isinstance(found, Evaluation)


def test_the_stored_column_is_sealed(store: Store, rules: RuleBook) -> None:
    account_id = new_account(store, rules)
    with store.database.transaction(write=False) as conn:
        row = conn.execute(select(accounts_table).where(accounts_table.c.id == account_id)).one()
    sealed = bytes(row.requirements_sealed)
    for plain in (b"configuration.merchant.mcc", b"past_due", b"card_payments", b"entries"):
        assert plain not in sealed
    opened = Sealer(b"k" * 32).open(sealed, account_id + "#requirements")
    assert b"configuration.merchant.mcc" in opened
    with pytest.raises(SealError):
        Sealer(b"x" * 32).open(sealed, account_id + "#requirements")
    with pytest.raises(SealError):  # not the document's blob, nor another row's
        Sealer(b"k" * 32).open(sealed, account_id)


def test_an_account_response_renders_the_same_bytes_from_what_is_stored(
    store: Store, rules: RuleBook
) -> None:
    account_id = new_account(store, rules)
    record, stored = read(store, rules, account_id, T0 + 1)
    evaluation = timeline.evaluate_record(record, [], rules, T0 + 1)
    for include in (INCLUDE, {"requirements"}, {"configuration.merchant"}, set()):
        expected = orjson.dumps(render.account(record, include, evaluation))
        assert orjson.dumps(render.account(record, include, stored, encoded=True)) == expected
        assert orjson.dumps(render.account(record, include, stored)) == expected


def changed_rules(tmp_path: Path) -> RuleBook:
    """The packaged rules with one rule file edited (a comment): another fingerprint."""
    directory = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIRECTORY, directory)
    us = directory / "us.yaml"
    us.write_text(us.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    return load_rules(directory)


def test_a_rule_change_restores_every_account_at_start_up(
    store: Store, rules: RuleBook, tmp_path: Path
) -> None:
    ids = [new_account(store, rules) for _ in range(3)]
    assert fill_stale(store, rules) == 0  # same rules: nothing to do
    edited = changed_rules(tmp_path)
    assert edited.fingerprint != rules.fingerprint
    for account_id in ids:
        _, found = read(store, edited, account_id, T0 + 1)
        assert isinstance(found, Evaluation)  # correct meanwhile: evaluated
    assert fill_stale(store, edited) == 3
    assert fill_stale(store, edited) == 0
    for account_id in ids:
        record, found = read(store, edited, account_id, T0 + 1)
        assert isinstance(found, StoredRequirements)
        assert found.key == timeline.stored_key(edited)
        assert found.raw["requirements"] == (
            timeline.evaluate_record(record, [], edited, T0 + 1).requirements
        )


def test_rows_stored_before_the_column_are_filled(store: Store, rules: RuleBook) -> None:
    account_id = new_account(store, rules)
    with store.database.transaction(write=True) as conn:
        conn.execute(
            accounts_table.update().values(requirements_key=None, requirements_sealed=None)
        )
    record, found = read(store, rules, account_id, T0 + 1)
    assert record.requirements is None and isinstance(found, Evaluation)
    assert fill_stale(store, rules) == 1
    _, found = read(store, rules, account_id, T0 + 1)
    assert isinstance(found, StoredRequirements) and found.evaluated_ms == T0


def test_closing_keeps_what_is_stored_right(store: Store, rules: RuleBook) -> None:
    """A closed account has no wake-up (the sweep skips it), yet its stored evaluation still
    goes stale at the engine's own next change."""
    account_id = new_account(store, rules, RECIPIENT)
    with store.unit_of_work(write=True) as uow:
        accounts.close(uow, call(), account_id, {}, rules)
    record, stored = read(store, rules, account_id, T0 + 1)
    assert record.closed and record.next_change_ms is None
    assert isinstance(stored, StoredRequirements) and stored.next_change_ms is not None
    _, later = read(store, rules, account_id, stored.next_change_ms)
    assert isinstance(later, Evaluation)


def test_the_server_restores_them_when_it_starts_with_other_rules(tmp_path: Path) -> None:
    """Through the real start-up (the ASGI lifespan), not only ``fill_stale`` called alone."""
    settings = Settings(data_dir=tmp_path / "data", scheduler=False, deliveries=False)
    platform = prepare(settings).platform_id
    first = create_app(settings)
    principal = KeyPrincipal(platform_id=platform, livemode=False, key_id="key_1")
    with first.store.unit_of_work(write=True) as uow:
        here = Call(principal=principal, request_id="req_1", clock=lambda: T0)
        record, _ = accounts.build(here, copy.deepcopy(MERCHANT), first.rules)
        accounts.add(uow, here, record, first.rules)
    first.database.dispose()
    edited = changed_rules(tmp_path)
    second = create_app(settings.model_copy(update={"rules_dir": tmp_path / "rules"}))
    assert second.rules.fingerprint == edited.fingerprint != first.rules.fingerprint
    key = timeline.stored_key(second.rules)

    def stored_key() -> str | None:
        with second.store.database.transaction(write=False) as conn:
            found: str | None = conn.execute(
                select(accounts_table.c.requirements_key).where(accounts_table.c.id == record.id)
            ).scalar_one()
            return found

    assert stored_key() == timeline.stored_key(first.rules)

    async def start_and_stop() -> str | None:
        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await inbox.put({"type": "lifespan.startup"})
        running = asyncio.create_task(second({"type": "lifespan"}, inbox.get, send))
        for _ in range(500):  # the fill runs in the background, after start-up completes
            await asyncio.sleep(0.01)
            if stored_key() == key:
                break
        await inbox.put({"type": "lifespan.shutdown"})
        await running
        assert [m["type"] for m in sent] == [
            "lifespan.startup.complete",
            "lifespan.shutdown.complete",
        ]
        return stored_key()

    assert asyncio.run(start_and_stop()) == key


def test_a_review_of_a_closed_account_keeps_what_is_stored_right(store: Store) -> None:
    """A closed account is never refreshed, yet a reviewer may still decide one of its
    verifications: the verdict changes its requirements, so what it stores follows."""
    rules = load_rules()
    live = KeyPrincipal(platform_id="plat_1", livemode=True, key_id="key_live")
    here = Call(principal=live, request_id="req_1", clock=lambda: T0)
    params = copy.deepcopy(RECIPIENT)
    params["identity"]["individual"] = {
        "given_name": "Jenny",
        "surname": "Rosen",
        "date_of_birth": {"day": 17, "month": 3, "year": 1987},
    }
    with store.unit_of_work(write=True) as uow:
        record, _ = accounts.build(here, params, rules)
        accounts.add(uow, here, record, rules)
        accounts.close(uow, here, record.id, {}, rules)
        pending = [v for v in uow.verifications.of_account(record.id) if v.status == "pending"]
    assert pending, "live mode leaves every verification to a reviewer"
    with store.unit_of_work(write=True) as uow:
        reviews.decide(
            uow,
            live,
            pending[0].id,
            approve=False,
            code="verification_failed_keyed_identity",
            reason="no match",
            reviewer="ops@example.com",
            now_ms=T0 + 5,
            rules=rules,
        )
    with store.unit_of_work(write=False) as uow:
        closed = uow.accounts.get(live, record.id)
        assert closed is not None and closed.closed
        stored = closed.requirements
        assert stored is not None and stored.is_fresh(timeline.stored_key(rules), T0 + 6)
        verdicts = verifications.verdicts(uow.verifications.of_account(record.id))
        fresh = timeline.evaluate_record(closed, [], rules, T0 + 6, verdicts=verdicts)
    assert stored.raw["requirements"] == fresh.requirements
    assert stored.capabilities == fresh.capabilities
