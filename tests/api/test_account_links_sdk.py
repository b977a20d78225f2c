"""Account Links through the official SDK and over raw HTTP (for older API versions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
import stripe

from tests.api.conftest import sdk
from tests.conftest import RunningServer


def onboarding(**branch: Any) -> dict[str, Any]:
    return {
        "type": "account_onboarding",
        "account_onboarding": {
            "refresh_url": "http://platform.test/refresh",
            "return_url": "http://platform.test/return",
            **branch,
        },
    }


def new_account(client: stripe.StripeClient, **extra: Any) -> Any:
    return client.v2.core.accounts.create(
        {
            "identity": {"country": "us", "entity_type": "individual"},
            "contact_email": "jenny@example.com",
            "configuration": {"recipient": {"capabilities": {}}},
            **extra,
        }
    )


def platform_collected(client: stripe.StripeClient) -> Any:
    return new_account(
        client,
        dashboard="none",
        defaults={
            "responsibilities": {
                "fees_collector": "application",
                "losses_collector": "application",
            }
        },
    )


def test_a_link_has_the_documented_shape_and_an_unguessable_url(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    account = new_account(client)
    link = client.v2.core.account_links.create({"account": account.id, "use_case": onboarding()})
    assert link.object == "v2.core.account_link"
    assert link.account == account.id
    assert link.livemode is False
    assert "id" not in link
    lifetime = datetime.fromisoformat(link.expires_at) - datetime.fromisoformat(link.created)
    assert lifetime == timedelta(minutes=10)
    prefix = f"{server.url}/onboarding/link/alu_test_"
    assert link.url.startswith(prefix)
    assert len(link.url) - len(prefix) >= 43  # 43 base62 characters: 256 bits
    branch = link.use_case.account_onboarding
    assert link.use_case.type == "account_onboarding"
    assert link.use_case.account_update is None
    assert branch.refresh_url == "http://platform.test/refresh"
    assert branch.return_url == "http://platform.test/return"
    assert branch.collection_options.fields == "currently_due"
    assert branch.collection_options.future_requirements == "omit"
    again = client.v2.core.account_links.create({"account": account.id, "use_case": onboarding()})
    assert again.url != link.url


def test_collection_options_are_echoed_and_return_url_is_optional(
    client: stripe.StripeClient,
) -> None:
    account = new_account(client)
    use_case = onboarding(
        collection_options={"fields": "eventually_due", "future_requirements": "include"}
    )
    del use_case["account_onboarding"]["return_url"]
    link = client.v2.core.account_links.create({"account": account.id, "use_case": use_case})
    options = link.use_case.account_onboarding.collection_options
    assert (options.fields, options.future_requirements) == ("eventually_due", "include")
    assert link.use_case.account_onboarding.return_url is None


def test_unknown_and_closed_accounts_are_refused(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v2.core.account_links.create({"account": "acct_nope", "use_case": onboarding()})
    assert missing.value.http_status == 404
    account = new_account(client)
    client.v2.core.accounts.close(account.id)
    with pytest.raises(stripe.InvalidRequestError) as closed:
        client.v2.core.account_links.create({"account": account.id, "use_case": onboarding()})
    assert closed.value.code == "account_closed"


def test_urls_must_be_absolute_http_in_test_mode_and_https_in_live_mode(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    account = new_account(client)
    with pytest.raises(stripe.InvalidRequestError) as bad:
        client.v2.core.account_links.create(
            {"account": account.id, "use_case": onboarding(refresh_url="javascript:alert(1)")}
        )
    assert bad.value.code == "url_invalid"
    assert bad.value.param == "use_case[account_onboarding][refresh_url]"

    live = sdk(server, server.new_key("live"))
    live_account = new_account(live)
    with pytest.raises(stripe.InvalidRequestError) as plain:
        live.v2.core.account_links.create({"account": live_account.id, "use_case": onboarding()})
    assert plain.value.param == "use_case[account_onboarding][refresh_url]"
    assert "https" in str(plain.value.user_message)
    link = live.v2.core.account_links.create(
        {
            "account": live_account.id,
            "use_case": onboarding(
                refresh_url="https://platform.test/r", return_url="https://platform.test/x"
            ),
        }
    )
    assert link.livemode is True
    assert "/onboarding/link/alu_live_" in link.url


def test_the_missing_branch_and_missing_refresh_url_are_named(client: stripe.StripeClient) -> None:
    account = new_account(client)
    with pytest.raises(stripe.InvalidRequestError) as branch:
        client.v2.core.account_links.create(
            {"account": account.id, "use_case": {"type": "account_update"}}
        )
    assert branch.value.param == "use_case[account_update]"
    with pytest.raises(stripe.InvalidRequestError) as refresh:
        client.v2.core.account_links.create(
            {
                "account": account.id,
                "use_case": {"type": "account_onboarding", "account_onboarding": {}},
            }
        )
    assert refresh.value.code == "parameter_missing"
    assert refresh.value.param == "use_case[account_onboarding][refresh_url]"


def test_account_update_only_where_the_platform_collects_requirements(
    client: stripe.StripeClient,
) -> None:
    update = {
        "type": "account_update",
        "account_update": {"refresh_url": "http://p.test/r", "return_url": "http://p.test/x"},
    }
    stripe_collected = new_account(client)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v2.core.account_links.create({"account": stripe_collected.id, "use_case": update})
    assert refused.value.code == "account_update_not_allowed"
    assert "collects requirements" in str(refused.value.user_message)
    account = platform_collected(client)
    link = client.v2.core.account_links.create({"account": account.id, "use_case": update})
    assert link.use_case.type == "account_update"
    assert link.use_case.account_onboarding is None


def raw_link(server: RunningServer, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v2/core/account_links",
        json=body,
        headers={
            "Authorization": f"Bearer {server.test_key}",
            "Stripe-Version": "2025-07-30.preview",
        },
    )


def test_older_versions_send_configurations_which_must_match(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    account = new_account(client)
    mismatch = raw_link(
        server,
        {"account": account.id, "use_case": onboarding(configurations=["merchant"])},
    )
    assert mismatch.status_code == 400
    error = mismatch.json()["error"]
    assert error["code"] == "configs_must_match_to_use_account_links"
    assert error["param"] == "use_case[account_onboarding][configurations]"
    matching = raw_link(
        server,
        {"account": account.id, "use_case": onboarding(configurations=["recipient"])},
    )
    assert matching.status_code == 200, matching.text
    assert "id" not in matching.json()
    unknown = raw_link(
        server, {"account": account.id, "use_case": onboarding(configurations=["banker"])}
    )
    assert unknown.json()["error"]["code"] == "parameter_invalid_enum"
