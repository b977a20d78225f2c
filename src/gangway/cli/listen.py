"""``gangway listen``: follow a Gangway's events and forward each, signed, to a local endpoint, as
``stripe listen`` does.

It polls the Events API rather than holding a connection: each poll asks for events created since
the server's clock at the previous poll, less an overlap (a request reads the clock before it
commits), and remembers the ids it has seen, so no event is missed or repeated across pages and
polls. The server's clock is the platform's test clock in test mode (it moves with
``clock advance`` and ``sandbox reset``), real time in live mode.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import signal
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from gangway.core.clock import from_rfc3339, to_rfc3339
from gangway.settings import Settings
from gangway.webhooks.signing import signature_header

__all__ = [
    "EventFeed",
    "ListenError",
    "add_command",
    "signing_secret",
    "thin_notification",
]

POLL_INTERVAL_SECONDS = 0.25
OVERLAP_MS = 5_000
"""How far each poll looks back before the previous poll's clock reading."""
PAGE_LIMIT = 100
API_TIMEOUT = httpx.Timeout(10.0)
FORWARD_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
THIN_FIELDS = ("id", "object", "type", "created", "livemode", "context", "reason")


class ListenError(Exception):
    """Gangway refused a request, or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``gangway listen``."""
    listen = commands.add_parser(
        "listen", help="forward this Gangway's events, signed, to a local webhook endpoint"
    )
    listen.add_argument(
        "--forward-to", metavar="URL", help="where to POST each event's signed thin notification"
    )
    key = listen.add_mutually_exclusive_group()
    key.add_argument("--api-key", metavar="KEY", help="a secret key (sk_test_...)")
    key.add_argument("--api-key-file", metavar="FILE", type=Path, help="a file holding the key")
    key.add_argument(
        "--data-dir", metavar="DIR", help="use DIR/test_secret_key (default: .gangway)"
    )
    listen.add_argument(
        "--url",
        help="Gangway's API base address (default: http://$GANGWAY_HOST:$GANGWAY_PORT, "
        "http://127.0.0.1:12111)",
    )
    listen.add_argument("--events", metavar="TYPES", help="only these types, comma-separated")
    listen.add_argument(
        "--v1",
        action="store_true",
        help="also forward v1 snapshot events (account.updated, capability.updated, person.*...) "
        "whole, as a v1 webhook endpoint receives them",
    )
    listen.add_argument(
        "--print-secret", action="store_true", help="print the webhook signing secret and exit"
    )
    listen.set_defaults(run=_listen)


def signing_secret(api_key: str) -> str:
    """The ``whsec_`` secret for this key: derived from it (one way), so it stays the same across
    runs and ``--print-secret`` can configure the endpoint beforehand."""
    digest = hmac.new(api_key.encode(), b"gangway listen signing secret", hashlib.sha256)
    return "whsec_" + digest.hexdigest()


def thin_notification(event: dict[str, Any]) -> dict[str, Any]:
    """What an event destination with ``event_payload: thin`` receives: no ``data``, and
    ``related_object`` only when the event has one."""
    body = {name: event.get(name) for name in THIN_FIELDS}
    if event.get("related_object"):
        body["related_object"] = event["related_object"]
    return body


def created_ms(event: dict[str, Any]) -> int:
    """A v2 event's RFC 3339 ``created`` or a v1 event's seconds, in milliseconds."""
    created = event["created"]
    return created * 1000 if isinstance(created, int) else from_rfc3339(created)


class EventFeed:
    """Events created after :meth:`start`, each returned once by :meth:`poll`, oldest first:
    the v2 thin events, or with ``v1`` the v1 snapshot events (``/v1/events``)."""

    def __init__(
        self,
        api: httpx.Client,
        now_ms: Callable[[], int],
        types: Sequence[str] = (),
        page_limit: int = PAGE_LIMIT,
        *,
        v1: bool = False,
    ) -> None:
        self.v1 = v1
        self._api = api
        self._now_ms = now_ms
        self._types = list(types)
        self._page_limit = page_limit
        self._since_ms = 0
        self._seen: dict[str, int] = {}
        """Event id -> created (ms), for every id a later poll's window can still return."""

    def start(self) -> None:
        """Take the server's "now"; events already in the overlap window count as seen."""
        self._since_ms = self._now_ms()
        for event in self._fetch(self._since_ms - OVERLAP_MS):
            self._seen[event["id"]] = created_ms(event)

    def poll(self) -> list[dict[str, Any]]:
        """The events not returned before; raises :class:`ListenError` (and can be retried)."""
        now = self._now_ms()
        events = self._fetch(self._since_ms - OVERLAP_MS)
        self._since_ms = now
        fresh = []
        for event in events:
            if event["id"] not in self._seen:
                fresh.append(event)
                self._seen[event["id"]] = created_ms(event)
        floor = now - OVERLAP_MS  # the next poll's window starts here: older ids can't recur
        if self.v1:  # v1 asks by whole seconds: the window starts at the floor's second
            floor -= floor % 1000
        self._seen = {key: created for key, created in self._seen.items() if created >= floor}
        return sorted(fresh, key=lambda event: (created_ms(event), event["id"]))

    def _fetch(self, gte_ms: int) -> list[dict[str, Any]]:
        if self.v1:
            return self._fetch_v1(gte_ms)
        params: dict[str, Any] = {"limit": self._page_limit, "created[gte]": to_rfc3339(gte_ms)}
        if self._types:
            params["types[]"] = self._types
        body = _get(self._api, "/v2/core/events", params)
        events: list[dict[str, Any]] = list(body["data"])
        while body.get("next_page_url"):  # the page token carries the filters
            body = _get(self._api, body["next_page_url"], None)
            events.extend(body["data"])
        return events

    def _fetch_v1(self, gte_ms: int) -> list[dict[str, Any]]:
        """v1 pages by ``starting_after``; ``created`` is in (whole) seconds."""
        params: dict[str, Any] = {"limit": self._page_limit, "created[gte]": gte_ms // 1000}
        if self._types:
            params["types[]"] = self._types
        events: list[dict[str, Any]] = []
        while True:
            body = _get(self._api, "/v1/events", params)
            events.extend(body["data"])
            if not body.get("has_more") or not body["data"]:
                return events
            params = {**params, "starting_after": body["data"][-1]["id"]}


def _get(api: httpx.Client, path: str, params: dict[str, Any] | None) -> dict[str, Any]:
    try:
        response = api.get(path, params=params)
    except httpx.HTTPError as exc:
        raise ListenError(f"cannot reach Gangway at {api.base_url}: {exc}") from exc
    if response.status_code != 200:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        raise ListenError(
            f"Gangway answered {response.status_code}: {message}", response.status_code
        )
    body: dict[str, Any] = response.json()
    return body


def _server_clock(api: httpx.Client, livemode: bool) -> Callable[[], int]:
    """Now on the server, in ms: the test clock in test mode, real time in live mode."""
    if livemode:
        return lambda: time.time_ns() // 1_000_000
    return lambda: from_rfc3339(_get(api, "/_gangway/test_clock", None)["now"])


def _api_key(settings: Settings, args: argparse.Namespace) -> str:
    if args.api_key:
        return str(args.api_key).strip()
    # --data-dir reaches settings as GANGWAY_DATA_DIR
    path: Path = args.api_key_file or settings.data_dir / "test_secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ListenError(f"cannot read the API key: {exc}") from exc


def _stamp() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _say(line: str) -> None:
    print(line, flush=True)


def _forward(local: httpx.Client, url: str, event: dict[str, Any], secret: str) -> None:
    """POST the thin notification (a v1 event: the whole Event), signed now, and print what the
    endpoint answered."""
    body = event if event.get("object") == "event" else thin_notification(event)
    payload = json.dumps(body, separators=(",", ":"))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": signature_header(payload.encode(), secret, int(time.time())),
        "User-Agent": "Gangway-CLI (gangway listen)",
    }
    try:
        response = local.post(url, content=payload.encode(), headers=headers)
    except httpx.HTTPError as exc:
        _say(f"{_stamp()}  <-- [ERROR] POST {url} [{event['id']}]: {exc or type(exc).__name__}")
        return
    _say(f"{_stamp()}  <-- [{response.status_code}] POST {url} [{event['id']}]")


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _listen(settings: Settings, args: argparse.Namespace) -> int:
    try:
        api_key = _api_key(settings, args)
    except ListenError as exc:
        print(f"gangway listen: {exc}", file=sys.stderr)
        return 2
    secret = signing_secret(api_key)
    if args.print_secret:
        print(secret)
        return 0
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    base_url = (args.url or f"http://{host}:{settings.port}").rstrip("/")
    types = [name.strip() for name in (args.events or "").split(",") if name.strip()]
    signal.signal(signal.SIGTERM, _interrupt)
    headers = {"Authorization": f"Bearer {api_key}"}
    with (
        httpx.Client(base_url=base_url, headers=headers, timeout=API_TIMEOUT) as api,
        httpx.Client(timeout=FORWARD_TIMEOUT) as local,
    ):
        clock = _server_clock(api, api_key.startswith("sk_live_"))
        feeds = _feeds(api, clock, types, v1=args.v1)
        try:
            for feed in feeds:
                feed.start()
        except ListenError as exc:
            print(f"gangway listen: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
        _say(f"Ready! Your webhook signing secret is {secret} (^C to quit)")
        return _follow(feeds, local, args.forward_to, secret)


def _feeds(
    api: httpx.Client, clock: Callable[[], int], types: list[str], *, v1: bool
) -> list[EventFeed]:
    """The v2 feed, and the v1 one with ``--v1``; ``--events`` names split between them by
    their prefix (a list of v1 names alone follows no v2 event)."""
    if not v1:
        return [EventFeed(api, clock, types)]
    v2_types = [name for name in types if name.startswith("v2.")]
    v1_types = [name for name in types if not name.startswith("v2.")]
    feeds = [EventFeed(api, clock, v1_types, v1=True)] if v1_types or not types else []
    if v2_types or not types:
        feeds.insert(0, EventFeed(api, clock, v2_types))
    return feeds


def _follow(
    feeds: Sequence[EventFeed], local: httpx.Client, forward_to: str | None, secret: str
) -> int:
    failing: str | None = None
    try:
        while True:
            try:
                events = [event for feed in feeds for event in feed.poll()]
            except ListenError as exc:
                if exc.status in (401, 403):
                    print(f"gangway listen: {exc}", file=sys.stderr)
                    return 1
                if str(exc) != failing:  # once per outage, not every poll
                    _say(f"{_stamp()}  [ERROR] {exc}; retrying")
                failing = str(exc)
                events = []
            else:
                if failing is not None:
                    _say(f"{_stamp()}  Gangway is reachable again")
                failing = None
            for event in events:
                _say(f"{_stamp()}  --> {event['type']} [{event['id']}]")
                if forward_to:
                    _forward(local, forward_to, event, secret)
            time.sleep(POLL_INTERVAL_SECONDS)
    except KeyboardInterrupt:
        return 0
