"""The review API takes a rejection's code from the documented list only (the console's too)."""

from __future__ import annotations

import httpx
import stripe

from gangway.verification.codes import REJECTION_CODES
from tests.conftest import RunningServer


def test_a_rejection_code_must_be_a_documented_one(
    server: RunningServer, client: stripe.StripeClient
) -> None:
    held = {"day": 1, "month": 1, "year": 1900}  # an OFAC alert: held for a reviewer
    account = client.v2.core.accounts.create(
        {"identity": {"country": "us", "individual": {"date_of_birth": held}}}
    )
    headers = {"Authorization": f"Bearer {server.test_key}"}
    queue = httpx.get(
        f"{server.url}/_gangway/verifications?limit=100", headers=headers, timeout=30
    ).json()["data"]
    dob = next(v["id"] for v in queue if v["account"] == account.id)
    body = {"reviewer": "alice", "reason": "no match"}
    unknown = httpx.post(
        f"{server.url}/_gangway/verifications/{dob}/reject",
        json={**body, "code": "verification_made_up"},
        headers=headers,
        timeout=30,
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == "parameter_invalid_enum"
    assert "verification_failed_keyed_identity" in REJECTION_CODES
    known = httpx.post(
        f"{server.url}/_gangway/verifications/{dob}/reject",
        json={**body, "code": "verification_failed_keyed_identity"},
        headers=headers,
        timeout=30,
    )
    assert known.status_code == 200, known.text
    assert known.json()["errors"][0]["code"] == "verification_failed_keyed_identity"
