"""Stripe's published v2 OpenAPI spec (``stripe_v2_core_spec.json``, trimmed to the operations
Gangway serves by ``tools/gen_fuzz_spec.py``) drives schemathesis against a real server.

Every generated request, valid by the spec or not, must get no 5xx, a JSON content type, and
a body the spec's own schemas accept: the object for a 2xx, Stripe's error envelope otherwise.
Bounded and reproducible: ``MAX_EXAMPLES`` per operation and generation mode, derandomized, no
example database, so the same requests go out on every run (path ids are either real objects
made by ``seeded`` or generated ones).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.conftest import RunningServer
from tests.fuzz.conftest import REQUESTS_SENT

SPEC = json.loads((Path(__file__).parent / "stripe_v2_core_spec.json").read_text("utf-8"))
MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
SCHEMA = schemathesis.openapi.from_dict(SPEC)
LABELS = [f"{method.upper()} {path}" for path, ops in SPEC["paths"].items() for method in ops]


@pytest.fixture(scope="module")
def seeded(fuzz_server: RunningServer) -> dict[str, str]:
    """Real objects for the path parameters, so generated requests reach past the lookup."""

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx.post(fuzz_server.url + path, json=body, headers=auth(fuzz_server))
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    account = post("/v2/core/accounts", {"identity": {"country": "us", "entity_type": "company"}})
    person = post(f"/v2/core/accounts/{account['id']}/persons", {"given_name": "Ada"})
    person_token = post(f"/v2/core/accounts/{account['id']}/person_tokens", {"surname": "B"})
    account_token = post("/v2/core/account_tokens", {"display_name": "Fuzz"})
    destination = post(
        "/v2/core/event_destinations",
        {
            "name": "fuzz",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": ["v2.core.account.created"],
            "webhook_endpoint": {"url": "http://127.0.0.1:9/webhooks"},
        },
    )
    events = httpx.get(fuzz_server.url + "/v2/core/events", headers=auth(fuzz_server)).json()
    return {
        "account": account["id"],
        "person": person["id"],
        "person_token": person_token["id"],
        "account_token": account_token["id"],
        "destination": destination["id"],
        "event": events["data"][0]["id"],
    }


def auth(server: RunningServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.test_key}"}


def real_ids(path: str, seeded: dict[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    if "{account_id}" in path:
        ids["account_id"] = seeded["account"]
    if "{id}" in path:
        ids["id"] = seeded[
            "person"
            if path.endswith("/persons/{id}")
            else "person_token"
            if "/person_tokens/" in path
            else "account_token"
            if "/account_tokens/" in path
            else "event"
            if path.startswith("/v2/core/events/")
            else "destination"
            if "/event_destinations/" in path
            else "account"
        ]
    return ids


@pytest.mark.parametrize("label", LABELS)
def test_every_request_gets_a_conforming_answer(
    label: str, fuzz_server: RunningServer, seeded: dict[str, str]
) -> None:
    operation = SCHEMA.find_operation_by_label(label)
    assert operation is not None
    ids = real_ids(operation.path, seeded)
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    if ids:
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters=ids)
            for mode in GenerationMode
        ]
    headers = auth(fuzz_server)

    @settings(
        max_examples=MAX_EXAMPLES * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=fuzz_server.url, headers=headers, timeout=30)
        REQUESTS_SENT[label] = REQUESTS_SENT.get(label, 0) + 1
        case.validate_response(response, checks=CHECKS)

    run()
