"""The review queue and review page in Chromium: a reviewer works through live verifications
(a document shown inline from storage, an approval, a rejection) and sees the account change; a
viewer sees no buttons, and a forced approval is refused by the server."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import stripe

from tests.browser.conftest import Journey
from tests.browser.console import shoot, signed_in
from tests.conftest import RunningServer
from tests.console.review_data import (
    live_merchant,
    live_platform,
    recipient,
    retrieve,
    upload_document,
)

KINDS = ("date_of_birth", "address", "id_number", "business_url")


def review_link(journey: Journey, account_id: str) -> str:
    """The first "Review" link of ``account_id``'s row in the queue on screen."""
    row = journey.page.locator("table.queue tbody tr", has_text=account_id).first
    href = row.get_by_role("link", name=re.compile("^Review")).get_attribute("href")
    assert href
    return href


@pytest.mark.usefixtures("console_operators")
def test_a_reviewer_approves_and_rejects_live_verifications(
    open_journey: Callable[..., Journey], gangway: RunningServer
) -> None:
    live = live_platform(gangway)
    approved = live_merchant(live.client, name="Approved Shop")
    rejected = live_merchant(live.client, name="Rejected Shop", country="gb")
    documented = recipient(live.client, "Document Shop")
    file_id = upload_document(gangway, live.client, documented.id)
    journey = signed_in(open_journey, gangway, "reviewer")
    base = gangway.url + live.prefix

    journey.goto(f"{base}/reviews")
    assert journey.page.locator("table.queue tbody tr").count() == 8  # 4 + 3 (no SSN in GB) + 1
    assert "pending" in journey.page.locator(".pending-count").inner_text()
    shoot(journey, "queue")

    journey.page.select_option("select#kind", "identity_document")
    journey.page.get_by_role("button", name="Filter").click()
    journey.page.wait_for_url(re.compile(r"/reviews\?kind=identity_document"))
    rows = journey.page.locator("table.queue tbody tr")
    assert rows.count() == 1 and "Document Shop" in rows.first.inner_text()
    shoot(journey, "queue-filtered")

    rows.first.get_by_role("link", name=re.compile("^Review")).click()
    image = journey.page.locator(f'figure.document img[src$="/files/{file_id}"]')
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 320
    shoot(journey, "review-document")

    # approve every verification of one account: its card payments become active
    for kind in KINDS:
        journey.goto(f"{base}/reviews?kind={kind}&country=US")
        journey.goto(gangway.url + review_link(journey, approved.id))
        journey.page.fill("#approve-reason", "Checked against the passport.")
        journey.page.get_by_role("button", name="Approve").click()
        journey.page.wait_for_url(re.compile(r"\?done=approved$"))
        assert journey.page.locator(".verification-status").inner_text() == "Verified"
    status = journey.page.get_by_role("status")
    assert "Approved." in status.inner_text()
    capability = journey.page.locator("table.capabilities tr", has_text="card_payments")
    assert capability.locator(".badge.active").inner_text() == "Active"
    assert (
        "Reviewer: reviewer@example.com (console)"
        in journey.page.locator("table.history").inner_text()
    )
    shoot(journey, "review-approved")
    stored = retrieve(live.client, approved.id)
    assert stored.configuration.merchant.capabilities.card_payments.status == "active"

    # reject the other account's date of birth with a documented code
    journey.goto(f"{base}/reviews?kind=date_of_birth&country=GB")
    journey.goto(gangway.url + review_link(journey, rejected.id))
    before = journey.page.locator("table.capabilities tr", has_text="card_payments")
    assert before.locator(".badge.pending").inner_text() == "Pending"
    journey.page.select_option("#reject-code", "verification_failed_keyed_identity")
    journey.page.fill("#reject-reason", "The date does not match the passport.")
    journey.page.get_by_role("button", name="Reject").click()
    journey.page.wait_for_url(re.compile(r"\?done=rejected$"))
    assert journey.page.locator(".verification-status").inner_text() == "Failed"
    error = journey.page.locator(".requirement-error").first
    assert "verification_failed_keyed_identity" in error.inner_text()
    capability = journey.page.locator("table.capabilities tr", has_text="card_payments")
    assert capability.locator(".badge.restricted").inner_text() == "Restricted"
    shoot(journey, "review-rejected")
    stored = retrieve(live.client, rejected.id)
    dob = next(
        e
        for e in stored.requirements.entries
        if e.description == "identity.individual.date_of_birth.day"
    )
    assert [e.code for e in dob.errors] == ["verification_failed_keyed_identity"]
    journey.check()


@pytest.mark.usefixtures("console_operators")
def test_a_viewer_sees_no_buttons_and_a_forced_approve_is_refused(
    open_journey: Callable[..., Journey], gangway: RunningServer, client: stripe.StripeClient
) -> None:
    held = {"day": 1, "month": 1, "year": 1900}  # an OFAC alert: held for a reviewer
    account = client.v2.core.accounts.create(
        {
            "display_name": "Held Shop",
            "identity": {
                "country": "us",
                "entity_type": "individual",
                "individual": {"given_name": "Jenny", "date_of_birth": held},
            },
        }
    )
    journey = signed_in(open_journey, gangway, "viewer")
    found = re.search(r"/console/(plat_\w+)/test/", journey.page.url)
    assert found, journey.page.url
    base = f"{gangway.url}/console/{found.group(1)}/test"
    journey.goto(f"{base}/reviews?kind=date_of_birth")
    journey.goto(gangway.url + review_link(journey, account.id))
    page = journey.page
    assert page.get_by_role("button", name="Approve").count() == 0
    assert page.get_by_role("button", name="Reject").count() == 0
    assert "not decide it" in page.locator("main").inner_text()
    csrf = page.locator('input[name="csrf"]').first.get_attribute("value")
    target = page.url.split("?")[0] + "/approve"
    journey.refused.add(target)
    forced = page.request.post(target, form={"csrf": csrf or "", "reason": "forced"})
    assert forced.status == 403
    assert "Your role does not allow this" in forced.text()
    page.reload()
    assert page.locator(".verification-status").inner_text() == "Pending"
    assert "No decision yet." in page.locator("table.history").inner_text()
    journey.check()
