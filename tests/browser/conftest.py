"""The browser tier: whole journeys through the hosted onboarding form, in Chromium.

One Gangway (SQLite) and one Chromium per session, a new browser context per test. Every step of
a journey is screenshotted to ``tests/browser/artifacts/<test>/NN-<step>.png``, and every journey
ends with the same hygiene checks (``Journey.check``): no request leaves Gangway's origin except
the redirect back to the platform, no console errors or CSP violations, and no page transfers
60 KB or more.

It needs Debian's Chromium at ``/usr/bin/chromium`` (a browser is never downloaded) and the
``playwright`` package. Without them the tier is skipped, unless ``GANGWAY_REQUIRE_BROWSER=1``
(CI), where a skipped browser tier fails instead, like ``GANGWAY_REQUIRE_POSTGRES``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import stripe

from tests.conftest import RunningServer, free_port, start_server, stop_server

try:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        FilePayload,
        Page,
        Request,
        ViewportSize,
        sync_playwright,
    )
except ImportError:  # the tier skips (or fails, in CI) with the reason below
    sync_playwright = None

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
REQUIRE_BROWSER = os.environ.get("GANGWAY_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(__file__).with_name("artifacts")
PAGE_BUDGET = 60 * 1024
"""Bytes a page may transfer: its document plus every subresource, headers included."""
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
VIEWPORTS = {"1280x800": DESKTOP, "390x844": PHONE}
"""Every journey runs at both: a laptop's window and a phone's screen (CSS pixels)."""

# Stripe's test-mode values that verify (src/gangway/verification/README.md)
US_INDIVIDUAL = {
    "given_name": "Jenny",
    "surname": "Rosen",
    "email": "jenny.rosen@example.com",
    "phone": "0000000000",
    "date_of_birth[day]": "1",
    "date_of_birth[month]": "1",
    "date_of_birth[year]": "1901",
    "address[line1]": "address_full_match",
    "address[city]": "San Francisco",
    "address[state]": "CA",
    "address[postal_code]": "94103",
}
US_BANK = {
    "external_account[account_holder_name]": "Jenny Rosen",
    "external_account[routing_number]": "110000000",
    "external_account[account_number]": "000123456789",
}
WEBSITE = "https://accessible.stripe.com"


def prefixed(prefix: str, values: Mapping[str, str]) -> dict[str, str]:
    """``{"address[city]": ...}`` under ``identity[individual]``: ``identity[individual][address][city]``."""
    out = {}
    for name, value in values.items():
        head, _, rest = name.partition("[")
        out[f"{prefix}[{head}]" + (f"[{rest}" if rest else "")] = value
    return out


# the tier's switch --------------------------------------------------------------------------


def _unavailable() -> str | None:
    if sync_playwright is None:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    return None


@pytest.fixture(scope="package", autouse=True)
def _browser_tier() -> None:
    reason = _unavailable()
    if reason is None:
        return
    if REQUIRE_BROWSER:
        pytest.fail(f"GANGWAY_REQUIRE_BROWSER=1 but the browser tier cannot run: {reason}")
    pytest.skip(f"browser tier: {reason}")


@pytest.fixture(scope="package")
def browser(_browser_tier: None) -> Iterator[Browser]:
    """Package-scoped: Playwright's sync API keeps an asyncio loop running in the main thread
    while it is open, which would break every later test that calls ``asyncio.run``."""
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# servers ------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def gangway(
    _browser_tier: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    running = start_server(tmp_path_factory.mktemp("gangway-browser"))
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="package")
def console_operators(gangway: RunningServer) -> None:
    """The console's operators of every role (``tests.console.conftest.OPERATORS``)."""
    from tests.console.conftest import OPERATORS, PASSWORD

    for operator in OPERATORS.values():
        gangway.new_operator(operator.email, operator.role, PASSWORD, live=operator.live)


@pytest.fixture(scope="package")
def client(gangway: RunningServer) -> stripe.StripeClient:
    return stripe.StripeClient(gangway.test_key, base_addresses={"api": gangway.url})


class Receiver:
    """A stand-in platform: answers every GET with a small page and remembers the paths."""

    def __init__(self) -> None:
        hits = self.hits = list[str]()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/favicon.ico":
                    self.send_response(204)
                    self.end_headers()
                    return
                hits.append(self.path)
                body = f"<!doctype html><title>Platform</title><h1>{self.path}</h1>".encode()
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def return_url(self, tag: str) -> str:
        return f"{self.url}/return/{tag}"

    def refresh_url(self, tag: str) -> str:
        return f"{self.url}/refresh/{tag}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(scope="package")
def receiver(_browser_tier: None) -> Iterator[Receiver]:
    running = Receiver()
    try:
        yield running
    finally:
        running.close()


@dataclass(frozen=True)
class Platform:
    url: str
    state_dir: Path


@pytest.fixture(scope="package")
def platform(
    gangway: RunningServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform | None]:
    """The example platform (``examples/platform``) against the session's Gangway; None when the
    example is not in the tree (the journey then mints its link with the SDK)."""
    if not (ROOT / "examples" / "platform" / "__main__.py").exists():
        yield None
        return
    state_dir = tmp_path_factory.mktemp("platform")
    port = free_port()
    args = [sys.executable, "-m", "examples.platform", "--gangway-url", gangway.url]
    args += ["--api-key", gangway.test_key, "--port", str(port), "--state-dir", str(state_dir)]
    args += ["--log-level", "warning"]
    log = state_dir / "platform.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the example platform exited: {log.read_text()}")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the example platform did not start: {log.read_text()}")
            time.sleep(0.05)
        yield Platform(url, state_dir)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# a journey in the browser -------------------------------------------------------------------


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Seen:
    """One request the page made, with the document that was showing when it started."""

    request: Request
    url: str
    navigation: bool
    document: str
    redirected_from: str | None
    bucket: int


_FILL = """values => {
  const problems = [];
  for (const [name, value] of Object.entries(values)) {
    const input = document.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!input) { problems.push(`no input named ${name}`); continue; }
    if (!input.checkVisibility()) problems.push(`${name} is not visible`);
    if (input.disabled || input.readOnly) problems.push(`${name} cannot be edited`);
    if (input.tagName === "SELECT" && ![...input.options].some(o => o.value === value)) {
      problems.push(`${name} offers no ${JSON.stringify(value)}`);
    }
    input.focus();
    input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new Event("change", {bubbles: true}));
  }
  return problems;
}"""
_VALUES = """names => Object.fromEntries(names.map(name => {
  const found = document.querySelector(`[name="${CSS.escape(name)}"]`);
  return [name, found ? found.value : null];
}))"""
_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
_IN_VIEW = """selector => {
  const found = document.querySelector(selector);
  if (!found) return false;
  const top = found.getBoundingClientRect().top;
  return top >= 0 && top < window.innerHeight;
}"""


@dataclass
class Journey:
    """A page in its own browser context, recording what it requests and logs."""

    page: Page
    gangway: str
    folder: Path
    requests: list[Seen] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)
    started: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    shots: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    """Shared by the journeys of one test, so their screenshots number in order."""

    def __post_init__(self) -> None:
        self.page.on("request", self._request)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.console.append(("pageerror", str(error), "")))

    def _request(self, request: Request) -> None:
        main = request.frame == self.page.main_frame
        navigation = request.is_navigation_request() and main
        if navigation:
            self.buckets.append(request.url)
        previous = request.redirected_from
        self.requests.append(
            Seen(
                request=request,
                url=request.url,
                navigation=navigation,
                document=request.frame.url,
                redirected_from=previous.url if previous else None,
                bucket=len(self.buckets) - 1,
            )
        )

    def _console(self, message: ConsoleMessage) -> None:
        where = str((message.location or {}).get("url") or "") or self.page.url
        self.console.append((message.type, message.text, where))

    # acting --------------------------------------------------------------------------------

    def goto(self, url: str) -> None:
        self.started.add(url)
        self.page.goto(url)

    def shot(self, step: str) -> None:
        """Screenshot the page as ``NN-<step>.png``."""
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.folder / f"{next(self.shots):02d}-{slug}.png"
        self.page.screenshot(path=path, full_page=True)

    def fill(self, values: Mapping[str, str | bool]) -> None:
        """Fill inputs by name: text and selects (by value) in one round trip, each input first
        checked as Playwright's own ``fill`` checks it (there, visible, enabled, editable; a
        select must offer the value), then given the value with the ``input`` and ``change``
        events typing fires; checkboxes (True/False) are clicked. A page a dozen inputs long
        costs one call to the browser, not two dozen, which keeps the tier's journeys quick on
        a loaded machine."""
        texts = {name: value for name, value in values.items() if not isinstance(value, bool)}
        problems = self.page.evaluate(_FILL, texts) if texts else []
        assert not problems, f"on {self.page.url}: {'; '.join(problems)}"
        for name, value in values.items():
            if isinstance(value, bool):
                self.page.locator(f'[name="{name}"]').set_checked(value)

    def values(self, names: Iterable[str]) -> dict[str, str]:
        """What the inputs ``names`` hold now, read in one go."""
        return dict(self.page.evaluate(_VALUES, list(names)))

    def press(self, action: str, *, invalid: bool = False) -> None:
        """Press ``Continue`` / ``Save for later`` / ``Submit`` and wait for the next page;
        ``invalid``: the step must refuse it (a 400 that shows the form again, with errors)."""
        with self.page.expect_navigation() as navigation:
            self.page.locator(f'button[name="action"][value="{action}"]').click()
        response = navigation.value
        if invalid:
            assert response is not None and response.status == 400, response
            assert self.page.locator(".error-summary").count() == 1
            self.refused.add(response.url)

    def upload(self, name: str, filename: str, content: bytes, mime_type: str) -> None:
        """Choose a file for the file input ``name``, as a person picking one would."""
        payload: FilePayload = {"name": filename, "mimeType": mime_type, "buffer": content}
        self.page.locator(f'input[type="file"][name="{name}"]').set_input_files(payload)

    def in_view(self, selector: str) -> bool:
        """The top of the first element ``selector`` matches is on the screen, without scrolling."""
        return bool(self.page.evaluate(_IN_VIEW, selector))

    def overflow(self) -> int:
        """How many CSS pixels the page is wider than the screen (0: nothing to scroll
        sideways to)."""
        return int(self.page.evaluate(_OVERFLOW))

    def invalid(self) -> list[str]:
        """The names of the inputs marked ``aria-invalid``, in page order."""
        marked = self.page.locator('[aria-invalid="true"]')
        return [str(marked.nth(i).get_attribute("name")) for i in range(marked.count())]

    def follow(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).click()

    def step(self) -> str:
        """The step in Gangway's URL: ``personal`` for ``/onboarding/step/personal``, ``person``
        for one person's page."""
        path = urlsplit(self.page.url).path
        if path.startswith("/onboarding/person/"):
            return "person"
        return path.rsplit("/", 1)[-1] if path.startswith("/onboarding/step/") else path

    def expect(self, step: str) -> None:
        """Assert the browser is on ``step``, showing the page's error summary if it is not."""
        if self.step() != step:
            summary = self.page.locator(".error-summary")
            problem = summary.inner_text() if summary.count() else self.page.title()
            raise AssertionError(f"expected step {step!r}, on {self.page.url}: {problem}")

    def html(self) -> str:
        return self.page.content()

    # checking ------------------------------------------------------------------------------

    def check(self, exits: Iterable[str] = (), visited: Iterable[str] = ()) -> None:
        """The hygiene every journey owes, ``exits`` being where Gangway may send the browser
        (the link's return_url and refresh_url) and ``visited`` other origins the test opened
        itself (a platform's pages)."""
        allowed_exits = set(exits)
        foreign = {origin(url) for url in allowed_exits} | set(visited)
        problems = []
        for seen in self.requests:
            target = origin(seen.url)
            if target == self.gangway:
                continue
            if target not in foreign:
                problems.append(f"request to a foreign origin: {seen.url}")
            elif seen.navigation:
                from_gangway = seen.redirected_from and origin(seen.redirected_from) == self.gangway
                if from_gangway and seen.url not in allowed_exits:
                    problems.append(f"Gangway redirected to {seen.url}, not a link's URL")
                opened_by_test = seen.url in self.started and not seen.redirected_from
                if not (from_gangway or opened_by_test or origin(seen.document) in foreign):
                    problems.append(f"a Gangway page navigated to {seen.url}")
            elif origin(seen.document) == self.gangway:
                problems.append(f"a Gangway page loaded {seen.url}")
        for kind, text, where in self.console:
            ours = origin(where) == self.gangway or not where
            csp = "Content Security Policy" in text or "Content-Security-Policy" in text
            if where in self.refused and re.search(r"status of 4(00|01|03|29)", text):
                continue  # Chromium logs the 4xx of a page a test expects to be refused
            if ours and (kind in ("error", "pageerror") or csp):
                problems.append(f"console {kind} on {where}: {text}")
        sizes: dict[int, int] = {}
        for seen in self.requests:
            if seen.bucket < 0 or seen.request.failure is not None:
                continue
            with contextlib.suppress(Exception):  # a request the browser abandoned
                measured = seen.request.sizes()
                sizes[seen.bucket] = (
                    sizes.get(seen.bucket, 0)
                    + measured["responseBodySize"]
                    + measured["responseHeadersSize"]
                )
        for bucket, size in sizes.items():
            if size >= PAGE_BUDGET:
                problems.append(f"{self.buckets[bucket]} transferred {size} bytes")
        assert not problems, "\n".join(problems)


@pytest.fixture()
def open_journey(
    browser: Browser, gangway: RunningServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Journey]]:
    """``open_journey(locale="fr-FR", viewport=PHONE)``: a fresh context (cookies, cache) and
    page."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    if folder.exists():
        for old in folder.glob("*.png"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    contexts: list[BrowserContext] = []
    shots = itertools.count(1)

    def open_one(locale: str = "en-US", viewport: ViewportSize = DESKTOP) -> Journey:
        context = browser.new_context(locale=locale, viewport=viewport)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Journey(context.new_page(), origin(gangway.url), folder, shots=shots)

    yield open_one
    for context in contexts:
        context.close()


# the API side ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    url: str
    return_url: str
    refresh_url: str
    lifetime: int
    """Seconds from creation to expiry."""

    @property
    def exits(self) -> set[str]:
        return {self.return_url, self.refresh_url}


def create_link(
    client: stripe.StripeClient,
    account: str,
    receiver: Receiver,
    *,
    use_case: str = "account_onboarding",
    fields: str = "currently_due",
) -> Link:
    """A new Account Link whose return and refresh URLs lead to the stand-in platform."""
    return_url, refresh_url = receiver.return_url(account), receiver.refresh_url(account)
    branch: dict[str, Any] = {"refresh_url": refresh_url, "return_url": return_url}
    if use_case == "account_onboarding":
        branch["collection_options"] = {"fields": fields, "future_requirements": "omit"}
    link = client.v2.core.account_links.create(
        {"account": account, "use_case": {"type": use_case, use_case: branch}}  # type: ignore[misc]
    )
    expires, created = (datetime.fromisoformat(t) for t in (link.expires_at, link.created))
    lifetime = round((expires - created).total_seconds())
    return Link(link.url, return_url, refresh_url, lifetime)


US_RECIPIENT = {
    "recipient": {"capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}}
}
US_MERCHANT = {"merchant": {"capabilities": {"card_payments": {"requested": True}}}}
PLATFORM_COLLECTS = {
    "dashboard": "none",
    "defaults": {
        "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
    },
}


def create_account(
    client: stripe.StripeClient,
    country: str = "us",
    entity_type: str = "individual",
    configuration: Mapping[str, Any] = US_RECIPIENT,
    **params: Any,
) -> str:
    """A new connected account's id; ``params`` add to (or replace) the create params."""
    body: dict[str, Any] = {
        "contact_email": "jenny.rosen@example.com",
        "identity": {"country": country, "entity_type": entity_type},
        "configuration": dict(configuration),
        **params,
    }
    return str(client.v2.core.accounts.create(body).id)  # type: ignore[arg-type]


def outstanding(
    client: stripe.StripeClient,
    account: str,
    statuses: Iterable[str] = ("currently_due", "past_due"),
) -> list[str]:
    """The requirement entries still due in ``statuses``, whoever they await."""
    wanted = set(statuses)
    retrieved = client.v2.core.accounts.retrieve(account, {"include": ["requirements"]})
    return [
        f"{entry.description} ({entry.minimum_deadline.status}, {entry.awaiting_action_from}"
        + (f", {[e.code for e in entry.errors]}" if entry.errors else "")
        + ")"
        for entry in (retrieved.requirements.entries or [])  # type: ignore[union-attr]
        if entry.minimum_deadline.status in wanted
    ]


def wait_until_satisfied(client: stripe.StripeClient, account: str, timeout: float = 10) -> None:
    """Poll until nothing is currently or past due (verifications settle ~5 s after submission
    in test mode)."""
    deadline = time.monotonic() + timeout
    while remaining := outstanding(client, account):
        if time.monotonic() > deadline:
            raise AssertionError(f"{account} still owes after {timeout} s: {remaining}")
        time.sleep(0.25)


def advance_clock(server: RunningServer, seconds: int) -> None:
    """Move the sandbox's test clock (links expire and verifications settle on it)."""
    response = httpx.post(
        f"{server.url}/_gangway/test_clock/advance",
        json={"seconds": seconds},
        headers={"Authorization": f"Bearer {server.test_key}"},
    )
    response.raise_for_status()
