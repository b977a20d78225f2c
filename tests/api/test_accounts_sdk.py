"""Accounts v2 through the official stripe SDK, over real HTTP, on every storage backend."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe

from tests.api.conftest import sdk
from tests.conftest import RunningServer

RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
INCLUDE_ALL = [
    "configuration.customer",
    "configuration.merchant",
    "configuration.recipient",
    "defaults",
    "identity",
    "requirements",
    "future_requirements",
]


def us_individual_merchant(**overrides: object) -> dict[str, object]:
    params: dict[str, object] = {
        "contact_email": "jenny@example.com",
        "display_name": "Jenny Rosen",
        "dashboard": "none",
        "identity": {
            "country": "us",
            "entity_type": "individual",
            "individual": {
                "given_name": "Jenny",
                "surname": "Rosen",
                "date_of_birth": {"day": 1, "month": 1, "year": 1901},
                "id_numbers": [{"type": "us_ssn_last_4", "value": "0000"}],
            },
        },
        "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
        "defaults": {
            "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
        },
    }
    params.update(overrides)
    return params


def test_create_returns_the_v2_shape_with_sections_null_unless_included(
    client: stripe.StripeClient,
) -> None:
    account = client.v2.core.accounts.create(
        {"display_name": "Dunder Mifflin", "contact_email": "a@b.co"}
    )
    assert account.object == "v2.core.account"
    assert re.match(r"^acct_[A-Za-z0-9]{16}$", account.id)
    assert RFC3339_MS.match(account.created)
    assert account.livemode is False
    assert account.display_name == "Dunder Mifflin"
    assert account.applied_configurations == []
    assert account.closed is False
    for section in ("configuration", "defaults", "identity", "requirements", "future_requirements"):
        assert getattr(account, section) is None, section


def test_include_fills_sections_and_nulls_unincluded_configurations(
    client: stripe.StripeClient,
) -> None:
    account = client.v2.core.accounts.create(
        {**us_individual_merchant(), "include": ["configuration.merchant", "identity", "defaults"]}
    )
    assert account.applied_configurations == ["merchant"]
    assert account.configuration is not None
    assert account.configuration.customer is None
    assert account.configuration.recipient is None
    merchant = account.configuration.merchant
    assert merchant is not None and merchant.applied is True
    assert merchant.capabilities.card_payments.status == "restricted"
    assert merchant.capabilities.stripe_balance.payouts.status == "restricted"
    individual = account.identity.individual
    assert individual.given_name == "Jenny"
    assert individual.id.startswith("person_test_")
    assert [n.to_dict() for n in individual.id_numbers] == [{"type": "us_ssn_last_4"}]
    responsibilities = account.defaults.responsibilities
    assert (responsibilities.fees_collector, responsibilities.losses_collector) == (
        "application",
        "application",
    )
    assert responsibilities.requirements_collector == "application"
    assert account.requirements is None


def test_retrieve_with_include_query_array(client: stripe.StripeClient) -> None:
    created = client.v2.core.accounts.create(us_individual_merchant())
    account = client.v2.core.accounts.retrieve(
        created.id, {"include": ["identity", "requirements"]}
    )
    assert account.identity.country == "us"
    assert account.configuration is None
    descriptions = {entry.description for entry in account.requirements.entries}
    assert "identity.attestations.terms_of_service.account.date" in descriptions
    assert "identity.individual.given_name" not in descriptions
    assert account.requirements.summary.minimum_deadline.status == "past_due"


def test_update_merges_and_null_metadata_unsets(client: stripe.StripeClient) -> None:
    account = client.v2.core.accounts.create({"metadata": {"a": "1", "b": "2"}})
    updated = client.v2.core.accounts.update(
        account.id, {"metadata": {"a": None, "c": "3"}, "display_name": "Renamed"}
    )
    assert updated.metadata.to_dict() == {"b": "2", "c": "3"}
    assert updated.display_name == "Renamed"
    assert client.v2.core.accounts.retrieve(account.id).display_name == "Renamed"


def test_country_is_immutable_once_set(client: stripe.StripeClient) -> None:
    account = client.v2.core.accounts.create(us_individual_merchant())
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.update(account.id, {"identity": {"country": "gb"}})
    assert caught.value.code == "immutable_identity_param"
    assert caught.value.param == "identity[country]"


def test_list_pages_with_auto_paging_iter_and_survives_inserts(server: RunningServer) -> None:
    client = sdk(
        server, server.new_key("test")
    )  # same platform, but only this test's accounts matter
    marker = uuid.uuid4().hex
    created = [
        client.v2.core.accounts.create(
            {"display_name": f"{marker}-{i}", "configuration": {"customer": {}}}
        )
        for i in range(5)
    ]
    seen: list[str] = []
    for account in client.v2.core.accounts.list(
        {"limit": 2, "applied_configurations": ["customer"]}
    ).auto_paging_iter():
        if len(seen) == 1:  # a row inserted mid-iteration must not shift the pages
            client.v2.core.accounts.create(
                {"display_name": "late", "configuration": {"customer": {}}}
            )
        if (account.display_name or "").startswith(marker):
            seen.append(account.id)
    assert seen == [a.id for a in reversed(created)]


def test_list_page_shape_and_limits(client: stripe.StripeClient) -> None:
    for _ in range(3):
        client.v2.core.accounts.create({"display_name": "page"})
    first = client.v2.core.accounts.list({"limit": 2})
    assert len(first.data) == 2
    assert first.next_page_url.startswith("/v2/core/accounts?page=")
    assert first.previous_page_url is None
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.list({"limit": 1000})
    assert caught.value.param == "limit"


def test_close_hides_from_default_list(client: stripe.StripeClient) -> None:
    account = client.v2.core.accounts.create(
        {"contact_email": "c@d.co", "configuration": {"customer": {}}}
    )
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.close(account.id, {"applied_configurations": ["merchant"]})
    assert caught.value.code == "applied_configurations_mismatch"
    closed = client.v2.core.accounts.close(account.id, {"applied_configurations": ["customer"]})
    assert closed.closed is True
    open_ids = {a.id for a in client.v2.core.accounts.list({"limit": 100}).data}
    closed_ids = {a.id for a in client.v2.core.accounts.list({"closed": True, "limit": 100}).data}
    assert account.id not in open_ids and account.id in closed_ids
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.update(account.id, {"display_name": "x"})
    assert caught.value.code == "account_closed"


@pytest.mark.parametrize(
    ("params", "code", "param"),
    [
        ({"nickname": "x"}, "parameter_unknown", "nickname"),
        (
            {"identity": {"country": "us", "individual": {"nick": "x"}}},
            "parameter_unknown",
            "identity[individual][nick]",
        ),
        ({"dashboard": "partial"}, None, "dashboard"),
        ({"contact_email": "not-an-email"}, "email_invalid", "contact_email"),
        ({"contact_phone": "12"}, "phone_invalid", "contact_phone"),
        (
            {"defaults": {"profile": {"business_url": "ftp://x"}}},
            "url_invalid",
            "defaults[profile][business_url]",
        ),
        (
            {
                "identity": {"entity_type": "individual"},
                "configuration": {"recipient": {}},
                "contact_email": "a@b.co",
            },
            "identity_country_required",
            "identity[country]",
        ),
        (
            us_individual_merchant(
                identity={
                    "country": "us",
                    "individual": {"date_of_birth": {"day": 31, "month": 2, "year": 1990}},
                }
            ),
            "date_of_birth_invalid",
            "identity[individual][date_of_birth]",
        ),
        (
            us_individual_merchant(
                identity={
                    "country": "us",
                    "individual": {"id_numbers": [{"type": "us_ssn", "value": "12"}]},
                }
            ),
            "id_number_invalid",
            "identity[individual][id_numbers][0][value]",
        ),
        (
            {"dashboard": "express"},
            "account_controller_express_dash_without_application_losses_or_fees",
            "defaults[responsibilities]",
        ),
        (
            {
                "contact_email": "a@b.co",
                "configuration": {"merchant": {}},
                "defaults": {
                    "responsibilities": {
                        "fees_collector": "stripe",
                        "losses_collector": "application",
                    }
                },
            },
            "account_controller_stripe_pricing_platform_liable",
            "defaults[responsibilities][fees_collector]",
        ),
        (
            {
                "configuration": {"customer": {}},
                "identity": {"country": "us", "entity_type": "individual"},
            },
            "unsupported_identity_field_for_configs",
            "identity[entity_type]",
        ),
        ({"configuration": {"merchant": {}}}, "parameter_missing", "contact_email"),
        ({"metadata": {f"k{i}": "v" for i in range(51)}}, None, "metadata"),
    ],
)
def test_bad_input_maps_to_invalid_request_error(
    client: stripe.StripeClient, params: dict[str, object], code: str | None, param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.create(params)  # type: ignore[arg-type]
    assert caught.value.http_status == 400
    assert caught.value.param == param
    if code is not None:
        assert caught.value.code == code
    assert caught.value.user_message is None or isinstance(caught.value.user_message, str)
    assert str(caught.value).startswith("Request req_")


def test_unknown_account_is_404(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.retrieve("acct_doesnotexist00")
    assert caught.value.http_status == 404
    assert caught.value.code == "not_found"


def test_bad_key_is_authentication_error(server: RunningServer) -> None:
    with pytest.raises(stripe.AuthenticationError):
        sdk(server, "sk_test_" + "x" * 48).v2.core.accounts.list()


def test_test_and_live_never_see_each_other(server: RunningServer) -> None:
    test_client = sdk(server)
    live_client = sdk(server, server.new_key("live"))
    test_account = test_client.v2.core.accounts.create({"display_name": "test-only"})
    live_account = live_client.v2.core.accounts.create({"display_name": "live-only"})
    assert live_account.livemode is True
    for client, foreign in ((live_client, test_account.id), (test_client, live_account.id)):
        with pytest.raises(stripe.InvalidRequestError) as caught:
            client.v2.core.accounts.retrieve(foreign)
        assert caught.value.http_status == 404
    assert test_account.id not in {
        a.id for a in live_client.v2.core.accounts.list({"limit": 100}).data
    }


def test_idempotent_replay_and_conflict(client: stripe.StripeClient) -> None:
    key = f"idem-{uuid.uuid4()}"
    first = client.v2.core.accounts.create({"display_name": "once"}, {"idempotency_key": key})
    again = client.v2.core.accounts.create({"display_name": "once"}, {"idempotency_key": key})
    assert again.id == first.id
    assert again.last_response.headers.get("idempotent-replayed") == "true"
    with pytest.raises(stripe.IdempotencyError) as caught:
        client.v2.core.accounts.create({"display_name": "twice"}, {"idempotency_key": key})
    assert caught.value.code == "idempotency_error"


def test_concurrent_requests_with_one_key_create_one_account(server: RunningServer) -> None:
    key = f"race-{uuid.uuid4()}"

    def attempt(_: int) -> str:
        try:
            return (
                sdk(server)
                .v2.core.accounts.create({"display_name": "race"}, {"idempotency_key": key})
                .id
            )
        except stripe.IdempotencyError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(8)))
    ids = {r for r in results if r != "conflict"}
    assert len(ids) == 1, results


def complete_us_individual() -> dict[str, object]:
    """Every onboarding field of a US individual merchant (the journeys' account)."""
    from tests.api.test_journeys_sdk import merchant

    return {key: value for key, value in merchant().items() if key != "include"}


def test_a_complete_account_awaits_verification_before_card_payments(
    client: stripe.StripeClient,
) -> None:
    """Everything is provided; test mode's documented magic values verify asynchronously, so
    card payments wait on Stripe (the journeys in test_journeys_sdk.py see them go active)."""
    account = client.v2.core.accounts.create(
        {**complete_us_individual(), "include": ["configuration.merchant", "requirements"]}
    )
    capabilities = account.configuration.merchant.capabilities
    assert capabilities.card_payments.status == "pending"
    assert [(d.code, d.resolution) for d in capabilities.card_payments.status_details] == [
        ("requirements_pending_verification", "no_resolution")
    ]
    assert capabilities.stripe_balance.payouts.status == "restricted"  # no bank account yet
    by_actor = {e.description: e.awaiting_action_from for e in account.requirements.entries}
    assert by_actor["external_account"] == "user"
    assert by_actor["identity.individual.date_of_birth.day"] == "stripe"
    assert by_actor["identity.individual.address.line1"] == "stripe"
    past_due = [
        e.description
        for e in account.requirements.entries
        if e.minimum_deadline.status == "past_due"
    ]
    assert past_due == ["external_account"]


def test_terms_cannot_be_accepted_on_behalf_when_stripe_collects(
    client: stripe.StripeClient,
) -> None:
    params = complete_us_individual()
    params["defaults"] = {
        "profile": {"business_url": "https://accessible.stripe.com"}
    }  # collector: stripe
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.create(params)  # type: ignore[arg-type]
    assert caught.value.code == "tos_acceptance_on_behalf_not_allowed"
    assert caught.value.param == "identity[attestations][terms_of_service]"


def test_deactivating_a_configuration(client: stripe.StripeClient) -> None:
    account = client.v2.core.accounts.create(complete_us_individual())
    updated = client.v2.core.accounts.update(
        account.id,
        {"configuration": {"merchant": {"applied": False}}, "include": ["configuration.merchant"]},
    )
    assert updated.applied_configurations == []
    assert updated.configuration.merchant.applied is False
    with pytest.raises(stripe.InvalidRequestError) as caught:
        client.v2.core.accounts.update(account.id, {"configuration": {"merchant": {"mcc": "5812"}}})
    assert caught.value.code == "configuration_cannot_be_updated_while_deactivated"
    again = client.v2.core.accounts.update(
        account.id, {"configuration": {"merchant": {"applied": True}}}
    )
    assert again.applied_configurations == ["merchant"]
