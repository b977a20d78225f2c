"""Requirement journeys through the official SDK, with the test clock and triggers over HTTP.

Each module gets its own server: moving a platform's test clock moves every account on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe

from tests.api.conftest import sdk
from tests.conftest import RunningServer, start_server, stop_server


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def journey_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    database_url = (
        request.getfixturevalue("postgres_database") if request.param == "postgres" else None
    )
    if database_url:  # a fresh database: this module moves the platform's clock
        import sqlalchemy as sa

        name = f"journey_{request.param}"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        database_url = (
            sa.engine.make_url(database_url)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    # the scheduler is off so the clock, not wall time, decides when things happen
    running = start_server(
        tmp_path_factory.mktemp(f"journey-{request.param}"),
        database_url,
        env={"GANGWAY_SCHEDULER": "false"},
    )
    try:
        yield running
    finally:
        stop_server(running)


def helper(
    server: RunningServer, path: str, body: dict[str, Any] | None = None, key: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key or server.test_key}"}
    if body is None:
        return httpx.get(server.url + path, headers=headers, timeout=30)
    return httpx.post(server.url + path, json=body, headers=headers, timeout=60)


def advance(server: RunningServer, **how: Any) -> dict[str, Any]:
    response = helper(server, "/_gangway/test_clock/advance", how)
    assert response.status_code == 200, response.text
    return response.json()


def merchant(**individual: Any) -> dict[str, Any]:
    person = {
        "given_name": "Jenny",
        "surname": "Rosen",
        "email": "jenny@example.com",
        "phone": "+14155550123",
        "date_of_birth": {"day": 1, "month": 1, "year": 1901},
        "address": {
            "country": "us",
            "line1": "address_full_match",
            "city": "San Francisco",
            "state": "CA",
            "postal_code": "94111",
        },
        "id_numbers": [{"type": "us_ssn_last_4", "value": "0000"}],
        **individual,
    }
    return {
        "contact_email": "jenny@example.com",
        "dashboard": "none",
        "identity": {
            "country": "us",
            "entity_type": "individual",
            "individual": person,
            "attestations": {
                "terms_of_service": {
                    "account": {"date": "2026-11-26T10:00:00.000Z", "ip": "203.0.113.7"}
                }
            },
        },
        "configuration": {
            "merchant": {"mcc": "5734", "capabilities": {"card_payments": {"requested": True}}}
        },
        "defaults": {
            "profile": {"business_url": "https://accessible.stripe.com"},
            "responsibilities": {
                "fees_collector": "application",
                "losses_collector": "application",
            },
        },
        "include": ["requirements", "configuration.merchant"],
    }


def entries(account: Any) -> dict[str, Any]:
    return {entry.description: entry for entry in account.requirements.entries}


def card_payments(account: Any) -> Any:
    return account.configuration.merchant.capabilities.card_payments


def retrieve(client: stripe.StripeClient, account_id: str) -> Any:
    return client.v2.core.accounts.retrieve(
        account_id, {"include": ["requirements", "configuration.merchant"]}
    )


def test_a_typo_asks_for_a_document_and_the_document_fixes_it(
    journey_server: RunningServer,
) -> None:
    client = sdk(journey_server)
    account = client.v2.core.accounts.create(
        merchant(id_numbers=[{"type": "us_ssn", "value": "111111111"}])  # mismatch in test mode
    )
    due = entries(account)
    failed = due["identity.individual.id_numbers"]
    assert failed.awaiting_action_from == "user"
    assert [e.code for e in failed.errors] == ["verification_failed_id_number_match"]
    assert [r.code for r in failed.requested_reasons] == ["routine_verification"]
    document = due["identity.individual.documents.primary_verification"]
    assert document.minimum_deadline.status == "past_due"
    assert card_payments(account).status == "restricted"

    updated = client.v2.core.accounts.update(
        account.id,
        {
            "identity": {
                "individual": {
                    "documents": {
                        "primary_verification": {
                            "type": "front_back",
                            "front_back": {"front": "file_identity_document_success"},
                        }
                    }
                }
            },
            "include": ["requirements", "configuration.merchant"],
        },
    )
    waiting = entries(updated)["identity.individual.documents.primary_verification"]
    assert waiting.awaiting_action_from == "stripe"  # the document is being reviewed

    advance(journey_server, seconds=10)  # the test-mode review finishes
    done = retrieve(client, account.id)
    assert "identity.individual.documents.primary_verification" not in entries(done)
    assert "identity.individual.id_numbers" not in entries(done)
    assert card_payments(done).status == "active"
    assert card_payments(done).status_details == []


def test_a_deadline_arrives_and_restricts_then_providing_the_data_restores(
    journey_server: RunningServer,
) -> None:
    client = sdk(journey_server)
    account = client.v2.core.accounts.create(merchant())
    assert card_payments(account).status == "pending"  # the test-mode DOB and address checks
    advance(journey_server, seconds=10)
    fresh = retrieve(client, account.id)
    assert card_payments(fresh).status == "active"
    assert (
        entries(fresh)["identity.individual.id_numbers"].minimum_deadline.status == "eventually_due"
    )

    advance(journey_server, seconds=17 * 86_400)
    current = retrieve(client, account.id)
    full_ssn = entries(current)["identity.individual.id_numbers"]
    assert full_ssn.minimum_deadline.status == "currently_due"
    # the summary's status is the strictest entry's (external_account, past due, payouts only);
    # its time is the soonest deadline: the full SSN's, 30 days after creation
    assert current.requirements.summary.minimum_deadline.status == "past_due"
    assert current.requirements.summary.minimum_deadline.time is not None
    assert card_payments(current).status == "active"  # currently due does not block yet

    advance(journey_server, seconds=14 * 86_400)  # past the 30-day deadline
    late = retrieve(client, account.id)
    assert entries(late)["identity.individual.id_numbers"].minimum_deadline.status == "past_due"
    assert card_payments(late).status == "restricted"
    assert [(d.code, d.resolution) for d in card_payments(late).status_details] == [
        ("requirements_past_due", "provide_info")
    ]

    document = entries(late)["identity.individual.documents.primary_verification"]
    assert document.minimum_deadline.status == "past_due"  # on the same 30-day schedule
    client.v2.core.accounts.update(
        account.id,
        {
            "identity": {
                "individual": {
                    "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
                    "documents": {
                        "primary_verification": {
                            "type": "front_back",
                            "front_back": {"front": "file_identity_document_success"},
                        }
                    },
                }
            }
        },
    )
    reviewing = retrieve(client, account.id)
    assert card_payments(reviewing).status == "pending"  # no longer the user's move
    advance(journey_server, seconds=10)
    restored = retrieve(client, account.id)
    assert "identity.individual.id_numbers" not in entries(restored)
    assert card_payments(restored).status == "active"


def test_triggers_move_requirements_and_blocks_make_them_past_due(
    journey_server: RunningServer,
) -> None:
    client = sdk(journey_server)
    account = client.v2.core.accounts.create(merchant())
    advance(journey_server, seconds=10)
    triggered = helper(
        journey_server, f"/_gangway/accounts/{account.id}/triggers", {"type": "next_requirements"}
    ).json()
    statuses = {
        e["description"]: e["minimum_deadline"]["status"]
        for e in triggered["requirements"]["entries"]
    }
    assert statuses["identity.individual.id_numbers"] == "currently_due"
    blocked = helper(
        journey_server, f"/_gangway/accounts/{account.id}/triggers", {"type": "payout_block"}
    ).json()
    statuses = {
        e["description"]: e["minimum_deadline"]["status"]
        for e in blocked["requirements"]["entries"]
    }
    assert statuses["identity.individual.id_numbers"] == "past_due"
    assert (
        blocked["configuration"]["merchant"]["capabilities"]["card_payments"]["status"]
        == "restricted"
    )


def test_the_clock_refuses_bad_moves_and_live_keys(journey_server: RunningServer) -> None:
    bad = helper(journey_server, "/_gangway/test_clock/advance", {"seconds": -5})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "seconds"
    both = helper(
        journey_server, "/_gangway/test_clock/advance", {"seconds": 5, "to": "next_change"}
    )
    assert both.status_code == 400
    live = helper(
        journey_server,
        "/_gangway/test_clock/advance",
        {"seconds": 5},
        key=journey_server.new_key("live"),
    )
    assert live.status_code == 400 and live.json()["error"]["code"] == "test_mode_only"
    before = helper(journey_server, "/_gangway/test_clock").json()["now"]
    after = advance(journey_server, seconds=3600)["now"]
    assert after > before


def test_live_mode_waits_for_a_reviewer_with_an_audit_trail(journey_server: RunningServer) -> None:
    live_key = journey_server.new_key("live")
    client = sdk(journey_server, live_key)
    params = merchant(  # live mode refuses test magic values such as SSN last 4 "0000"
        date_of_birth={"day": 17, "month": 3, "year": 1987},
        id_numbers=[{"type": "us_ssn_last_4", "value": "1234"}],
    )
    account = client.v2.core.accounts.create(params)
    assert card_payments(account).status == "pending"  # nothing decides itself in live mode
    queue = helper(journey_server, "/_gangway/verifications?limit=100", key=live_key).json()["data"]
    mine = [v for v in queue if v["account"] == account.id]
    assert {v["kind"] for v in mine} >= {"date_of_birth", "address", "id_number", "business_url"}
    assert all("1987" not in str(v) for v in mine)  # a reviewer sees labels, not PII values

    for item in mine:
        decision = "reject" if item["kind"] == "date_of_birth" else "approve"
        body = {"reviewer": "alice@operator.example", "reason": "checked against the passport scan"}
        if decision == "reject":
            body |= {
                "code": "verification_failed_keyed_identity",
                "reason": "the date does not match",
            }
        response = helper(
            journey_server, f"/_gangway/verifications/{item['id']}/{decision}", body, key=live_key
        )
        assert response.status_code == 200, response.text
        trail = response.json()["decisions"]
        assert trail[-1]["actor"].startswith("alice@operator.example")
        assert trail[-1]["status"] == ("failed" if decision == "reject" else "verified")

    decided = retrieve(client, account.id)
    dob = entries(decided)["identity.individual.date_of_birth.day"]
    assert [e.code for e in dob.errors] == ["verification_failed_keyed_identity"]
    assert card_payments(decided).status == "restricted"
    again = helper(
        journey_server,
        f"/_gangway/verifications/{mine[0]['id']}/approve",
        {"reviewer": "bob"},
        key=live_key,
    )
    assert again.status_code == 400 and again.json()["error"]["code"] == "verification_not_pending"


def test_reset_empties_the_sandbox(journey_server: RunningServer, tmp_path: Path) -> None:
    client = sdk(journey_server)
    account = client.v2.core.accounts.create({"display_name": "to be reset"})
    response = helper(journey_server, "/_gangway/test_sandbox/reset", {})
    assert response.status_code == 200 and response.json()["deleted_accounts"] >= 1
    with pytest.raises(stripe.InvalidRequestError):
        client.v2.core.accounts.retrieve(account.id)
