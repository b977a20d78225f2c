"""The web layer's pure parts: which origins a page's CSP may name."""

from __future__ import annotations

from starlette.responses import Response

from gangway.hosted.web import headers
from gangway.services.onboarding import SessionState


def _csp(return_url: str) -> str:
    state = SessionState(
        "plat",
        False,
        "acct",
        "account_onboarding",
        "currently_due",
        "omit",
        "https://platform.example/refresh",
        return_url,
        "csrf",
    )
    response = Response()
    headers(response, state)
    return response.headers["content-security-policy"]


def test_form_action_names_the_platform_s_origins() -> None:
    csp = _csp("https://platform.example:8443/return?x=1")
    assert "form-action 'self' https://platform.example https://platform.example:8443;" in csp


def test_a_url_cannot_smuggle_a_directive_into_the_policy() -> None:
    csp = _csp("https://a.example;frame-ancestors *;script-src * 'unsafe-inline';x@b.example/ret")
    assert csp.count("frame-ancestors") == 1 and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp and "unsafe-inline" not in csp
