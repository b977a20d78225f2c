"""Generated bad input to every v1 endpoint: malformed form encoding, unknown params, wrong
types, bad ``expand``. Each answer is a 4xx in v1's error envelope, never a 5xx, and a refused
param is named in ``a[b]`` form. A few hundred requests per backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import RunningServer

NAMED_CODES = {
    "parameter_unknown",
    "parameter_invalid_type",
    "parameter_invalid_integer",
    "parameter_invalid_boolean",
    "parameter_invalid_enum",
    "parameter_invalid_expand",
    "parameter_missing",
}
"""Codes that are about one param: the error must say which."""


@dataclass(frozen=True)
class Target:
    method: str
    path: str
    """``{acct}``, ``{person}``, ``{bank}``, ``{event}``, ``{endpoint}`` are filled in."""


TARGETS = [
    Target("POST", "/v1/accounts"),
    Target("GET", "/v1/accounts"),
    Target("GET", "/v1/accounts/{acct}"),
    Target("POST", "/v1/accounts/{acct}"),
    Target("POST", "/v1/accounts/{acct}/reject"),
    Target("POST", "/v1/account_links"),
    Target("POST", "/v1/accounts/{acct}/persons"),
    Target("GET", "/v1/accounts/{acct}/persons"),
    Target("POST", "/v1/accounts/{acct}/persons/{person}"),
    Target("GET", "/v1/accounts/{acct}/capabilities"),
    Target("POST", "/v1/accounts/{acct}/capabilities/card_payments"),
    Target("POST", "/v1/accounts/{acct}/external_accounts"),
    Target("GET", "/v1/accounts/{acct}/external_accounts"),
    Target("POST", "/v1/tokens"),
    Target("GET", "/v1/events"),
    Target("POST", "/v1/webhook_endpoints"),
    Target("GET", "/v1/webhook_endpoints"),
    Target("POST", "/v1/webhook_endpoints/{endpoint}"),
]

KEYS = st.sampled_from(
    [
        "type",
        "country",
        "email",
        "account",
        "reason",
        "requested",
        "url",
        "enabled_events[]",
        "enabled_events[0]",
        "connect",
        "external_account",
        "external_account[object]",
        "external_account[routing_number]",
        "bank_account[account_number]",
        "default_for_currency",
        "relationship[owner]",
        "relationship[percent_ownership]",
        "first_name",
        "dob[day]",
        "individual[dob][year]",
        "individual[address][country]",
        "company[tax_id]",
        "business_profile[mcc]",
        "capabilities[card_payments][requested]",
        "collection_options[fields]",
        "refresh_url",
        "created[gte]",
        "created",
        "types[]",
        "metadata[k]",
        "metadata",
        "expand[]",
        "expand[0]",
        "limit",
        "starting_after",
        "ending_before",
        "a[b",
        "x]",
        "[]",
        "metadata[k][0]",
        "%zz",
    ]
)
VALUES = st.one_of(
    st.sampled_from(
        ["", "true", "custom", "US", "-1", "99999999999999999999", "a@b", "%", "[]", "data.x", "*"]
    ),
    st.text(max_size=12),
)
FORMS = st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=5)


@pytest.fixture(scope="module")
def ids(server: RunningServer) -> Iterator[dict[str, str]]:
    headers = {"Authorization": f"Bearer {server.test_key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
        account = http.post(
            "/v1/accounts",
            data={
                "type": "custom",
                "country": "US",
                "email": "jenny@example.com",
                "capabilities[transfers][requested]": "true",
            },
        ).json()["id"]
        person = http.post(f"/v1/accounts/{account}/persons", data={"first_name": "Jenny"})
        endpoint = http.post(
            "/v1/webhook_endpoints",
            data={"url": "https://platform.example/hooks", "enabled_events[]": "account.updated"},
        )
    yield {
        "acct": account,
        "person": person.json().get("id", "person_missing"),
        "endpoint": endpoint.json().get("id", "we_missing"),
    }


def test_every_target_is_served(server: RunningServer, ids: dict[str, str]) -> None:
    """The fuzz below means something only if each target reaches a v1 handler."""
    headers = {"Authorization": f"Bearer {server.test_key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
        for target in TARGETS:
            response = http.request(target.method, target.path.format(**ids))
            code = response.json().get("error", {}).get("code")
            assert code != "unrecognized_request_url", target


def test_generated_bad_v1_requests_never_get_a_5xx(
    server: RunningServer, ids: dict[str, str]
) -> None:
    seen: list[int] = []
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.test_key}"}, timeout=10
    ) as http:

        @settings(
            max_examples=300,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        )
        @given(form=FORMS, target=st.sampled_from(TARGETS))
        def check(form: list[tuple[str, str]], target: Target) -> None:
            path = target.path.format(**ids)
            if target.method == "GET":
                query = "&".join(f"{quote(k, safe='[]%')}={quote(v, safe='%')}" for k, v in form)
                response = http.get(f"{path}?{query}")
            else:
                response = http.post(
                    path,
                    content="&".join(f"{k}={v}" for k, v in form).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
            seen.append(response.status_code)
            assert response.status_code < 500, (target, form, response.text)
            if response.status_code >= 400:
                error = response.json()["error"]
                assert error["type"] and error["message"], error
                if error.get("code") in NAMED_CODES:
                    assert error.get("param"), (target, form, error)

        check()
    assert len(seen) == 300
    assert any(status >= 400 for status in seen)
