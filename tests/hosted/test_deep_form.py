"""A form body the bracket parser refuses (a key nested past its depth limit) is a form that
cannot be read, so a refused post: never a 500."""

from __future__ import annotations

import pytest
import stripe

from tests.hosted.conftest import JENNY, Browser, link_for, us_individual


@pytest.mark.parametrize("brackets", [32, 900, 100_000])
def test_a_deeply_nested_form_key_is_refused_not_a_500(
    client: stripe.StripeClient, browser: Browser, brackets: int
) -> None:
    account = us_individual(client)
    browser.get(link_for(client, account.id))
    deep = "identity" + "[b]" * brackets  # 100,000 deep is 300 KB, under the 1 MB body limit
    response = browser.http.post(
        "/onboarding/step/personal",
        data={**JENNY, deep: "x", "action": "continue", "csrf_token": browser.csrf()},
    )
    # The whole body is unreadable: a translated page, and nothing saved.
    assert response.status_code == 400
    assert "The form could not be read" in response.text
    stored = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert stored.identity.individual is None
