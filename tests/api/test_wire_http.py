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


def test_an_account_token_may_be_empty(server: RunningServer) -> None:
    response = call(server, "POST", "/v2/core/account_tokens", json={})
    assert response.status_code == 200
    assert response.json()["object"] == "v2.core.account_token"


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


def stripe_error(response: httpx.Response) -> dict[str, object]:
    """A 400 in Stripe's envelope, which the SDK turns into InvalidRequestError."""
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    assert re.match(r"^req_[A-Za-z0-9]{14}$", response.headers["request-id"])
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert len(response.content) < 2000  # no traceback, no echo of the whole key
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize("brackets", [32, 900, 9_000])
@pytest.mark.parametrize("encoded", [False, True], ids=["raw", "percent-encoded"])
def test_deeply_nested_query_keys_are_a_400(
    server: RunningServer, brackets: int, encoded: bool
) -> None:
    """900 brackets deep used to be a RecursionError: a 500 and a 188 KB traceback logged per
    request. 9,000 deep percent-encoded is a 63 KB URL, close to the most httpx sends."""
    segment = "%5Bb%5D" if encoded else "[b]"
    query = "a" + segment * brackets + "=1"
    for method, path in (
        ("GET", "/v2/core/accounts"),
        ("GET", "/v2/core/events"),
        ("DELETE", "/v2/core/event_destinations/ed_test_missing"),
        ("GET", "/_gangway/verifications"),
    ):
        error = stripe_error(
            call(server, method, f"{path}?{query}", headers={"Idempotency-Key": "deep-query"})
        )
        assert error["code"] == "parameter_invalid_query"
        assert error["param"] == "a" + "[b]" * 32


def test_a_query_key_at_the_depth_limit_reaches_the_params_check(server: RunningServer) -> None:
    error = stripe_error(call(server, "GET", "/v2/core/accounts?a" + "[b]" * 31 + "=1"))
    assert (error["code"], error["param"]) == ("parameter_unknown", "a")
    error = stripe_error(call(server, "GET", "/v2/core/accounts?limit=" + "9" * 5000))
    assert (error["code"], error["param"]) == ("parameter_invalid_integer", "limit")


def _nest(levels: int, inner: bytes = b"1") -> bytes:
    return b'{"a":' * levels + inner + b"}" * levels


DEEP_BODIES = [
    # 300 levels: orjson reads it (up to 1,024) but would not write it back (254), which the
    # idempotency fingerprint does: params.check must refuse it first.
    ("object-300", "/v2/core/accounts", _nest(300), "parameter_unknown", "a"),
    ("list-300", "/v2/core/accounts", b"[" * 300 + b"]" * 300, "parameter_invalid_type", None),
    (
        "metadata-300",
        "/v2/core/accounts",
        b'{"metadata": {"k": ' + b"[" * 300 + b"]" * 300 + b"}}",
        "parameter_invalid_type",
        "metadata[k]",
    ),
    (
        "address-300",
        "/v2/core/accounts",
        b'{"identity": {"country": "us", "individual": {"address": ' + _nest(300) + b"}}}",
        "parameter_unknown",
        "identity[individual][address][a]",
    ),
    (
        "link-300",
        "/v2/core/account_links",
        b'{"account": "acct_x", "use_case": {"type": "account_onboarding", "account_onboarding":'
        b' {"configurations": [' + b"[" * 300 + b"]" * 300 + b"]}}}",
        "parameter_invalid_enum",
        "use_case[account_onboarding][configurations][0]",
    ),
    (
        "pydantic-route-300",
        "/_gangway/accounts/acct_x/triggers",
        b'{"type": ' + _nest(300) + b"}",
        "parameter_invalid",
        "type",
    ),
    # Past orjson's own limit: not JSON Gangway will read.
    ("object-1025", "/v2/core/accounts", _nest(1025), "invalid_json", None),
    ("list-100000", "/v2/core/accounts", b"[" * 100_000 + b"]" * 100_000, "invalid_json", None),
    ("object-100000", "/v2/core/accounts", _nest(100_000), "invalid_json", None),
]


@pytest.mark.parametrize(
    ("path", "body", "code", "param"), [c[1:] for c in DEEP_BODIES], ids=[c[0] for c in DEEP_BODIES]
)
def test_deeply_nested_json_bodies_are_a_400(
    server: RunningServer, path: str, body: bytes, code: str, param: str | None
) -> None:
    response = call(
        server,
        "POST",
        path,
        content=body,
        headers={"Content-Type": "application/json", "Idempotency-Key": f"deep-{len(body)}"},
    )
    error = stripe_error(response)
    assert (error["code"], error.get("param")) == (code, param)
    if code == "invalid_json":
        assert "depth limit exceeded" in str(error["message"])
