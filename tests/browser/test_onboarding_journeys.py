"""Complete onboarding journeys in a real browser: a US individual through the example platform,
and one runner for the country tables of ``journeys.py`` (US, FR, DE, GB and JP individuals and
companies), each at a laptop's and a phone's viewport, from the link to ``return_url`` with every
requirement cleared and the capabilities active."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest
import stripe

from tests.browser.conftest import (
    US_BANK,
    US_INDIVIDUAL,
    VIEWPORTS,
    WEBSITE,
    Journey,
    Platform,
    Receiver,
    advance_clock,
    create_account,
    create_link,
    origin,
    prefixed,
    wait_until_satisfied,
)
from tests.browser.journeys import JOURNEYS, Onboarding, Step
from tests.conftest import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize


def test_us_individual_through_the_example_platform(
    open_journey: Callable[..., Journey],
    platform: Platform | None,
    client: stripe.StripeClient,
    gangway: RunningServer,
) -> None:
    """Start on the example platform's home page, onboard, land on its return page."""
    assert platform is not None, "examples/platform is part of the tree"
    j = open_journey()
    visited = {origin(platform.url)}
    account = _start_on_platform(j, platform, gangway)
    assert account is not None, j.page.content()
    exits = {f"{platform.url}/return/{account}", f"{platform.url}/refresh/{account}"}

    j.expect("personal")
    j.shot("personal")
    j.fill(prefixed("identity[individual]", US_INDIVIDUAL))
    j.fill(
        {
            "identity[individual][id_numbers][0][type]": "us_ssn_last_4",
            "identity[individual][id_numbers][0][value]": "0000",
        }
    )
    j.shot("personal filled")
    j.press("continue")

    j.expect("profile")
    j.shot("profile")
    j.fill({"defaults[profile][business_url]": WEBSITE})
    j.press("continue")

    j.expect("bank")
    j.shot("bank")
    j.fill(US_BANK)
    j.shot("bank filled")
    j.press("continue")

    j.expect("review")
    assert j.page.locator(".notice").count() == 0, "the review still lists steps to do"
    html = j.html()
    assert "000123456789" not in html
    j.page.check("#tos")
    j.shot("review")
    j.press("submit")

    assert j.page.url in exits, j.page.url
    assert "/return/" in j.page.url
    j.shot("back on the platform")
    j.check(exits, visited)

    advance_clock(gangway, 6)  # settle the test-mode verifications without waiting 5 s
    wait_until_satisfied(client, account)
    if platform is not None and j.page.url.startswith(platform.url):
        j.page.reload()
        assert j.page.locator("ul.requirements.currently_due").count() == 0
        assert j.page.locator("ul.requirements.past_due").count() == 0
        j.shot("platform return page once verified")


def _start_on_platform(j: Journey, platform: Platform, gangway: RunningServer) -> str | None:
    """The platform's home page form: create a US individual recipient, collect incrementally.
    The new account's id, or None when the platform refused the form."""
    j.goto(platform.url + "/")
    j.shot("platform home")
    j.page.select_option('select[name="country"]', "us")
    j.page.check('input[name="entity_type"][value="individual"]')
    j.page.check('input[name="configuration"][value="recipient"]')
    j.page.check('input[name="collection"][value="incremental"]')
    j.shot("platform start form")
    j.follow('form.start button[type="submit"]')
    if origin(j.page.url) != origin(gangway.url):
        j.shot("platform refused its form")
        return None
    records = json.loads((platform.state_dir / "accounts.json").read_text())["accounts"]
    return str(max(records.values(), key=lambda r: r["created"])["id"])


def test_example_platform_form_starts_onboarding_in_a_browser(
    open_journey: Callable[..., Journey], platform: Platform | None, gangway: RunningServer
) -> None:
    if platform is None:
        pytest.skip("no example platform in the tree")
    j = open_journey()
    account = _start_on_platform(j, platform, gangway)
    assert account is not None, j.page.content()
    j.press("save")
    assert j.page.url == f"{platform.url}/return/{account}"
    j.shot("platform return page")


# the country journeys ---------------------------------------------------------------------------

FIRST_FIELD = "main form :is(input, select, textarea):not([type=hidden])"
SECRET = ("[value]", "[iban]", "[account_number]")
"""Inputs Gangway never shows again (ID and account numbers): refilled after a refusal, and
never in the review's page."""


@pytest.mark.parametrize("viewport", list(VIEWPORTS.values()), ids=list(VIEWPORTS))
@pytest.mark.parametrize("case", JOURNEYS, ids=[case.name for case in JOURNEYS])
def test_onboarding_completes(
    case: Onboarding,
    viewport: ViewportSize,
    open_journey: Callable[..., Journey],
    receiver: Receiver,
    client: stripe.StripeClient,
    gangway: RunningServer,
) -> None:
    """Every page: nothing to scroll sideways to, the first field on the first screen; a
    required input left empty once per journey is refused, marked alone, with the error summary
    focused and on the screen and what was typed kept. Then the review names everyone and shows
    no ID or account number, Submit lands on ``return_url``, and through the SDK: nothing
    currently or past due, every requested capability active, the values and every uploaded
    document on file (each its own file)."""
    account = create_account(client, case.country, case.entity_type, case.configuration)
    link = create_link(client, account, receiver)
    j = open_journey(locale=case.locale, viewport=viewport)
    j.goto(link.url)
    people: list[str] = []
    uploads: list[str] = []
    for step in case.steps:
        _complete(j, step, people, uploads)

    j.expect("review")
    assert not j.overflow(), f"the review is {j.overflow()} px wider than the screen"
    notice = j.page.locator(".notice")
    assert notice.count() == 0, notice.inner_text()
    review = j.page.locator("main").inner_text()
    for name in people:
        assert name in review, f"the review does not name {name}"
    html = j.html()
    for step in _all_steps(case.steps):
        for key, value in step.values.items():
            if key.endswith(SECRET) and isinstance(value, str) and len(value) > 4:
                shown = re.search(rf"(?<![\w]){re.escape(value)}(?![\w])", html)
                assert shown is None, f"the review shows {key}"
    j.page.check("#tos")
    j.shot("review")
    j.press("submit")
    assert j.page.url == link.return_url, j.page.url
    j.shot("returned")
    j.check(link.exits)

    advance_clock(gangway, 6)  # settle the test-mode verifications without waiting 5 s
    wait_until_satisfied(client, account)
    _assert_active(client, account, case)
    _assert_stored(client, account, case, uploads)


def _complete(j: Journey, step: Step, people: list[str], uploads: list[str]) -> None:
    """Arrive on ``step``, do what it says, press Continue."""
    j.expect(step.page)
    assert not j.overflow(), f"{step.page} is {j.overflow()} px wider than the screen"
    assert j.in_view(FIRST_FIELD), f"{step.page}: the first field is below the first screen"
    for added in step.add:
        j.follow(f'a[href="/onboarding/person/new?role={added.role}"]')
        _complete(j, added, people, uploads)
        j.expect(step.page)
        listed = j.page.locator("ul.people").inner_text()
        for name in people:
            assert name in listed, f"the people page does not list {name}: {listed}"
    if step.leave_empty is not None:
        j.fill({k: v for k, v in step.values.items() if k != step.leave_empty})
        j.press("continue", invalid=True)
        j.shot(f"{step.page} refused")
        assert j.invalid() == [step.leave_empty]
        focused = j.page.evaluate("document.activeElement && document.activeElement.id")
        assert focused == "error-summary", f"focus is on {focused!r}, not the error summary"
        assert j.in_view(".error-summary"), "the error summary is not on the screen"
        typed = {
            key: value
            for key, value in step.values.items()
            if isinstance(value, str) and key != step.leave_empty and not key.endswith(SECRET)
        }
        assert j.values(typed) == typed, "what was typed is kept"
    if step.documents:
        files = j.page.locator('input[type="file"]')
        names = [str(files.nth(i).get_attribute("name")) for i in range(files.count())]
        assert len(names) == step.documents, names
        for number, name in enumerate(names):
            document = name.rsplit(".", 1)[-1].rstrip("]")
            j.upload(name, f"{document}.png", _png(number), "image/png")
        uploads += names
    j.fill(step.values)
    if step.page in ("personal", "representative", "person"):
        people.append(_name(step.values))
    j.shot(f"new {step.role}" if step.role else step.page)
    j.press("continue")


def _all_steps(steps: tuple[Step, ...]) -> Iterator[Step]:
    for step in steps:
        yield step
        yield from _all_steps(step.add)


def _name(values: Mapping[str, str | bool]) -> str:
    """How the form writes the person back: given name and surname, or in kanji, surname first."""
    bare = {k.removeprefix("identity[individual]"): v for k, v in values.items()}
    latin = [bare.get(k) or bare.get(f"[{k}]") for k in ("given_name", "surname")]
    if all(isinstance(part, str) for part in latin):
        return " ".join(str(part) for part in latin)
    kanji = [
        bare.get(f"script_names[kanji][{k}]") or bare.get(f"[script_names][kanji][{k}]")
        for k in ("surname", "given_name")
    ]
    return " ".join(str(part) for part in kanji)


def _png(seed: int) -> bytes:
    """A 1x1 PNG whose colour depends on ``seed``: every upload a different file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(bytes([0, seed % 256, 128, 64]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")
    )


def _requested(configuration: Mapping[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """``("merchant", ["card_payments"])`` for every capability the configuration requests."""

    def walk(node: Mapping[str, Any], path: list[str]) -> Iterator[list[str]]:
        if node.get("requested") is True:
            yield path
            return
        for key, child in node.items():
            if isinstance(child, Mapping):
                yield from walk(child, [*path, key])

    for name, config in configuration.items():
        if isinstance(config, Mapping) and isinstance(config.get("capabilities"), Mapping):
            for path in walk(config["capabilities"], []):
                yield name, path


def _assert_active(client: stripe.StripeClient, account: str, case: Onboarding) -> None:
    requested = list(_requested(case.configuration))
    assert requested, case.configuration
    stored = client.v2.core.accounts.retrieve(
        account, {"include": ["configuration.merchant", "configuration.recipient"]}
    ).to_dict()
    for name, path in requested:
        node: Any = stored["configuration"][name]["capabilities"]
        for part in path:
            node = node[part]
        assert node["status"] == "active", f"{name}.{'.'.join(path)}: {node}"


def _assert_stored(
    client: stripe.StripeClient, account: str, case: Onboarding, uploads: list[str]
) -> None:
    """The values the table names, the persons, and every upload on file as its own file."""
    stored = client.v2.core.accounts.retrieve(account, {"include": ["identity"]}).to_dict()
    for path, expected in case.stored.items():
        node: Any = stored
        for part in path.split("."):
            node = (node or {}).get(part)
        assert node == expected, f"{path}: {node!r}, expected {expected!r}"
    persons = client.v2.core.accounts.persons.list(account).data
    assert len(persons) == case.persons, [p.id for p in persons]
    files = []
    for name in uploads:
        subject, key = name.removeprefix("upload[").removesuffix("]").split("][")
        assert subject.startswith("person_"), name  # no table uploads the account's own yet
        document = client.v2.core.accounts.persons.retrieve(account, subject).to_dict()
        node = document
        for part in key.split("."):
            node = (node or {}).get(part)
        assert isinstance(node, Mapping), f"{subject} has no {key}: {document.get('documents')}"
        front = (node.get("front_back") or {}).get("front")
        assert isinstance(front, str) and front.startswith("file_"), f"{subject} {key}: {node}"
        files.append(front)
    assert len(set(files)) == len(files), f"the same file stands for two documents: {files}"
