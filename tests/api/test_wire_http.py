"""Wire details the SDK hides: headers, query array styles, malformed bodies, size limits."""

from __future__ import annotations

import re

import httpx
import pytest
import sqlalchemy as sa

from tests.conftest import RunningServer


def call(server: RunningServer, method: str, path: str, **kwargs: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.test_key}", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.request(method, server.url + path, headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


def test_every_response_has_a_request_id(server: RunningServer) -> None:
    ok = call(server, "GET", "/v2/core/accounts")
    missing = httpx.get(server.url + "/v2/core/accounts")
    unknown = call(server, "GET", "/v2/core/nothing")
    for response in (ok, missing, unknown):
        assert re.match(r"^req_[A-Za-z0-9]{14}$", response.headers["request-id"])
    assert missing.status_code == 401
    assert missing.json()["error"]["type"] == "invalid_request_error"
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "style",
    ["include[0]=identity", "include[]=identity", "include=identity", "include%5B0%5D=identity"],
)
def test_query_array_styles(server: RunningServer, style: str) -> None:
    created = call(server, "POST", "/v2/core/accounts", json={"identity": {"country": "fr"}}).json()
    fetched = call(server, "GET", f"/v2/core/accounts/{created['id']}?{style}").json()
    assert fetched["identity"]["country"] == "fr"


def test_malformed_json_is_a_400(server: RunningServer) -> None:
    response = call(
        server,
        "POST",
        "/v2/core/accounts",
        content=b'{"display_name": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_body_over_one_megabyte_is_refused(server: RunningServer) -> None:
    big = b'{"display_name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = call(
        server,
        "POST",
        "/v2/core/accounts",
        content=big,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_over_long_string_names_the_param(server: RunningServer) -> None:
    response = call(server, "POST", "/v2/core/accounts", json={"display_name": "x" * 6000})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "display_name"


def test_stripe_version_is_accepted_and_echoed(server: RunningServer) -> None:
    response = call(
        server,
        "POST",
        "/v2/core/accounts",
        json={},
        headers={"Stripe-Version": "2025-07-30.preview"},
    )
    assert response.status_code == 200
    assert response.headers["stripe-version"] == "2025-07-30.preview"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", response.json()["created"])


def test_unsupported_tokens_say_so(server: RunningServer) -> None:
    response = call(server, "POST", "/v2/core/account_tokens", json={})
    assert response.status_code == 400
    assert "not supported" in response.json()["error"]["message"]


def test_pii_is_not_stored_in_plaintext(server: RunningServer) -> None:
    call(
        server,
        "POST",
        "/v2/core/accounts",
        json={
            "identity": {
                "country": "us",
                "individual": {
                    "id_numbers": [{"type": "us_ssn", "value": "536904399"}],
                    "date_of_birth": {"day": 17, "month": 3, "year": 1987},
                },
            }
        },
    ).raise_for_status()
    if server.database_url:  # every column of every row, as PostgreSQL would dump it
        engine = sa.create_engine(server.database_url)
        with engine.connect() as conn:
            raw = "".join(
                str(tuple(row))
                for table in ("accounts", "persons", "idempotency_keys")
                for row in conn.exec_driver_sql(f"SELECT * FROM {table}")
            ).encode()
        engine.dispose()
        assert raw  # the account is there, so the check below reads real rows
    else:  # the database file and its WAL, byte for byte
        raw = b"".join(p.read_bytes() for p in server.data_dir.glob("gangway.db*"))
    # what a plaintext document would contain (orjson writes compact JSON); bare "1987" would
    # also match millisecond timestamps such as 1795698319874 by chance
    assert b'"536904399"' not in raw
    assert b'"year":1987' not in raw


@pytest.mark.parametrize(
    "filters",
    [
        {"applied_configurations": ["bogus"]},
        {"applied_configurations": "merchant"},
        {"applied_configurations": 7},
        {"closed": "no"},
        {"evil": 1},
    ],
)
def test_hand_edited_page_tokens_are_a_400(
    server: RunningServer, filters: dict[str, object]
) -> None:
    import base64

    import orjson

    raw = orjson.dumps({"c": 2**62, "i": "z", "d": "next", "l": 10, "f": filters})
    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = call(server, "GET", "/v2/core/accounts", params={"page": token})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_page_token"
    assert response.json()["error"]["param"] == "page"
