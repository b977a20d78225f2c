"""The review queue and review page: live verifications wait here; a reviewer's decision goes
through the review API's service, so requirements and capabilities follow exactly as there."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import httpx
import pytest
import stripe

from tests.conftest import RunningServer
from tests.console.conftest import csrf_of, platform_of, sign_in
from tests.console.review_data import (
    PDF,
    PNG,
    LivePlatform,
    live_merchant,
    live_platform,
    recipient,
    retrieve,
    upload_document,
)


@pytest.fixture(scope="module")
def live(console_server: RunningServer) -> LivePlatform:
    return live_platform(console_server)


@pytest.fixture(scope="module")
def queued(live: LivePlatform) -> dict[str, Any]:
    """Three accounts, made in this order: two in the US, one in Great Britain."""
    first = live_merchant(live.client, name="First Shop")
    second = live_merchant(live.client, name="Second Shop", ssn=("us_ssn", "123-45-6789"))
    british = live_merchant(live.client, country="gb", name="British Shop")
    return {"first": first, "second": second, "british": british}


def queue_rows(page: httpx.Response) -> list[tuple[str, str]]:
    """(verification id, account id) of each queue row, top to bottom."""
    body = page.text.split("<tbody>", 1)[1]
    return re.findall(r'href="/console/[^"]+/accounts/(acct_\w+)".*?reviews/(vrf_\w+)"', body, re.S)


def verification(live: LivePlatform, client: httpx.Client, account_id: str, kind: str) -> str:
    page = client.get(f"{live.prefix}/reviews", params={"kind": kind})
    assert page.status_code == 200, page.text
    for account, verification_id in queue_rows(page):
        if account == account_id:
            return verification_id
    raise AssertionError(f"no pending {kind} for {account_id}")


def text_of(page: httpx.Response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page.text)))


def test_the_queue_lists_pending_live_verifications_oldest_first(
    console_server: RunningServer, live: LivePlatform, queued: dict[str, Any]
) -> None:
    with sign_in(console_server, "reviewer") as client:
        page = client.get(f"{live.prefix}/reviews")
    assert page.status_code == 200
    accounts = [account for account, _ in queue_rows(page)]
    first, second = queued["first"].id, queued["second"].id
    assert first in accounts and second in accounts and queued["british"].id in accounts
    assert accounts.index(first) < accounts.index(second)  # oldest first
    shown = text_of(page)
    assert f"{len(accounts)} pending" in shown
    assert "First Shop" in shown and "waiting" in shown
    assert "Date of birth" in shown and "ID number" in shown
    assert "No: a reviewer decides" in shown  # live mode decides nothing by itself
    assert "6789" not in page.text and "1987" not in page.text


def test_filters_by_kind_and_country_narrow_the_queue(
    console_server: RunningServer, live: LivePlatform, queued: dict[str, Any]
) -> None:
    with sign_in(console_server, "admin") as client:
        everything = queue_rows(client.get(f"{live.prefix}/reviews"))
        british = client.get(f"{live.prefix}/reviews", params={"country": "gb"})
        births = client.get(f"{live.prefix}/reviews", params={"kind": "date_of_birth"})
        both = client.get(
            f"{live.prefix}/reviews", params={"kind": "date_of_birth", "country": "US"}
        )
        bad = client.get(f"{live.prefix}/reviews", params={"kind": "nonsense"})
    assert {a for a, _ in queue_rows(british)} == {queued["british"].id}
    assert len(queue_rows(british)) < len(everything)  # its address only
    assert f"{len(queue_rows(british))} pending" in text_of(british)
    assert len(queue_rows(births)) == 3
    assert [a for a, _ in queue_rows(both)] == [queued["first"].id, queued["second"].id]
    assert "2 pending" in text_of(both)
    assert bad.status_code == 400
    assert "That filter is not one the queue knows" in text_of(bad)


def test_a_review_shows_what_was_submitted_with_id_numbers_masked(
    console_server: RunningServer, live: LivePlatform, queued: dict[str, Any]
) -> None:
    with sign_in(console_server, "reviewer") as client:
        full = verification(live, client, queued["second"].id, "id_number")
        page = client.get(f"{live.prefix}/reviews/{full}")
        address = verification(live, client, queued["british"].id, "address")
        british = client.get(f"{live.prefix}/reviews/{address}")
    shown = text_of(page)
    assert "Second Shop" in shown and "identity.individual.id_numbers.us_ssn" in shown
    assert "us_ssn" in shown and "•••• 6789" in shown
    assert "123456789" not in page.text and "123-45-6789" not in page.text
    assert "Date of birth" not in shown.split("What was submitted")[1].split("Effect")[0]
    assert "Address line 1 1 Main Street" in text_of(british)
    assert "Postal code EC1Y 8SY" in text_of(british)


def test_approving_changes_requirements_and_capabilities_as_the_api_does(
    console_server: RunningServer, live: LivePlatform
) -> None:
    account = live_merchant(live.client, name="Approved Shop")
    twin = live_merchant(live.client, name="Approved through the API")
    before = retrieve(live.client, account.id)
    assert before.configuration.merchant.capabilities.card_payments.status == "pending"
    with sign_in(console_server, "reviewer") as client:
        ids = [
            verification(live, client, account.id, kind)
            for kind in ("date_of_birth", "address", "id_number", "business_url")
        ]
        page = client.get(f"{live.prefix}/reviews/{ids[0]}")
        assert page.status_code == 200
        assert 'action="' + f"{live.prefix}/reviews/{ids[0]}/approve" in page.text
        assert "March 17, 1987" in text_of(page)  # the submitted date, for the reviewer
        csrf = csrf_of(client, f"{live.prefix}/reviews/{ids[0]}")
        for verification_id in ids:
            answer = client.post(
                f"{live.prefix}/reviews/{verification_id}/approve",
                data={"csrf": csrf, "reason": "checked against the passport"},
            )
            assert answer.status_code == 303, answer.text
            assert answer.headers["location"] == (
                f"{live.prefix}/reviews/{verification_id}?done=approved"
            )
        for kind in ("date_of_birth", "address", "id_number", "business_url"):
            answer = httpx.post(
                f"{console_server.url}/_gangway/verifications/"
                f"{verification(live, client, twin.id, kind)}/approve",
                json={"reviewer": "api@example.com", "reason": "checked"},
                headers={"Authorization": f"Bearer {live.live_key}"},
            )
            assert answer.status_code == 200, answer.text
        after = client.get(f"{live.prefix}/reviews/{ids[-1]}?done=approved")
        audit = client.get("/console/audit", params={"target": ids[0]})
        again = client.post(
            f"{live.prefix}/reviews/{ids[0]}/approve", data={"csrf": csrf, "reason": ""}
        )
    shown = text_of(after)
    assert "Approved." in shown and "Verified" in shown
    assert "Reviewer: reviewer@example.com (console)" in shown
    assert "checked against the passport" in shown
    decided = retrieve(live.client, account.id)
    assert decided.configuration.merchant.capabilities.card_payments.status == "active"
    assert not [e for e in decided.requirements.entries or [] if e.awaiting_action_from == "stripe"]
    table = after.text.split('class="data stack capabilities"', 1)[1].split("</table>", 1)[0]
    names = re.findall(r"<code>([a-z_.]+)</code>", table)
    rendered = decided.configuration.merchant.capabilities.to_dict()
    assert {n.split(".")[0] for n in names} == {k for k, v in rendered.items() if v}  # as the API
    assert "active" in table
    through_api = retrieve(live.client, twin.id)  # the same decisions through the review API
    assert decided.requirements.to_dict() == through_api.requirements.to_dict()
    assert (
        decided.configuration.merchant.capabilities.to_dict()
        == through_api.configuration.merchant.capabilities.to_dict()
    )
    assert "verification.approved" in audit.text and "reviewer@example.com" in audit.text
    assert f"account={account.id}" in audit.text
    assert again.status_code == 409
    assert "already been decided" in text_of(again)


def test_rejecting_with_a_code_shows_that_code_on_the_requirement(
    console_server: RunningServer, live: LivePlatform
) -> None:
    account = live_merchant(live.client, name="Rejected Shop")
    assert account.configuration.merchant.capabilities.card_payments.status == "pending"
    with sign_in(console_server, "admin") as client:
        dob = verification(live, client, account.id, "date_of_birth")
        path = f"{live.prefix}/reviews/{dob}"
        csrf = csrf_of(client, path)
        no_reason = client.post(
            f"{path}/reject", data={"csrf": csrf, "code": "verification_failed_keyed_identity"}
        )
        no_code = client.post(f"{path}/reject", data={"csrf": csrf, "reason": "no match"})
        unknown = client.post(
            f"{path}/reject", data={"csrf": csrf, "code": "verification_made_up", "reason": "x"}
        )
        assert retrieve(live.client, account.id).requirements.entries  # nothing decided yet
        answer = client.post(
            f"{path}/reject",
            data={
                "csrf": csrf,
                "code": "verification_failed_keyed_identity",
                "reason": "The date does not match the passport.",
            },
        )
        page = client.get(answer.headers["location"])
        audit = client.get("/console/audit", params={"target": dob})
    assert no_reason.status_code == no_code.status_code == unknown.status_code == 400
    assert "Give a reason for the rejection" in text_of(no_reason)
    assert "Choose a rejection code from the list" in text_of(no_code)
    assert "Choose a rejection code from the list" in text_of(unknown)
    assert answer.status_code == 303
    assert "Rejected." in text_of(page) and "Failed" in text_of(page)
    assert "verification_failed_keyed_identity" in page.text
    decided = retrieve(live.client, account.id)
    entry = next(
        e
        for e in decided.requirements.entries
        if e.description == "identity.individual.date_of_birth.day"
    )
    assert [e.code for e in entry.errors] == ["verification_failed_keyed_identity"]
    assert decided.configuration.merchant.capabilities.card_payments.status == "restricted"
    assert "requirement-error" in page.text  # the effect is on the review page too
    assert "verification.rejected" in audit.text and "code=verification_failed_keyed" in audit.text


def test_a_viewer_sees_no_buttons_and_a_forced_approve_is_refused(
    console_server: RunningServer,
) -> None:
    client_sdk = stripe.StripeClient(
        console_server.test_key, base_addresses={"api": console_server.url}
    )
    held = {"day": 1, "month": 1, "year": 1900}  # an OFAC alert: held for a reviewer
    account = client_sdk.v2.core.accounts.create(
        {
            "display_name": "Held Shop",
            "identity": {
                "country": "us",
                "entity_type": "individual",
                "individual": {"given_name": "Jenny", "date_of_birth": held},
            },
        }
    )
    later = client_sdk.v2.core.accounts.create(  # decided by the test clock, 5 s from now
        {
            "display_name": "Later Shop",
            "defaults": {"profile": {"business_url": "https://accessible.stripe.com"}},
        }
    )
    with sign_in(console_server, "viewer") as client:
        prefix = f"/console/{platform_of(console_server)}/test"
        websites = client.get(f"{prefix}/reviews", params={"kind": "business_url"})
        page = client.get(f"{prefix}/reviews", params={"kind": "date_of_birth"})
        dob = next(v for a, v in queue_rows(page) if a == account.id)
        review = client.get(f"{prefix}/reviews/{dob}")
        csrf = csrf_of(client, f"{prefix}/reviews/{dob}")
        forced = client.post(f"{prefix}/reviews/{dob}/approve", data={"csrf": csrf})
        after = client.get(f"{prefix}/reviews/{dob}")
    row = next(r for r in websites.text.split("<tr>") if later.id in r)
    assert re.search(r'Decides itself"><time datetime="[^"]+">', row), row
    held_row = next(r for r in page.text.split("<tr>") if account.id in r)
    assert "No: a reviewer decides" in held_row
    assert review.status_code == 200
    assert "/approve" not in review.text and "/reject" not in review.text
    assert "Your role can see this verification but not decide it." in text_of(review)
    assert forced.status_code == 403 and "Your role does not allow this" in text_of(forced)
    assert "No decision yet." in text_of(after)
    stored = httpx.get(
        f"{console_server.url}/_gangway/verifications/{dob}",
        headers={"Authorization": f"Bearer {console_server.test_key}"},
    ).json()
    assert stored["status"] == "pending" and stored["decisions"] == []


def test_a_test_only_reviewer_cannot_open_live_reviews(
    console_server: RunningServer, live: LivePlatform, queued: dict[str, Any]
) -> None:
    with sign_in(console_server, "tester") as client:
        queue = client.get(f"{live.prefix}/reviews")
        test_queue = client.get(f"/console/{live.platform_id}/test/reviews")
    assert queue.status_code == 403 and "Live data is not yours to see" in text_of(queue)
    assert test_queue.status_code == 200


def test_a_review_shows_the_uploaded_document_from_storage(
    console_server: RunningServer, live: LivePlatform
) -> None:
    account = recipient(live.client, "Document Shop")
    file_id = upload_document(console_server, live.client, account.id)
    with sign_in(console_server, "reviewer") as client:
        menu = re.findall(
            r'href="/console/(plat_\w+)/live/accounts"', client.get(f"{live.prefix}/reviews").text
        )
        other = next(p for p in menu if p != live.platform_id)
        doc = verification(live, client, account.id, "identity_document")
        page = client.get(f"{live.prefix}/reviews/{doc}")
        image = client.get(f"{live.prefix}/files/{file_id}")
        elsewhere = client.get(f"/console/{other}/live/files/{file_id}")
        test_mode = client.get(f"/console/{live.platform_id}/test/files/{file_id}")
    assert f'<img src="{live.prefix}/files/{file_id}"' in page.text
    assert image.status_code == 200 and image.content == PNG
    assert image.headers["content-type"] == "image/png"
    assert image.headers["content-disposition"].startswith("inline")
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'self'" in image.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert elsewhere.status_code == 404 and test_mode.status_code == 404


def test_a_pdf_document_is_shown_in_a_frame(
    console_server: RunningServer, live: LivePlatform
) -> None:
    account = recipient(live.client, "PDF Shop")
    file_id = upload_document(
        console_server, live.client, account.id, ("passport.pdf", PDF, "application/pdf")
    )
    with sign_in(console_server, "reviewer") as client:
        doc = verification(live, client, account.id, "identity_document")
        page = client.get(f"{live.prefix}/reviews/{doc}")
        served = client.get(f"{live.prefix}/files/{file_id}")
    assert f'<iframe src="{live.prefix}/files/{file_id}"' in page.text
    assert served.headers["content-type"] == "application/pdf" and served.content == PDF
    assert served.headers["x-frame-options"] == "SAMEORIGIN"


def test_the_queue_pages_on_oldest_first_without_repeating_a_row(
    console_server: RunningServer, live: LivePlatform
) -> None:
    made = {live_merchant(live.client, name=f"Paged Shop {n}").id for n in range(13)}
    seen: list[tuple[str, str]] = []
    created: list[str] = []
    with sign_in(console_server, "reviewer") as client:
        path: str | None = f"{live.prefix}/reviews"
        pages = 0
        while path is not None:
            page = client.get(path)
            assert page.status_code == 200
            rows = queue_rows(page)
            assert len(rows) <= 50
            seen.extend(rows)
            body = page.text.split("<tbody>", 1)[1]
            created.extend(re.findall(r'<time datetime="([^"]+)" title=', body))
            pages += 1
            newer = re.search(r'href="([^"]+)">Newer', page.text)
            path = unescape(newer.group(1)) if newer else None
        bad = client.get(f"{live.prefix}/reviews", params={"after": "yesterday"})
    assert pages >= 2 and len(seen) >= 52
    ids = [v for _, v in seen]
    assert len(ids) == len(set(ids))  # no row twice
    assert made <= {a for a, _ in seen}  # and none left out
    assert len(created) == len(seen) and created == sorted(created)  # oldest first throughout
    assert bad.status_code == 400


def test_an_unknown_verification_is_not_found(
    console_server: RunningServer, live: LivePlatform
) -> None:
    with sign_in(console_server, "reviewer") as client:
        missing = client.get(f"{live.prefix}/reviews/vrf_live_missing")
        csrf = csrf_of(client, f"{live.prefix}/reviews")
        decided = client.post(
            f"{live.prefix}/reviews/vrf_live_missing/approve", data={"csrf": csrf}
        )
    assert missing.status_code == 404 and decided.status_code == 404
