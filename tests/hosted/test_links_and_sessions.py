"""Link redemption, sessions, CSRF and the security headers of every page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import stripe

from tests.api.test_scheduler import recorded_events
from tests.conftest import RunningServer
from tests.hosted.conftest import JENNY, REFRESH, RETURN, Browser, link_for, us_individual


def test_the_first_visit_starts_a_session_and_any_later_visit_goes_to_refresh_url(
    client: stripe.StripeClient, browser: Browser, server: RunningServer
) -> None:
    url = link_for(client, us_individual(client).id)
    first = browser.http.get(url)
    assert first.status_code == 303
    assert first.headers["location"] == "/onboarding"
    cookie = first.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    page = browser.get("/onboarding")
    assert page.status_code == 200
    assert "identity[individual][given_name]" in browser.names()
    # refresh, back, forward, or a link-preview fetcher: the link is spent
    for again in (browser.http.get(url), httpx.get(url)):
        assert again.status_code == 303
        assert again.headers["location"] == REFRESH


def test_of_many_concurrent_visits_exactly_one_wins(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    url = link_for(client, us_individual(client).id)

    def visit(_: int) -> str:
        return httpx.get(url, timeout=30).headers["location"]

    with ThreadPoolExecutor(max_workers=12) as pool:
        locations = list(pool.map(visit, range(24)))
    assert locations.count("/onboarding") == 1
    assert locations.count(REFRESH) == 23


def test_an_expired_link_goes_to_refresh_url(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    url = link_for(client, us_individual(client).id)
    moved = httpx.post(
        f"{server.url}/_gangway/test_clock/advance",
        json={"seconds": 601},
        headers={"Authorization": f"Bearer {server.test_key}"},
    )
    assert moved.status_code == 200, moved.text
    response = httpx.get(url)
    assert response.status_code == 303
    assert response.headers["location"] == REFRESH


def test_an_unknown_token_is_a_clear_404(server: RunningServer) -> None:
    response = httpx.get(f"{server.url}/onboarding/link/alu_test_{'x' * 43}")
    assert response.status_code == 404
    assert "not valid" in response.text


def test_no_session_no_form(server: RunningServer) -> None:
    response = httpx.get(f"{server.url}/onboarding/step/personal")
    assert response.status_code == 403
    posted = httpx.post(f"{server.url}/onboarding/step/personal", data={"action": "save"})
    assert posted.status_code == 403


def test_every_page_carries_the_security_headers_and_no_script(
    client: stripe.StripeClient, browser: Browser
) -> None:
    browser.get(link_for(client, us_individual(client).id))
    assert browser.page is not None
    headers = browser.page.headers
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # falls back to default-src 'none': no script runs
    assert "form-action 'self' http://platform.test" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "<script" not in browser.page.text
    assert "http://" not in browser.page.text.replace('xmlns="http://', "")  # no external assets
    assert len(browser.page.content) < 60_000


def test_a_post_without_the_csrf_token_or_from_another_origin_is_refused(
    client: stripe.StripeClient, browser: Browser, server: RunningServer
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    missing = browser.http.post("/onboarding/step/personal", data={**JENNY, "action": "continue"})
    assert missing.status_code == 403
    forged = browser.http.post(
        "/onboarding/step/personal",
        data={**JENNY, "action": "continue", "csrf_token": browser.csrf()},
        headers={"Origin": "http://evil.test"},
    )
    assert forged.status_code == 403
    wrong = browser.http.post(
        "/onboarding/step/personal",
        data={**JENNY, "action": "continue", "csrf_token": "x" * 43},
    )
    assert wrong.status_code == 403
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity.individual is None  # nothing was saved by the refused posts


def test_save_for_later_keeps_the_data_and_ends_the_session(
    client: stripe.StripeClient, browser: Browser
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    partial = {k: v for k, v in JENNY.items() if "given_name" in k or "surname" in k}
    left = browser.post(partial, action="save")
    assert left.status_code == 303
    assert left.headers["location"] == RETURN
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity.individual.given_name == "Jenny"
    assert stored.identity.individual.surname == "Rosen"
    # the session is over: the same cookie now leads back to the platform's refresh_url
    after = browser.http.get("/onboarding/step/personal")
    assert after.status_code in (303, 403)


def test_leaving_records_account_link_returned_once_with_the_link_s_configurations(
    client: stripe.StripeClient, browser: Browser, server: RunningServer
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    csrf = browser.csrf()
    left = browser.post({}, action="save")
    assert left.headers["location"] == RETURN
    # a double submit from another tab: the session is over, nothing more is recorded
    again = browser.http.post("/onboarding/exit", data={"csrf_token": csrf})
    assert again.status_code in (303, 403)
    returned = [
        e for e in recorded_events(server, account.id) if e.type == "v2.core.account_link.returned"
    ]
    assert len(returned) == 1
    payload = returned[0].payload
    assert payload["data"] == {
        "account_id": account.id,
        "configurations": ["recipient"],
        "use_case": "account_onboarding",
    }
    assert payload["related_object"] is None
    assert payload["context"] == account.id
    assert payload["reason"]["type"] == "request"
