"""v1 Account Links through stripe-python 16.1.0 on every backend: the same single-use link and
hosted form as v2, from v1 params, with v1 errors naming v1 params."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe

from tests.conftest import RunningServer

REFRESH = "http://platform.test/refresh"
RETURN = "http://platform.test/return"


def v1_account(client: stripe.StripeClient, kind: str = "custom") -> Any:
    return client.v1.accounts.create(
        {
            "type": kind,  # type: ignore[typeddict-item]
            "country": "US",
            "email": "jenny@example.com",
            "capabilities": {"transfers": {"requested": True}},
        }
    )


def link(client: stripe.StripeClient, account: str, **params: Any) -> Any:
    return client.v1.account_links.create(
        {
            "account": account,
            "type": "account_onboarding",
            "refresh_url": REFRESH,
            "return_url": RETURN,
            **params,
        }
    )


def error_of(excinfo: pytest.ExceptionInfo[stripe.StripeError]) -> dict[str, Any]:
    body = excinfo.value.json_body or {}
    error: dict[str, Any] = body["error"]
    return error


def test_a_v1_link_has_v1_shape_and_opens_the_hosted_form_once(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    account = v1_account(client)
    created = link(client, account.id)
    assert created.object == "account_link"
    assert set(created.to_dict()) == {"object", "created", "expires_at", "url"}
    assert created.expires_at - created.created == 600
    assert created.url.startswith(f"{server.url}/onboarding/link/alu_test_")
    first = httpx.get(created.url)
    assert first.status_code == 303
    assert first.headers["location"] == "/onboarding"
    with httpx.Client(base_url=server.url, cookies=first.cookies) as visitor:
        page = visitor.get("/onboarding", follow_redirects=True)
    assert page.status_code == 200
    assert "/onboarding/step/" in str(page.url)
    assert 'name="csrf_token"' in page.text
    again = httpx.get(created.url)
    assert again.status_code == 303
    assert again.headers["location"] == REFRESH


@pytest.mark.usefixtures("legacy_stripe")
def test_the_legacy_resource_class_and_the_deprecated_collect(
    client: stripe.StripeClient, server: RunningServer
) -> None:
    account = v1_account(client)
    made = stripe.AccountLink.create(
        account=account.id,
        type="account_onboarding",
        refresh_url=REFRESH,
        return_url=RETURN,
        collect="eventually_due",
    )
    assert made.url.startswith(server.url)
    with_options = link(
        client,
        account.id,
        collection_options={"fields": "eventually_due", "future_requirements": "include"},
    )
    assert with_options.url != made.url
    with pytest.raises(stripe.InvalidRequestError) as both:
        link(client, account.id, collect="eventually_due", collection_options={"fields": "x"})
    assert error_of(both)["param"] in ("collect", "collection_options[fields]")


def test_account_update_only_where_the_platform_collects(client: stripe.StripeClient) -> None:
    custom = v1_account(client)
    update = link(client, custom.id, type="account_update")
    assert update.object == "account_link"
    standard = client.v1.accounts.create({"type": "standard", "country": "US"})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        link(client, standard.id, type="account_update")
    error = error_of(refused)
    assert error["param"] == "type"
    assert error["code"] == "account_update_not_allowed"
    assert link(client, standard.id).url  # onboarding is fine


@pytest.mark.parametrize(
    ("params", "param", "code"),
    [
        ({"refresh_url": None}, "refresh_url", "parameter_missing"),
        ({"refresh_url": "javascript:alert(1)"}, "refresh_url", None),
        ({"return_url": "not a url"}, "return_url", None),
        ({"type": "account_management"}, "type", "parameter_invalid_enum"),
        ({"collection_options": {"fields": "all"}}, "collection_options[fields]", None),
        ({"collection_options": {"colour": "red"}}, "collection_options[colour]", None),
        ({"expand": ["url"]}, "expand[0]", "parameter_invalid_expand"),
        ({"flavour": "mint"}, "flavour", "parameter_unknown"),
    ],
)
def test_bad_params_are_400s_naming_the_v1_param(
    client: stripe.StripeClient, params: dict[str, Any], param: str, code: str | None
) -> None:
    account = v1_account(client)
    body = {
        "account": account.id,
        "type": "account_onboarding",
        "refresh_url": REFRESH,
        "return_url": RETURN,
        **params,
    }
    body = {key: value for key, value in body.items() if value is not None}
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.account_links.create(body)  # type: ignore[arg-type]
    assert refused.value.http_status == 400
    error = error_of(refused)
    assert error["param"] == param, error
    if code:
        assert error["code"] == code, error


def test_missing_and_unknown_accounts(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.account_links.create(
            {"type": "account_onboarding", "refresh_url": REFRESH}  # type: ignore[typeddict-item]
        )
    assert error_of(missing)["param"] == "account"
    assert error_of(missing)["code"] == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        link(client, "acct_nobody")
    assert unknown.value.http_status == 404
    assert error_of(unknown)["code"] == "resource_missing"
    assert error_of(unknown)["param"] == "account"


def test_a_v2_account_gets_a_v1_link_and_the_reverse(client: stripe.StripeClient) -> None:
    v2 = client.v2.core.accounts.create(
        {
            "identity": {"country": "us", "entity_type": "individual"},
            "contact_email": "jenny@example.com",
            "configuration": {"recipient": {"capabilities": {}}},
        }
    )
    assert link(client, v2.id).url
    v1 = v1_account(client)
    made = client.v2.core.account_links.create(
        {
            "account": v1.id,
            "use_case": {
                "type": "account_onboarding",
                "account_onboarding": {"refresh_url": REFRESH},
            },
        }
    )
    assert made.url
