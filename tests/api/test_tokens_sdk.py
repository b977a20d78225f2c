"""Account and person tokens through the official SDK: created with the fields they declare,
retrieved, spent once by an account or person write, expired, sealed at rest."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import stripe

from tests.api.conftest import sdk
from tests.conftest import RunningServer, start_server, stop_server

MARKER = "Qwertzuiop"  # a given name to look for in the database

EVERY_ACCOUNT_TOKEN_FIELD: dict[str, Any] = {
    "contact_email": "jenny@example.com",
    "contact_phone": "+14155550100",
    "display_name": "Jenny's Bikes",
    "identity": {
        "entity_type": "individual",
        "individual": {
            "given_name": MARKER,
            "surname": "Rosen",
            "email": "jenny@example.com",
            "date_of_birth": {"day": 17, "month": 3, "year": 1987},
            "address": {
                "line1": "510 Townsend St",
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94103",
                "country": "us",
            },
            "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
        },
        "attestations": {"terms_of_service": {"account": {"shown_and_accepted": True}}},
    },
}


def stripe_error(excinfo: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    assert excinfo.value.json_body is not None
    error: dict[str, Any] = excinfo.value.json_body["error"]
    return error


def merchant_platform_collects() -> dict[str, Any]:
    return {
        "identity": {"country": "us"},
        "dashboard": "none",
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        "defaults": {
            "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
        },
        "include": ["identity"],
    }


def test_an_account_token_takes_its_declared_fields_and_creates_an_account_once(
    client: stripe.StripeClient,
) -> None:
    token = client.v2.core.account_tokens.create(EVERY_ACCOUNT_TOKEN_FIELD)
    assert token.object == "v2.core.account_token"
    assert token.id.startswith("accttok_test_")
    assert (token.livemode, token.used) == (False, False)
    assert token.expires_at > token.created
    account = client.v2.core.accounts.create(
        {"account_token": token.id, **merchant_platform_collects()}
    )
    assert account.display_name == "Jenny's Bikes"
    assert account.contact_email == "jenny@example.com"
    assert account.identity is not None and account.identity.country == "us"
    assert account.identity.individual is not None
    assert account.identity.individual.given_name == MARKER
    assert account.identity.individual.address.city == "San Francisco"  # type: ignore[union-attr]
    accepted = account.identity.attestations.terms_of_service.account  # type: ignore[union-attr]
    assert accepted is not None  # "shown_and_accepted" expanded from the token's request
    assert (accepted.ip, accepted.date[:10]) == ("127.0.0.1", token.created[:10])
    assert client.v2.core.account_tokens.retrieve(token.id).used is True
    with pytest.raises(stripe.InvalidRequestError) as again:
        client.v2.core.accounts.create({"account_token": token.id})
    assert stripe_error(again)["code"] == "token_already_used"
    assert stripe_error(again)["param"] == "account_token"


def test_an_account_token_updates_an_account(client: stripe.StripeClient) -> None:
    account = client.v2.core.accounts.create({"identity": {"country": "us"}})
    token = client.v2.core.account_tokens.create(
        {"display_name": "Updated", "identity": {"individual": {"surname": "Rosen"}}}
    )
    updated = client.v2.core.accounts.update(
        account.id, {"account_token": token.id, "include": ["identity"]}
    )
    assert updated.display_name == "Updated"
    assert updated.identity.individual.surname == "Rosen"  # type: ignore[union-attr]


def test_fields_beside_a_token_and_refused_writes_do_not_spend_it(
    client: stripe.StripeClient,
) -> None:
    token = client.v2.core.account_tokens.create({"display_name": "Beside"})
    with pytest.raises(stripe.InvalidRequestError) as beside:
        client.v2.core.accounts.create({"account_token": token.id, "display_name": "Other"})
    assert stripe_error(beside)["code"] == "param_alongside_account_token"
    assert stripe_error(beside)["param"] == "display_name"
    with pytest.raises(stripe.InvalidRequestError) as nested:
        client.v2.core.accounts.create(
            {"account_token": token.id, "identity": {"country": "us", "entity_type": "company"}}
        )
    assert stripe_error(nested)["param"] == "identity[entity_type]"
    with pytest.raises(stripe.InvalidRequestError):  # refused after the token was read
        client.v2.core.accounts.create({"account_token": token.id, "dashboard": "express"})
    assert client.v2.core.account_tokens.retrieve(token.id).used is False
    created = client.v2.core.accounts.create({"account_token": token.id})
    assert created.display_name == "Beside"


def test_a_token_s_fields_pass_the_same_checks_as_fields_sent_directly(
    client: stripe.StripeClient,
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v2.core.account_tokens.create({"dashboard": "none"})  # type: ignore[typeddict-unknown-key]
    assert stripe_error(unknown)["code"] == "parameter_unknown"
    with pytest.raises(stripe.InvalidRequestError) as bad_email:
        client.v2.core.account_tokens.create({"contact_email": "not an email"})
    assert stripe_error(bad_email)["param"] == "contact_email"
    assert stripe_error(bad_email)["code"] == "email_invalid"
    with pytest.raises(stripe.InvalidRequestError) as bad_person:
        account = client.v2.core.accounts.create({"identity": {"country": "us"}})
        client.v2.core.accounts.person_tokens.create(
            account.id, {"address": {"country": "us", "postal_code": "ABCDE"}}
        )
    assert stripe_error(bad_person)["param"] == "address[postal_code]"


def test_unknown_and_wrong_kind_tokens_are_named(client: stripe.StripeClient) -> None:
    account = client.v2.core.accounts.create(
        {"identity": {"country": "us", "entity_type": "company"}}
    )
    person_token = client.v2.core.accounts.person_tokens.create(account.id, {"given_name": "Ada"})
    with pytest.raises(stripe.InvalidRequestError) as wrong:
        client.v2.core.accounts.create({"account_token": person_token.id})
    assert stripe_error(wrong)["code"] == "incorrect_token_wrong_type"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v2.core.accounts.create({"account_token": "accttok_test_61nothing"})
    assert stripe_error(missing)["code"] == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        client.v2.core.account_tokens.retrieve("accttok_test_61nothing")
    assert unknown.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as other:  # not an account token
        client.v2.core.account_tokens.retrieve(person_token.id)
    assert other.value.http_status == 404


def test_a_person_token_creates_and_updates_a_person_of_its_own_account(
    client: stripe.StripeClient,
) -> None:
    account = client.v2.core.accounts.create(
        {"identity": {"country": "us", "entity_type": "company"}}
    )
    other = client.v2.core.accounts.create(
        {"identity": {"country": "us", "entity_type": "company"}}
    )
    token = client.v2.core.accounts.person_tokens.create(
        account.id,
        {
            "given_name": "Ada",
            "surname": "Lovelace",
            "email": "ada@example.com",
            "relationship": {"representative": True, "percent_ownership": "25"},
            "metadata": {"source": "token"},
        },
    )
    assert token.object == "v2.core.account_person_token"
    assert token.id.startswith("perstok_test_")
    fetched = client.v2.core.accounts.person_tokens.retrieve(account.id, token.id)
    assert (fetched.id, fetched.used) == (token.id, False)
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        client.v2.core.accounts.person_tokens.retrieve(other.id, token.id)
    assert foreign.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as elsewhere:
        client.v2.core.accounts.persons.create(other.id, {"person_token": token.id})
    assert stripe_error(elsewhere)["code"] == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError) as beside:
        client.v2.core.accounts.persons.create(
            account.id, {"person_token": token.id, "surname": "Byron"}
        )
    assert stripe_error(beside)["param"] == "surname"
    person = client.v2.core.accounts.persons.create(account.id, {"person_token": token.id})
    assert (person.given_name, person.surname) == ("Ada", "Lovelace")
    assert person.relationship.representative is True  # type: ignore[union-attr]
    assert person.metadata is not None and person.metadata.to_dict() == {"source": "token"}
    assert client.v2.core.accounts.person_tokens.retrieve(account.id, token.id).used is True
    update = client.v2.core.accounts.person_tokens.create(account.id, {"surname": "King"})
    updated = client.v2.core.accounts.persons.update(
        account.id, person.id, {"person_token": update.id}
    )
    assert (updated.given_name, updated.surname) == ("Ada", "King")
    with pytest.raises(stripe.InvalidRequestError) as spent:
        client.v2.core.accounts.persons.update(account.id, person.id, {"person_token": update.id})
    assert stripe_error(spent)["code"] == "token_already_used"


def test_a_token_s_fields_are_sealed_at_rest_and_dropped_once_used(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    token = client.v2.core.account_tokens.create(EVERY_ACCOUNT_TOKEN_FIELD)

    def stored() -> bytes:
        if server.database_url:
            engine = sa.create_engine(server.database_url)
            with engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT * FROM tokens").fetchall()
            engine.dispose()
            assert rows
            return "".join(str(tuple(row)) for row in rows).encode()
        return b"".join(p.read_bytes() for p in server.data_dir.glob("gangway.db*"))

    assert MARKER.encode() not in stored()
    assert b"000000000" not in stored()
    client.v2.core.accounts.create({"account_token": token.id, **merchant_platform_collects()})
    assert MARKER.encode() not in stored()


def test_live_mode_tokens_need_a_publishable_key(server: RunningServer) -> None:
    live = sdk(server, server.new_key("live"))
    with pytest.raises(stripe.InvalidRequestError) as refused:
        live.v2.core.account_tokens.create({"display_name": "Live"})
    assert stripe_error(refused)["code"] == "publishable_key_required"


@pytest.fixture(scope="module")
def clock_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of its own: this test moves the platform's test clock."""
    running = start_server(
        tmp_path_factory.mktemp("tokens-clock"), None, env={"GANGWAY_SCHEDULER": "false"}
    )
    try:
        yield running
    finally:
        stop_server(running)


def test_a_token_expires_by_the_platform_s_clock(clock_server: RunningServer) -> None:
    client = sdk(clock_server)
    token = client.v2.core.account_tokens.create({"display_name": "Later"})
    moved = httpx.post(
        clock_server.url + "/_gangway/test_clock/advance",
        json={"seconds": 601},
        headers={"Authorization": f"Bearer {clock_server.test_key}"},
        timeout=30,
    )
    assert moved.status_code == 200, moved.text
    with pytest.raises(stripe.InvalidRequestError) as expired:
        client.v2.core.accounts.create({"account_token": token.id})
    assert stripe_error(expired)["code"] == "token_expired"
    assert client.v2.core.account_tokens.retrieve(token.id).used is False


def test_of_concurrent_uses_of_one_token_exactly_one_wins(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    token = client.v2.core.account_tokens.create({"display_name": "Race"})

    def use(_: int) -> httpx.Response:
        return httpx.post(
            server.url + "/v2/core/accounts",
            json={"account_token": token.id},
            headers={"Authorization": f"Bearer {server.test_key}"},
            timeout=30,
        )

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(use, range(8)))
    assert sorted(a.status_code for a in answers) == [200] + [400] * 7
    refused = {a.json()["error"]["code"] for a in answers if a.status_code == 400}
    assert refused == {"token_already_used"}


def test_a_sandbox_reset_removes_tokens(clock_server: RunningServer) -> None:
    client = sdk(clock_server)
    account = client.v2.core.accounts.create({"identity": {"country": "us"}})
    person_token = client.v2.core.accounts.person_tokens.create(account.id, {"given_name": "A"})
    account_token = client.v2.core.account_tokens.create({"display_name": "Gone"})
    reset = httpx.post(
        clock_server.url + "/_gangway/test_sandbox/reset",
        json={},
        headers={"Authorization": f"Bearer {clock_server.test_key}"},
        timeout=30,
    )
    assert reset.status_code == 200, reset.text
    with pytest.raises(stripe.InvalidRequestError) as gone:
        client.v2.core.account_tokens.retrieve(account_token.id)
    assert gone.value.http_status == 404
    assert person_token.id  # its account went with it
