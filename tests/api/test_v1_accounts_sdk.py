"""v1 Accounts through stripe-python 16.1.0, over real HTTP, on every storage backend: one
account, two views (v1 and v2), requirements from the same engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import stripe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RunningServer


def v1(server: RunningServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.test_key}", **kwargs.pop("headers", {})}
    return httpx.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def custom_us(**extra: Any) -> dict[str, Any]:
    return {
        "type": "custom",
        "country": "US",
        "email": "jenny@example.com",
        "business_profile": {"name": "Jenny Rosen"},
        "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        **extra,
    }


def error_of(excinfo: pytest.ExceptionInfo[stripe.InvalidRequestError]) -> dict[str, Any]:
    body = excinfo.value.json_body or {}
    error: dict[str, Any] = body["error"]
    return error


def test_create_retrieve_in_v1_and_the_same_account_in_v2(client: stripe.StripeClient) -> None:
    created = client.v1.accounts.create(custom_us(metadata={"order": "42"}))
    assert created.object == "account"
    assert created.type == "custom"
    assert created.country == "US"
    assert created.email == "jenny@example.com"
    assert created.business_profile is not None and created.business_profile.name == "Jenny Rosen"
    assert created.capabilities is not None
    assert created.capabilities.card_payments == "inactive"
    assert created.capabilities.transfers == "inactive"
    assert created.charges_enabled is False and created.payouts_enabled is False
    assert created.details_submitted is False
    assert created.controller is not None
    assert created.controller.requirement_collection == "application"
    assert created.controller.stripe_dashboard is not None
    assert created.controller.stripe_dashboard.type == "none"
    assert created.metadata.to_dict() == {"order": "42"}
    assert isinstance(created.created, int)

    again = client.v1.accounts.retrieve(created.id)
    assert again.id == created.id and again.email == "jenny@example.com"

    v2 = client.v2.core.accounts.retrieve(created.id, {"include": ["identity", "defaults"]})
    assert v2.id == created.id
    assert v2.display_name == "Jenny Rosen"
    assert v2.contact_email == "jenny@example.com"
    assert v2.identity is not None and v2.identity.country == "us"
    assert v2.dashboard == "none"


def test_stripe_account_create_with_api_base(server: RunningServer) -> None:
    saved = (stripe.api_key, stripe.api_base)
    stripe.api_key, stripe.api_base = server.test_key, server.url
    try:
        account = stripe.Account.create(
            type="express",
            country="US",
            email="e@example.com",
            capabilities={"transfers": {"requested": True}},
        )
        assert account.type == "express"
        assert stripe.Account.retrieve(account.id).email == "e@example.com"
    finally:
        stripe.api_key, stripe.api_base = saved


def test_requirements_name_v1_fields_consistent_with_v2_entries(
    client: stripe.StripeClient,
) -> None:
    account = client.v1.accounts.create(custom_us())
    assert account.requirements is not None
    due = account.requirements.currently_due
    assert due is not None
    for field in ("business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip"):
        assert field in due
    assert "business_profile.mcc" in due
    v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["requirements"]})
    assert v2.requirements is not None
    descriptions = {entry.description for entry in v2.requirements.entries or []}
    assert "identity.entity_type" in descriptions
    assert "identity.attestations.terms_of_service.account.date" in descriptions
    assert len(set(due)) == len(
        [e for e in v2.requirements.entries or [] if e.awaiting_action_from == "user"]
    )

    updated = client.v1.accounts.update(
        account.id,
        {
            "business_type": "individual",
            "tos_acceptance": {"date": 1_700_000_000, "ip": "203.0.113.7"},
        },
    )
    assert updated.requirements is not None
    still = updated.requirements.currently_due or []
    assert "business_type" not in still
    assert "tos_acceptance.date" not in still and "tos_acceptance.ip" not in still
    assert updated.tos_acceptance is not None
    assert updated.tos_acceptance.date == 1_700_000_000
    assert updated.tos_acceptance.ip == "203.0.113.7"
    assert updated.business_type == "individual"


def test_changes_through_either_view_are_seen_in_the_other(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(custom_us())
    client.v2.core.accounts.update(
        account.id, {"display_name": "Renamed in v2", "contact_email": "v2@example.com"}
    )
    seen = client.v1.accounts.retrieve(account.id)
    assert seen.business_profile is not None and seen.business_profile.name == "Renamed in v2"
    assert seen.email == "v2@example.com"

    client.v1.accounts.update(account.id, {"email": "v1@example.com", "metadata": {"k": "v"}})
    v2 = client.v2.core.accounts.retrieve(account.id)
    assert v2.contact_email == "v1@example.com"
    assert v2.metadata is not None and v2.metadata.to_dict() == {"k": "v"}


def test_a_v2_account_is_readable_in_v1(client: stripe.StripeClient) -> None:
    v2 = client.v2.core.accounts.create(
        {
            "display_name": "Made in v2",
            "contact_email": "m@example.com",
            "identity": {"country": "us"},
        }
    )
    seen = client.v1.accounts.retrieve(v2.id)
    assert seen.email == "m@example.com" and seen.country == "US"


def test_list_pages_with_starting_after_and_ending_before(client: stripe.StripeClient) -> None:
    """The three newest accounts of the platform are these (earlier tests made older ones)."""
    made = [client.v1.accounts.create(custom_us()).id for _ in range(3)]
    first = client.v1.accounts.list({"limit": 2})
    assert first.object == "list" and first.url == "/v1/accounts"
    assert [a.id for a in first.data] == made[::-1][:2]
    assert first.has_more is True
    rest = client.v1.accounts.list({"limit": 1, "starting_after": first.data[-1].id})
    assert [a.id for a in rest.data] == [made[0]]
    back = client.v1.accounts.list({"limit": 1, "ending_before": made[0]})
    assert [a.id for a in back.data] == [made[1]]
    assert back.has_more is True
    every = [a.id for a in client.v1.accounts.list({"limit": 2}).auto_paging_iter()]
    assert every[:3] == made[::-1]
    assert len(every) == len(set(every))
    last = client.v1.accounts.list({"limit": 100, "starting_after": every[-1]})
    assert last.data == [] and last.has_more is False
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.list({"starting_after": "acct_doesnotexist"})
    assert excinfo.value.param == "starting_after"


def test_delete_removes_the_account_from_v1_and_closes_it_in_v2(
    client: stripe.StripeClient,
) -> None:
    account = client.v1.accounts.create(custom_us())
    gone = client.v1.accounts.delete(account.id)
    assert gone.deleted is True and gone.id == account.id
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.retrieve(account.id)
    assert excinfo.value.http_status == 404
    assert error_of(excinfo)["code"] == "resource_missing"
    assert client.v2.core.accounts.retrieve(account.id).closed is True


def test_idempotency_key_replays_the_create(client: stripe.StripeClient) -> None:
    key = str(uuid.uuid4())
    first = client.v1.accounts.create(custom_us(), {"idempotency_key": key})
    second = client.v1.accounts.create(custom_us(), {"idempotency_key": key})
    assert first.id == second.id
    with pytest.raises(stripe.IdempotencyError):
        client.v1.accounts.create(custom_us(email="other@example.com"), {"idempotency_key": key})


def test_form_encoded_raw_http_and_metadata_unset(server: RunningServer) -> None:
    made = v1(
        server,
        "POST",
        "/v1/accounts",
        content="type=custom&country=US&email=j%40example.com&metadata[a]=1&metadata[b]=2"
        "&capabilities[card_payments][requested]=true",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Stripe-Version": "2025-01-27.acacia",
        },
    )
    assert made.status_code == 200, made.text
    assert made.headers["stripe-version"] == "2025-01-27.acacia"
    body = made.json()
    assert body["metadata"] == {"a": "1", "b": "2"}
    assert body["capabilities"] == {"card_payments": "inactive"}
    unset = v1(server, "POST", f"/v1/accounts/{body['id']}", data={"metadata[a]": ""})
    assert unset.status_code == 200, unset.text
    assert unset.json()["metadata"] == {"b": "2"}
    cleared = v1(server, "POST", f"/v1/accounts/{body['id']}", data={"metadata": ""})
    assert cleared.json()["metadata"] == {}


@pytest.mark.parametrize(
    ("form", "param", "code"),
    [
        ("type=custom&colour=blue", "colour", "parameter_unknown"),
        ("type=custom&country=US", "capabilities", "parameter_missing"),
        ("business_profile[favourite]=x", "business_profile[favourite]", "parameter_unknown"),
        (
            "capabilities[card_payments][requested]=maybe",
            "capabilities[card_payments][requested]",
            "parameter_invalid_boolean",
        ),
        (
            "tos_acceptance[date]=yesterday&tos_acceptance[ip]=1.2.3.4",
            "tos_acceptance[date]",
            "parameter_invalid_integer",
        ),
        ("type=robot", "type", "parameter_invalid_enum"),
        ("email[x]=1", "email", "parameter_invalid_type"),
        ("metadata[a][b]=1", "metadata[a]", "parameter_invalid_type"),
        ("a[b=1", None, "parameter_invalid_query"),
        ("a[0]=1&a[2]=2", "a", "parameter_invalid_query"),
        ("expand[]=owner", "expand[0]", "parameter_invalid_expand"),
        ("settings[payouts][debit_negative_balances]=true", "settings", "parameter_not_supported"),
        ("individual[nickname]=J", "individual[nickname]", "parameter_unknown"),
        (
            "individual[full_name_aliases][0]=J",
            "individual[full_name_aliases]",
            "unsupported_feature",
        ),
        ("company[export_purpose_code]=x", "company[export_purpose_code]", "parameter_unknown"),
        ("individual[dob][year]=19x0", "individual[dob][year]", "parameter_invalid_integer"),
        ("type=custom&controller[fees][payer]=application", "controller", "parameter_invalid"),
    ],
)
def test_bad_input_is_a_v1_400_naming_the_param(
    server: RunningServer, form: str, param: str | None, code: str
) -> None:
    response = v1(
        server,
        "POST",
        "/v1/accounts",
        content=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["message"]
    assert error.get("param") == param
    assert error["code"] == code
    if code == "parameter_unknown":
        assert error["doc_url"] == "https://docs.stripe.com/error-codes/parameter-unknown"


def test_service_errors_name_the_v1_param(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.create(custom_us(email="not-an-email"))
    assert excinfo.value.param == "email"


def test_unknown_expand_on_retrieve_and_list(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(custom_us())
    assert client.v1.accounts.retrieve(account.id, {"expand": ["external_accounts"]}).id
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.retrieve(account.id, {"expand": ["nope"]})
    assert excinfo.value.param == "expand[0]"
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.list({"expand": ["external_accounts"]})  # lists need data.
    assert excinfo.value.param == "expand[0]"
    assert client.v1.accounts.list({"expand": ["data.external_accounts"], "limit": 1}).data


KEYS = st.sampled_from(
    [
        "type",
        "country",
        "email",
        "business_type",
        "business_profile[mcc]",
        "business_profile[url]",
        "business_profile[name]",
        "capabilities[card_payments][requested]",
        "capabilities[transfers][requested]",
        "controller[fees][payer]",
        "controller[stripe_dashboard][type]",
        "controller[requirement_collection]",
        "metadata[k]",
        "metadata",
        "tos_acceptance[date]",
        "tos_acceptance[ip]",
        "default_currency",
        "expand[]",
        "expand[0]",
        "individual[dob][day]",
        "business_profile",
        "capabilities[card_payments]",
        "a[b",
        "x]",
        "[]",
        "metadata[k][0]",
        "limit",
        "starting_after",
        "ending_before",
    ]
)
VALUES = st.one_of(
    st.sampled_from(["", "true", "custom", "US", "-1", "99999999999999999999", "a@b", "%", "[]"]),
    st.text(max_size=12),
)
BAD_FORMS = st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=5)


@pytest.fixture(scope="module")
def fuzz_target(server: RunningServer) -> Iterator[tuple[RunningServer, str]]:
    made = v1(server, "POST", "/v1/accounts", data={"type": "standard", "country": "US"})
    yield server, made.json()["id"]


def test_generated_bad_v1_bodies_never_get_a_5xx(fuzz_target: tuple[RunningServer, str]) -> None:
    server, account_id = fuzz_target
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.test_key}"}, timeout=10
    ) as http:

        @settings(
            max_examples=150,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(form=BAD_FORMS, target=st.sampled_from(["create", "update", "list", "retrieve"]))
        def check(form: list[tuple[str, str]], target: str) -> None:
            encoded = "&".join(f"{k}={v}" for k, v in form)
            one = f"/v1/accounts/{account_id}"
            if target in ("list", "retrieve"):
                path = "/v1/accounts" if target == "list" else one
                query = "&".join(f"{quote(k, safe='[]')}={quote(v, safe='%')}" for k, v in form)
                response = http.get(f"{path}?{query}")
            else:
                response = http.post(
                    one if target == "update" else "/v1/accounts",
                    content=encoded.encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                error = response.json()["error"]
                assert error["type"] and error["message"]

        check()


def test_individual_and_person_requirements_use_v1_names(client: stripe.StripeClient) -> None:
    """Requirements of a v2 account's individual and of its persons, read in v1."""
    individual = client.v2.core.accounts.create(
        {
            "contact_email": "i@example.com",
            "dashboard": "none",
            "identity": {
                "country": "us",
                "entity_type": "individual",
                "individual": {"given_name": "Jenny"},
            },
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
            "defaults": {
                "responsibilities": {
                    "fees_collector": "application",
                    "losses_collector": "application",
                }
            },
        }
    )
    due = client.v1.accounts.retrieve(individual.id).requirements
    assert due is not None and due.currently_due is not None
    assert "individual.dob.day" in due.currently_due
    assert "individual.last_name" in due.currently_due
    assert "individual.first_name" not in due.currently_due

    company = client.v2.core.accounts.create(
        {
            "contact_email": "c@example.com",
            "dashboard": "none",
            "identity": {"country": "us", "entity_type": "company"},
            "configuration": {"merchant": {"capabilities": {"card_payments": {"requested": True}}}},
            "defaults": {
                "responsibilities": {
                    "fees_collector": "application",
                    "losses_collector": "application",
                }
            },
        }
    )
    person = client.v2.core.accounts.persons.create(
        company.id, {"given_name": "Pat", "relationship": {"representative": True}}
    )
    v1_due = client.v1.accounts.retrieve(company.id).requirements
    assert v1_due is not None and v1_due.currently_due is not None
    prefixed = [name for name in v1_due.currently_due if name.startswith(person.id + ".")]
    assert f"{person.id}.dob.day" in prefixed
    assert f"{person.id}.ssn_last_4" in prefixed
    assert f"{person.id}.relationship.title" in prefixed
    assert f"{person.id}.first_name" not in prefixed
    assert "company.name" in v1_due.currently_due


def test_the_list_filters_on_created_seconds(client: stripe.StripeClient) -> None:
    made = client.v1.accounts.create(custom_us())
    second = made.created

    def ids(created: Any) -> list[str]:
        listed = client.v1.accounts.list({"created": created, "limit": 100})
        return [a.id for a in listed.data]

    assert made.id in ids(second)
    assert made.id in ids({"gte": second, "lte": second})
    assert made.id not in ids({"lt": second})
    assert made.id not in ids({"gt": second})
    assert made.id not in ids(second - 1)
    for bad, param in (({"since": second}, "created[since]"), ("soon", "created")):
        with pytest.raises(stripe.InvalidRequestError) as excinfo:
            client.v1.accounts.list({"created": bad})  # type: ignore[typeddict-item]
        assert excinfo.value.param == param


def us_individual() -> dict[str, Any]:
    return {
        "first_name": "Jenny",
        "last_name": "Rosen",
        "email": "jenny@example.com",
        "phone": "+12025550123",
        "dob": {"day": 1, "month": 1, "year": 1902},  # test mode: matches at once
        "address": {
            "line1": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "country": "US",
        },
        "ssn_last_4": "0000",
    }


def test_individual_fields_leave_currently_due_and_render_as_a_person(
    client: stripe.StripeClient,
) -> None:
    account = client.v1.accounts.create(custom_us(business_type="individual"))
    due = account.requirements.currently_due if account.requirements else None
    assert due is not None and "individual.dob.day" in due and "individual.ssn_last_4" in due
    assert "tos_acceptance.date" in due
    updated = client.v1.accounts.update(
        account.id,
        {
            "individual": us_individual(),
            "tos_acceptance": {"date": 1700000000, "ip": "203.0.113.7"},
        },
    )
    assert updated.requirements is not None and updated.requirements.currently_due is not None
    left = updated.requirements.currently_due
    for name in (
        "individual.first_name",
        "individual.last_name",
        "individual.dob.day",
        "individual.address.line1",
        "individual.ssn_last_4",
        "individual.phone",
        "individual.email",
        "tos_acceptance.date",
    ):
        assert name not in left, (name, left)
    person = updated.individual
    assert person is not None and person.object == "person"
    assert person.first_name == "Jenny" and person.last_name == "Rosen"
    assert person.dob is not None and person.dob.year == 1902
    assert person.address is not None and person.address.city == "Springfield"
    assert person.ssn_last_4_provided is True and person.id_number_provided is False
    assert person.id and person.id.startswith("person_")
    assert "'0000'" not in str(updated.to_dict())
    v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert v2.identity is not None and v2.identity.individual is not None
    assert v2.identity.individual.given_name == "Jenny"
    assert v2.identity.individual.surname == "Rosen"


def test_individual_validation_errors_name_the_v1_param(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(custom_us(business_type="individual"))
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.update(
            account.id, {"individual": {"dob": {"day": 1, "month": 13, "year": 1980}}}
        )
    assert (excinfo.value.param or "").startswith("individual[dob]")
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.accounts.update(account.id, {"individual": {"phone": "not a phone"}})
    assert excinfo.value.param == "individual[phone]"


def test_company_fields_map_to_business_details(client: stripe.StripeClient) -> None:
    account = client.v1.accounts.create(
        custom_us(
            business_type="company",
            company={
                "name": "Acme Inc",
                "tax_id": "000000000",
                "phone": "+12025550123",
                "structure": "private_corporation",
                "address": {
                    "line1": "1 Main St",
                    "city": "Springfield",
                    "state": "IL",
                    "postal_code": "62701",
                    "country": "US",
                },
            },
        )
    )
    company = account.company
    assert company is not None and company.name == "Acme Inc"
    assert company.tax_id_provided is True
    assert company.structure == "private_corporation"
    assert company.address is not None and company.address.city == "Springfield"
    due = account.requirements.currently_due if account.requirements else []
    assert due is not None and "company.name" not in due and "company.tax_id" not in due
    assert "'000000000'" not in str(account.to_dict())
    v2 = client.v2.core.accounts.retrieve(account.id, {"include": ["identity"]})
    assert v2.identity is not None and v2.identity.business_details is not None
    assert v2.identity.business_details.registered_name == "Acme Inc"
