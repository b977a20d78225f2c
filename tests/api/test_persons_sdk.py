"""Persons under an account through the official SDK."""

from __future__ import annotations

import pytest
import stripe


def company(client: stripe.StripeClient, **extra: object) -> str:
    account = client.v2.core.accounts.create(
        {
            "contact_email": "ops@example.com",
            "dashboard": "none",
            "identity": {
                "country": "us",
                "entity_type": "company",
                "business_details": {"registered_name": "Acme"},
            },
            "configuration": {
                "recipient": {
                    "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
                }
            },
            "defaults": {
                "responsibilities": {
                    "fees_collector": "application",
                    "losses_collector": "application",
                }
            },
            **extra,
        }
    )
    return account.id


def test_person_lifecycle(client: stripe.StripeClient) -> None:
    account_id = company(client)
    persons = client.v2.core.accounts.persons
    created = persons.create(
        account_id,
        {
            "given_name": "Ada",
            "surname": "Lovelace",
            "email": "ada@example.com",
            "relationship": {"representative": True, "owner": True, "percent_ownership": "60.5"},
            "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
            "address": {
                "country": "us",
                "line1": "address_full_match",
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94111",
            },
            "metadata": {"role": "ceo"},
        },
    )
    assert created.object == "v2.core.account_person"
    assert created.id.startswith("person_test_")
    assert created.account == account_id
    assert str(created.relationship.percent_ownership) == "60.5"
    assert [n.to_dict() for n in created.id_numbers] == [{"type": "us_ssn"}]

    fetched = persons.retrieve(account_id, created.id)
    assert fetched.given_name == "Ada" and fetched.address.state == "CA"

    updated = persons.update(
        account_id, created.id, {"given_name": "Augusta", "metadata": {"role": None}}
    )
    assert updated.given_name == "Augusta"
    assert updated.metadata.to_dict() == {}

    second = persons.create(
        account_id, {"given_name": "Charles", "relationship": {"director": True}}
    )
    listed = persons.list(account_id, {"limit": 1})
    assert len(listed.data) == 1 and listed.next_page_url is not None
    assert {p.id for p in listed.auto_paging_iter()} == {created.id, second.id}

    deleted = persons.delete(account_id, second.id)
    assert deleted.id == second.id and deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as caught:
        persons.retrieve(account_id, second.id)
    assert caught.value.http_status == 404


def test_persons_change_requirements(client: stripe.StripeClient) -> None:
    account_id = company(client)
    before = client.v2.core.accounts.retrieve(account_id, {"include": ["requirements"]})
    before_descriptions = {e.description for e in before.requirements.entries}
    assert "relationship.representative" in before_descriptions
    client.v2.core.accounts.persons.create(
        account_id, {"given_name": "Rep", "relationship": {"representative": True}}
    )
    after = client.v2.core.accounts.retrieve(account_id, {"include": ["requirements"]})
    references = [e.reference for e in after.requirements.entries if e.reference is not None]
    assert "relationship.representative" not in {e.description for e in after.requirements.entries}
    assert references and all(r.type == "person" for r in references)


def test_total_ownership_cannot_exceed_100(client: stripe.StripeClient) -> None:
    account_id = company(client)
    persons = client.v2.core.accounts.persons
    persons.create(
        account_id, {"given_name": "A", "relationship": {"owner": True, "percent_ownership": "70"}}
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        persons.create(
            account_id,
            {"given_name": "B", "relationship": {"owner": True, "percent_ownership": "40"}},
        )
    assert caught.value.code == "total_person_ownership_exceeded"


def test_person_on_unknown_account_is_404(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.persons.create("acct_nope000000000000", {"given_name": "X"})
    assert caught.value.http_status == 404
