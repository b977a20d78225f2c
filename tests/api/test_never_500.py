"""Bad input never gets a 500: generated bodies, built by breaking valid ones at real param paths,
always get a 200 or a 4xx in Stripe's error envelope, and a failed request leaves nothing behind."""

from __future__ import annotations

import copy
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_accounts_sdk import us_individual_merchant
from tests.conftest import RunningServer

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


BASE = us_individual_merchant()
BASE["identity"]["individual"]["address"] = {
    "country": "us",
    "line1": "1 Main St",
    "postal_code": "94111",
    "state": "CA",
}  # type: ignore[index]
PATHS = paths(BASE)


@st.composite
def broken_bodies(draw: st.DrawFn) -> Any:
    body = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        node: Any = body
        for part in path[:-1]:  # an earlier mutation may have replaced a parent
            if not isinstance(node, dict | list) or not _has(node, part):
                break
            node = node[part]
        else:
            if isinstance(node, dict | list) and _has(node, path[-1]):
                node[path[-1]] = draw(JSON)
    return body


def _has(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(key, int) and 0 <= key < len(node)


def test_generated_bad_bodies_never_get_a_500(server: RunningServer) -> None:
    if server.database_url:  # one backend is enough for input handling
        return
    headers = {"Authorization": f"Bearer {server.test_key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
        before = len(client.get("/v2/core/accounts", params={"limit": 100}).json()["data"])
        created = 0

        @settings(
            max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(broken_bodies())
        def check(body: Any) -> None:
            nonlocal created
            response = client.post("/v2/core/accounts", json=body)
            assert response.status_code < 500, (body, response.text)
            if response.status_code == 200:
                created += 1
            else:
                error = response.json()["error"]
                assert error["type"] and error["message"], response.text

        check()
        after = len(client.get("/v2/core/accounts", params={"limit": 100}).json()["data"])
        assert after - before == min(created, 100 - before)
