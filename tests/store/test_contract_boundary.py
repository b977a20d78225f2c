"""The services are the contract's boundary: a write that the API would refuse is refused when a
service is called directly (as the hosted form and the CLI call them), with the API's code and
param, before any transaction begins, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from gangway.core.errors import InvalidRequest
from gangway.core.keys import KeyPrincipal
from gangway.requirements import RuleBook, load_rules
from gangway.services import account_links, accounts, destinations, persons
from gangway.services.context import Call
from gangway.store.tables import metadata
from gangway.store.uow import Store, UnitOfWork

PRINCIPAL = KeyPrincipal(platform_id="plat_1", livemode=False, key_id="key_1")
T0 = 1_795_000_000_000
LONG = "x" * 10_000
TOO_LONG = "parameter_invalid_string_too_long"


def account_params(entity_type: str, **individual: str) -> dict[str, Any]:
    """Fresh create params (the services take ownership of what they are given)."""
    identity: dict[str, Any] = {"country": "us", "entity_type": entity_type}
    if individual:
        identity["individual"] = individual
    return {
        "contact_email": "a@b.co",
        "identity": identity,
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        "defaults": {
            "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
        },
    }


@pytest.fixture(scope="module")
def rules() -> RuleBook:
    return load_rules()


def call() -> Call:
    return Call(principal=PRINCIPAL, request_id="req_test", clock=lambda: T0)


def create(store: Store, rules: RuleBook, params: dict[str, Any]) -> str:
    record, _ = accounts.build(call(), params, rules)
    with store.unit_of_work(write=True) as uow:
        accounts.add(uow, call(), record, rules)
    return record.id


def snapshot(store: Store) -> dict[str, list[Any]]:
    """Every row of every table (sealed documents included, so any change shows)."""
    with store.database.engine.connect() as conn:
        return {
            table.name: sorted(map(repr, conn.execute(select(table)).all()))
            for table in metadata.sorted_tables
        }


def refused(store: Store, write: Callable[[UnitOfWork], object]) -> InvalidRequest:
    """Run ``write`` in a unit of work; it must raise before beginning the transaction, and
    leave every table as it was."""
    before = snapshot(store)
    began: list[bool] = []
    with (
        pytest.raises(InvalidRequest) as raised,
        store.unit_of_work(write=True, on_begin=lambda _uow: began.append(True)) as uow,
    ):
        write(uow)
    assert began == [], "the refused write began a transaction"
    assert snapshot(store) == before
    return raised.value


@pytest.mark.parametrize(
    ("params", "param"),
    [
        (
            {"identity": {"individual": {"given_name": LONG}}},
            "identity[individual][given_name]",
        ),
        (  # one step of the form: only the address, partially
            {"identity": {"individual": {"address": {"line1": LONG, "country": "us"}}}},
            "identity[individual][address][line1]",
        ),
        (
            {"identity": {"individual": {"address": {"city": LONG, "country": "us"}}}},
            "identity[individual][address][city]",
        ),
        (
            {"defaults": {"profile": {"product_description": LONG}}},
            "defaults[profile][product_description]",
        ),
    ],
    ids=["given_name", "line1", "city", "product_description"],
)
def test_update_refuses_over_long_strings(
    store: Store, rules: RuleBook, params: dict[str, Any], param: str
) -> None:
    account_id = create(store, rules, account_params("individual"))
    for holder in (False, True):  # the API, and the form acting for the account holder
        error = refused(
            store,
            lambda uow, h=holder: accounts.update(uow, call(), account_id, params, rules, holder=h),
        )
        assert (error.code, error.param, error.status) == (TOO_LONG, param, 400)
        assert error.message == f"Invalid string: {param} must be at most 5000 characters"


def test_the_form_s_partial_params_are_valid_update_params(store: Store, rules: RuleBook) -> None:
    account_id = create(store, rules, account_params("individual"))
    address = {"line1": "1 Main St", "city": "Springfield", "postal_code": "62701", "state": "IL"}
    step = {"identity": {"individual": {"address": {**address, "country": "us"}}}}
    with store.unit_of_work(write=True) as uow:
        accounts.update(uow, call(), account_id, step, rules, holder=True)
    with store.unit_of_work(write=False) as uow:
        stored = accounts.retrieve(uow, call(), account_id)
    assert stored.document["identity"]["individual"]["address"]["line1"] == "1 Main St"


def test_the_contract_comes_before_the_account_lookup(store: Store, rules: RuleBook) -> None:
    """As at the API: a bad body is a 400 for the body, even for an account that does not
    exist or is closed."""
    closed = create(store, rules, account_params("individual"))
    with store.unit_of_work(write=True) as uow:
        accounts.close(uow, call(), closed, {}, rules)
    params = {"display_name": LONG}
    for account_id in ("acct_nope", closed):
        error = refused(
            store, lambda uow, a=account_id: accounts.update(uow, call(), a, params, rules)
        )
        assert (error.code, error.param) == (TOO_LONG, "display_name")
        error = refused(
            store,
            lambda uow, a=account_id: persons.create(uow, call(), a, {"given_name": LONG}, rules),
        )
        assert (error.code, error.param) == (TOO_LONG, "given_name")


def test_a_refusal_after_the_lookup_is_seen_to_begin_a_transaction(
    store: Store, rules: RuleBook
) -> None:
    """What ``refused`` tells apart: a valid body for a closed account is refused by the
    account lookup, inside the transaction."""
    closed = create(store, rules, account_params("individual"))
    with store.unit_of_work(write=True) as uow:
        accounts.close(uow, call(), closed, {}, rules)
    began: list[bool] = []
    with (
        pytest.raises(InvalidRequest, match="closed"),
        store.unit_of_work(write=True, on_begin=lambda _uow: began.append(True)) as uow,
    ):
        accounts.update(uow, call(), closed, {"display_name": "Fine"}, rules)
    assert began == [True]


def test_create_refuses_before_building(store: Store, rules: RuleBook) -> None:
    before = snapshot(store)
    with pytest.raises(InvalidRequest) as raised:
        accounts.build(call(), account_params("individual", given_name=LONG), rules)
    assert (raised.value.code, raised.value.param) == (TOO_LONG, "identity[individual][given_name]")
    assert snapshot(store) == before


def test_tokens_are_refused_after_the_contract(store: Store, rules: RuleBook) -> None:
    with pytest.raises(InvalidRequest) as raised:
        accounts.build(call(), {"account_token": "t", "display_name": LONG}, rules)
    assert raised.value.code == TOO_LONG
    with pytest.raises(InvalidRequest) as raised:
        accounts.build(call(), {"account_token": "t"}, rules)
    assert (raised.value.code, raised.value.param) == ("unsupported_feature", "account_token")


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"given_name": LONG}, "given_name"),
        ({"address": {"line1": LONG, "country": "us"}}, "address[line1]"),
        ({"address": {"city": LONG, "country": "us"}}, "address[city]"),
    ],
    ids=["given_name", "line1", "city"],
)
def test_persons_refuse_over_long_strings(
    store: Store, rules: RuleBook, params: dict[str, Any], param: str
) -> None:
    account_id = create(store, rules, account_params("company"))
    with store.unit_of_work(write=True) as uow:
        person = persons.create(uow, call(), account_id, {"given_name": "Jenny"}, rules)
    error = refused(store, lambda uow: persons.create(uow, call(), account_id, params, rules))
    assert (error.code, error.param) == (TOO_LONG, param)
    error = refused(
        store, lambda uow: persons.update(uow, call(), account_id, person.id, params, rules)
    )
    assert (error.code, error.param) == (TOO_LONG, param)
    with store.unit_of_work(write=False) as uow:
        assert [p.document.get("given_name") for p in uow.accounts.persons_of(account_id)] == [
            "Jenny"
        ]


def test_person_tokens_are_checked_by_the_contract_and_then_looked_up(
    store: Store, rules: RuleBook
) -> None:
    account_id = create(store, rules, account_params("company"))
    error = refused(  # the contract first: nothing begins
        store,
        lambda uow: persons.create(uow, call(), account_id, {"person_token": LONG}, rules),
    )
    assert (error.code, error.param) == (TOO_LONG, "person_token")
    before = snapshot(store)
    with pytest.raises(InvalidRequest) as raised, store.unit_of_work(write=True) as uow:
        persons.create(uow, call(), account_id, {"person_token": "t"}, rules)
    assert (raised.value.code, raised.value.param) == ("resource_missing", "person_token")
    assert snapshot(store) == before


def bank(**fields: str) -> dict[str, Any]:
    return {
        "object": "bank_account",
        "country": "us",
        "account_holder_name": "Jenny Rosen",
        "routing_number": "110000000",
        "account_number": "000123456789",
        "last4": "6789",
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"account_holder_name": LONG}, "external_account[account_holder_name]"),
        ({"routing_number": LONG}, "external_account[routing_number]"),
        ({"account_number": "1" * 35}, "external_account[account_number]"),
    ],
    ids=["holder", "routing", "account_number"],
)
def test_the_external_account_has_limits(
    store: Store, rules: RuleBook, fields: dict[str, str], param: str
) -> None:
    account_id = create(store, rules, account_params("individual"))
    error = refused(
        store,
        lambda uow: accounts.set_external_account(uow, call(), account_id, bank(**fields), rules),
    )
    assert (error.code, error.param) == (TOO_LONG, param)
    with store.unit_of_work(write=True) as uow:
        accounts.set_external_account(uow, call(), account_id, bank(), rules)
        stored = accounts.retrieve(uow, call(), account_id)
    (kept,) = stored.document["external_accounts"]
    assert kept["account_holder_name"] == "Jenny Rosen" and kept["default_for_currency"] is True


def test_account_links_check_before_looking_up_the_account(store: Store, rules: RuleBook) -> None:
    account_id = create(store, rules, account_params("individual"))
    use_case = {
        "type": "account_onboarding",
        "account_onboarding": {"refresh_url": "https://example.com/" + LONG},
    }
    error = refused(
        store,
        lambda uow: account_links.create(
            uow,
            call(),
            {"account": account_id, "use_case": use_case},
            public_url="http://127.0.0.1",
            lifetime_ms=60_000,
        ),
    )
    assert (error.code, error.param) == (TOO_LONG, "use_case[account_onboarding][refresh_url]")


def test_account_links_keep_the_old_configurations_and_leave_the_body_alone(
    store: Store, rules: RuleBook
) -> None:
    account_id = create(store, rules, account_params("individual"))
    branch = {"refresh_url": "https://example.com/r", "configurations": ["merchant"]}
    body = {
        "account": account_id,
        "use_case": {"type": "account_onboarding", "account_onboarding": branch},
    }
    sent = repr(body)
    with store.unit_of_work(write=True) as uow:
        minted = account_links.create(
            uow, call(), body, public_url="http://127.0.0.1", lifetime_ms=60_000
        )
    assert minted.link.use_case["account_onboarding"]["configurations"] == ["merchant"]
    assert repr(body) == sent
    wrong = {**branch, "configurations": ["nope"]}
    with pytest.raises(InvalidRequest) as raised:
        account_links.check_params(
            {
                "account": account_id,
                "use_case": {"type": "account_onboarding", "account_onboarding": wrong},
            }
        )
    assert (raised.value.code, raised.value.param) == (
        "parameter_invalid_enum",
        "use_case[account_onboarding][configurations][0]",
    )


def test_destinations_check_their_params(store: Store) -> None:
    params = {
        "name": LONG,
        "type": "webhook_endpoint",
        "event_payload": "thin",
        "enabled_events": ["v2.core.account.created"],
        "webhook_endpoint": {"url": "https://example.com/hook"},
    }
    error = refused(store, lambda uow: destinations.create(uow, call(), params))
    assert (error.code, error.param) == (TOO_LONG, "name")
    with store.unit_of_work(write=True) as uow:
        created = destinations.create(uow, call(), {**params, "name": "hook"})
    error = refused(
        store, lambda uow: destinations.update(uow, call(), created.id, {"description": LONG})
    )
    assert (error.code, error.param) == (TOO_LONG, "description")
