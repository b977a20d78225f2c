"""The hosted pages' Content-Security-Policy, for every tricky but valid return URL: exactly the
expected directives, ``form-action`` naming the platform's origins as parsed, one
``frame-ancestors 'none'``."""

from __future__ import annotations

import pytest
import stripe

from tests.hosted.conftest import REFRESH, Browser, link_for, us_individual
from tests.url_corpus import TRICKY_VALID


def _directives(policy: str) -> list[tuple[str, list[str]]]:
    """The policy as CSP3 parses it: directives split on ';', tokens on ASCII whitespace."""
    parsed = []
    for directive in policy.split(";"):
        tokens = directive.split()
        if tokens:
            parsed.append((tokens[0].lower(), tokens[1:]))
    return parsed


@pytest.mark.parametrize(("return_url", "origin"), TRICKY_VALID)
def test_the_policy_names_the_parsed_origins_and_nothing_else(
    client: stripe.StripeClient, browser: Browser, return_url: str, origin: str
) -> None:
    page = browser.get(link_for(client, us_individual(client).id, return_url=return_url))
    assert page.status_code == 200
    parsed = _directives(page.headers["content-security-policy"])
    assert parsed == [
        ("default-src", ["'none'"]),
        ("style-src", ["'self'"]),
        ("img-src", ["'self'"]),
        ("base-uri", ["'none'"]),
        ("form-action", sorted({"'self'", "http://platform.test", origin})),
        ("frame-ancestors", ["'none'"]),
    ]
    assert REFRESH.startswith("http://platform.test/")
