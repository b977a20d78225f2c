"""Bursts of concurrent hosted visits against a real ``gangway serve``, shared by the SQLite tier
(tests/hosted/test_concurrency.py) and the PostgreSQL tier
(tests/postgres/test_hosted_concurrency_postgres.py).

Every visit is timed on its own and none may take longer than ``SLOWEST_S``: a request that
waited for a database connection (the pool's 30 s timeout, then a 500) fails here at once, and
so does a server that is still stuck after the burst.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx
import stripe

from tests.conftest import RunningServer
from tests.hosted.conftest import REFRESH, link_for, us_individual

SLOWEST_S = 2.0
COOKIE = "gangway_session"  # the server is plain http, so no __Host- prefix


@dataclass(frozen=True)
class Visit:
    status: int
    location: str | None
    cookie: str | None
    seconds: float


def sdk(server: RunningServer) -> stripe.StripeClient:
    return stripe.StripeClient(server.test_key, base_addresses={"api": server.url})


def new_link(server: RunningServer) -> str:
    client = sdk(server)
    return link_for(client, us_individual(client).id)


async def _visit(
    http: httpx.AsyncClient, url: str, cookie: str | None, gate: asyncio.Event
) -> Visit:
    headers = {"cookie": f"{COOKIE}={cookie}"} if cookie else {}
    await gate.wait()
    started = time.monotonic()
    # a request lost to a 30 s pool timeout must show as slow, not as a client-side timeout
    response = await http.get(url, headers=headers, follow_redirects=False)
    return Visit(
        status=response.status_code,
        location=response.headers.get("location"),
        cookie=response.cookies.get(COOKIE),
        seconds=time.monotonic() - started,
    )


async def _burst(targets: list[tuple[str, str | None]]) -> list[Visit]:
    """All visits at once, each on its own connection, released together."""
    limits = httpx.Limits(max_connections=len(targets), max_keepalive_connections=len(targets))
    async with httpx.AsyncClient(limits=limits, timeout=60) as http:
        gate = asyncio.Event()
        tasks = [asyncio.create_task(_visit(http, url, cookie, gate)) for url, cookie in targets]
        await asyncio.sleep(0.05)
        gate.set()
        return await asyncio.gather(*tasks)


def burst(targets: list[tuple[str, str | None]]) -> list[Visit]:
    return asyncio.run(_burst(targets))


def redeem(server: RunningServer, url: str) -> str:
    """The session cookie of a link's first visit."""
    with httpx.Client(timeout=30) as http:
        first = http.get(url)
    assert first.status_code == 303, first.text
    assert first.headers["location"] == "/onboarding"
    secret = first.cookies.get(COOKIE)
    assert secret
    return secret


def assert_quick(visits: list[Visit]) -> None:
    slow = sorted(v.seconds for v in visits if v.seconds > SLOWEST_S)
    assert not slow, f"{len(slow)} of {len(visits)} visits took over {SLOWEST_S} s: {slow[-3:]}"
    assert all(v.status < 500 for v in visits), [v.status for v in visits]


def race_for_one_link(server: RunningServer, *, rounds: int, visitors: int) -> None:
    """Each round: ``visitors`` first visits at one fresh link. Exactly one wins the link (303 to
    /onboarding with a session cookie); every other visit goes to refresh_url."""
    for round_ in range(rounds):
        url = new_link(server)
        visits = burst([(url, None)] * visitors)
        assert_quick(visits)
        winners = [v for v in visits if v.location == "/onboarding"]
        assert len(winners) == 1, f"round {round_}: {len(winners)} winners"
        assert winners[0].status == 303 and winners[0].cookie
        losers = [v for v in visits if v is not winners[0]]
        assert all(v.status == 303 and v.location == REFRESH for v in losers), [
            (v.status, v.location) for v in losers
        ]
        assert not any(v.cookie for v in losers)


def pages_at_many_sessions(server: RunningServer, *, rounds: int, sessions: int) -> None:
    """``sessions`` redeemed links, then each round one step page per session, all at once."""
    cookies = [redeem(server, new_link(server)) for _ in range(sessions)]
    page = f"{server.url}/onboarding/step/personal"
    for _ in range(rounds):
        visits = burst([(page, cookie) for cookie in cookies])
        assert_quick(visits)
        assert [v.status for v in visits] == [200] * sessions


def still_serves(server: RunningServer) -> None:
    """After the burst: a new link is redeemed and its first page answers, quickly."""
    started = time.monotonic()
    secret = redeem(server, new_link(server))
    with httpx.Client(base_url=server.url, timeout=30) as http:
        entry = http.get("/onboarding", headers={"cookie": f"{COOKIE}={secret}"})
        assert entry.status_code == 303, entry.text
        step = http.get(entry.headers["location"], headers={"cookie": f"{COOKIE}={secret}"})
    assert step.status_code == 200, step.text
    assert 'name="csrf_token"' in step.text
    assert time.monotonic() - started < SLOWEST_S * 2
