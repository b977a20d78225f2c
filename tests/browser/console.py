"""The operator console in Chromium: operators of every role, signing in, screenshots.

``console_operators`` (package-scoped, in ``conftest``) creates the operators of
``tests.console.conftest.OPERATORS`` on the browser tier's Gangway. ``signed_in(open_journey,
gangway, who)`` returns a ``Journey`` whose page has signed in as that operator through the
sign-in form, like a person would. ``shoot(journey, name)`` screenshots the page at both
viewports (1280x800, 390x844) into the test's artifact folder and checks the page does not
scroll sideways on a phone.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.browser.conftest import DESKTOP, PHONE, Journey, ViewportSize
from tests.conftest import RunningServer
from tests.console.conftest import OPERATORS, PASSWORD

__all__ = ["shoot", "signed_in"]


def signed_in(
    open_journey: Callable[..., Journey],
    gangway: RunningServer,
    who: str,
    *,
    locale: str = "en-US",
    viewport: ViewportSize = DESKTOP,
) -> Journey:
    journey = open_journey(locale=locale, viewport=viewport)
    journey.goto(f"{gangway.url}/console/login")
    journey.page.fill("input[name=email]", OPERATORS[who].email)
    journey.page.fill("input[name=password]", PASSWORD)
    journey.page.click("form[action=\"/console/login\"] button[type=submit]")
    journey.page.wait_for_load_state()
    assert "/console/login" not in journey.page.url, journey.page.content()[:2000]
    return journey


def shoot(journey: Journey, name: str) -> None:
    """``name`` at 1280x800 and at 390x844 (the same page, resized), full page."""
    page = journey.page
    for label, size in (("1280x800", DESKTOP), ("390x844", PHONE)):
        page.set_viewport_size(size)
        journey.shot(f"{name}-{label}")
        if size == PHONE:
            assert journey.overflow() <= 1, f"{name} scrolls sideways at 390x844"
    page.set_viewport_size(DESKTOP)
