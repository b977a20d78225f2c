"""v1 Persons through stripe-python 16.1.0, over real HTTP, on every storage backend: the same
persons as ``/v2/core/accounts/{id}/persons``, with v1 requirements and v1 events."""

from __future__ import annotations

from typing import Any

import pytest
import stripe

from gangway.bootstrap import fingerprint_secret_for, sealer_for
from gangway.core.keys import KeyPrincipal
from gangway.settings import Settings
from gangway.store.database import Database
from gangway.store.uow import Store
from tests.api.test_v1_accounts_sdk import custom_us
from tests.conftest import RunningServer


def v1_events(server: RunningServer, object_id: str) -> list[Any]:
    settings = Settings(data_dir=server.data_dir, database_url=server.database_url)
    database = Database(settings.resolved_database_url())
    store = Store(database, sealer_for(settings), fingerprint_secret_for(settings))
    try:
        with store.unit_of_work(write=False) as uow:
            platform_id = uow.keys.default_platform()
            assert platform_id is not None
            principal = KeyPrincipal(platform_id=platform_id, livemode=False, key_id="test")
            return uow.events.for_object(principal, object_id, api="v1")
    finally:
        database.dispose()


def company(client: stripe.StripeClient) -> str:
    return client.v1.accounts.create(
        custom_us(business_type="company", company={"name": "Acme Inc"})
    ).id


def test_a_person_made_in_v1_is_the_v2_person_with_v1_requirements(
    client: stripe.StripeClient,
) -> None:
    account_id = company(client)
    person = client.v1.accounts.persons.create(
        account_id,
        {
            "first_name": "Pat",
            "last_name": "Lee",
            "dob": {"day": 1, "month": 1, "year": 1902},
            "ssn_last_4": "0000",
            "relationship": {"representative": True, "title": "CEO", "percent_ownership": 30},
        },
    )
    assert person.object == "person" and person.account == account_id
    assert person.first_name == "Pat" and person.ssn_last_4_provided is True
    assert person.relationship is not None and person.relationship.title == "CEO"
    assert person.relationship.percent_ownership == 30
    assert person.requirements is not None and person.requirements.currently_due is not None
    assert "first_name" not in person.requirements.currently_due
    assert "dob.day" not in person.requirements.currently_due
    assert "address.line1" in person.requirements.currently_due
    v2 = client.v2.core.accounts.persons.retrieve(account_id, person.id)
    assert v2.given_name == "Pat" and v2.surname == "Lee"
    account = client.v1.accounts.retrieve(account_id)
    assert account.requirements is not None and account.requirements.currently_due is not None
    assert f"{person.id}.address.line1" in account.requirements.currently_due


def test_a_v2_person_is_read_updated_and_deleted_in_v1(client: stripe.StripeClient) -> None:
    account_id = company(client)
    made = client.v2.core.accounts.persons.create(
        account_id, {"given_name": "Sam", "relationship": {"owner": True}}
    )
    seen = client.v1.accounts.persons.retrieve(account_id, made.id)
    assert seen.first_name == "Sam"
    updated = client.v1.accounts.persons.update(
        account_id, made.id, {"last_name": "Park", "email": "sam@example.com"}
    )
    assert updated.last_name == "Park"
    assert client.v2.core.accounts.persons.retrieve(account_id, made.id).surname == "Park"
    gone = client.v1.accounts.persons.delete(account_id, made.id)
    assert gone.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.persons.retrieve(account_id, made.id)
    assert excinfo.value.http_status == 404


def test_list_filters_by_relationship_and_pages(client: stripe.StripeClient) -> None:
    account_id = company(client)
    ids = [
        client.v1.accounts.persons.create(
            account_id, {"first_name": f"P{n}", "relationship": {"director": n % 2 == 0}}
        ).id
        for n in range(4)
    ]
    directors = client.v1.accounts.persons.list(account_id, {"relationship": {"director": True}})
    assert sorted(p.id for p in directors.data) == sorted([ids[0], ids[2]])
    first = client.v1.accounts.persons.list(account_id, {"limit": 3})
    assert first.has_more is True and len(first.data) == 3
    assert [p.id for p in first.data] == ids[::-1][:3]
    rest = client.v1.accounts.persons.list(
        account_id, {"limit": 3, "starting_after": first.data[-1].id}
    )
    assert [p.id for p in rest.data] == [ids[0]] and rest.has_more is False
    before = client.v1.accounts.persons.list(account_id, {"ending_before": ids[0], "limit": 2})
    assert [p.id for p in before.data] == [ids[2], ids[1]]


def test_stripe_account_create_person(server: RunningServer, client: stripe.StripeClient) -> None:
    account_id = company(client)
    saved = (stripe.api_key, stripe.api_base)
    stripe.api_key, stripe.api_base = server.test_key, server.url
    try:
        person = stripe.Account.create_person(account_id, first_name="Ana")
        assert person.first_name == "Ana"
        assert stripe.Account.retrieve_person(account_id, person.id).first_name == "Ana"
    finally:
        stripe.api_key, stripe.api_base = saved


def test_bad_person_input_is_a_v1_400_naming_the_param(client: stripe.StripeClient) -> None:
    account_id = company(client)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"dob": {"day": 1, "month": 13, "year": 1980}}, "dob"),
        ({"nickname": "x"}, "nickname"),
        ({"phone": "not a phone"}, "phone"),
    ]
    for params, param in cases:
        with pytest.raises(stripe.InvalidRequestError) as excinfo:
            client.v1.accounts.persons.create(account_id, params)
        assert (excinfo.value.param or "").startswith(param), (params, excinfo.value.param)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.persons.retrieve(account_id, "person_missing")
    assert excinfo.value.http_status == 404


def test_person_changes_through_either_view_record_v1_events(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    account_id = company(client)
    person = client.v1.accounts.persons.create(
        account_id, {"first_name": "Kim", "address": {"city": "Austin", "country": "US"}}
    )
    client.v2.core.accounts.persons.update(
        account_id, person.id, {"surname": "Doe", "address": {"city": "Dallas", "country": "US"}}
    )
    client.v1.accounts.persons.delete(account_id, person.id)
    events = v1_events(server, person.id)
    assert [e.type for e in events] == ["person.created", "person.updated", "person.deleted"]
    created = events[0].payload["data"]["object"]
    assert created["object"] == "person" and created["first_name"] == "Kim"
    updated = events[1].payload["data"]
    assert updated["object"]["last_name"] == "Doe"
    assert updated["previous_attributes"]["last_name"] is None
    assert updated["previous_attributes"]["address"] == {"city": "Austin"}
    assert "first_name" not in updated["previous_attributes"]
    assert events[2].payload["data"]["object"]["id"] == person.id
