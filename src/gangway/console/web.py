"""The console's HTTP plumbing: security headers, small urlencoded forms, rendering.

Every response forbids scripts, framing and every origin but Gangway's own, and is never cached.
Forms are ``application/x-www-form-urlencoded`` only (the console uploads nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gangway.core.clock import to_rfc3339
from gangway.hosted import i18n
from gangway.hosted.i18n import N_

__all__ = [
    "STATUS_NAMES",
    "FormUnreadable",
    "Renderer",
    "headers",
    "query_with",
    "read_form",
    "redirect",
]

MAX_BODY = 64 * 1024
MAX_FIELDS = 100
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


STATUS_NAMES = {
    # requirement deadlines
    "currently_due": N_("Currently due"),
    "past_due": N_("Past due"),
    "eventually_due": N_("Eventually due"),
    # capabilities
    "active": N_("Active"),
    "pending": N_("Pending"),
    "restricted": N_("Restricted"),
    "unsupported": N_("Unsupported"),
    "inactive": N_("Inactive"),
    # verifications, deliveries, destinations
    "verified": N_("Verified"),
    "failed": N_("Failed"),
    "succeeded": N_("Succeeded"),
    "enabled": N_("Enabled"),
    "disabled": N_("Disabled"),
    # who a requirement awaits
    "user": N_("The account holder"),
    "stripe": N_("A reviewer"),
}
"""The console's one name for each status the API reports as a code; ``status()`` in templates
shows the translated name (the code itself stays in ``class`` and ``data-status``)."""


class FormUnreadable(Exception):
    """Too large, too many fields, or not urlencoded."""


def headers(response: Response, *, frame_ancestors: str = "'none'") -> None:
    csp = (
        CSP
        if frame_ancestors == "'none'"
        else CSP.replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors}")
    )
    response.headers["content-security-policy"] = csp
    if frame_ancestors == "'none'":
        response.headers["x-frame-options"] = "DENY"
    else:
        response.headers["x-frame-options"] = "SAMEORIGIN"
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["referrer-policy"] = "same-origin"
    response.headers["cache-control"] = "no-store"
    response.headers["cross-origin-opener-policy"] = "same-origin"
    response.headers["cross-origin-resource-policy"] = "same-origin"
    response.headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"


def redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    headers(response)
    return response


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields, the last value of each name winning."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/x-www-form-urlencoded":
        raise FormUnreadable()
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise FormUnreadable()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise FormUnreadable()
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FormUnreadable() from exc
    return dict(pairs)


def query_with(query: dict[str, str], **changes: str | None) -> str:
    """``query`` with some parameters changed (None drops one), as ``?a=b`` or ``""``."""
    merged = {k: v for k, v in {**query, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged) if merged else ""


class Renderer:
    """Jinja2 with gettext (the hosted form's catalogs): translated text is escaped like any
    other value; dates, numbers and percentages are formatted by Babel for the locale."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("gangway.console", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )

    def render(self, template: str, locale: str, status: int = 200, **context: Any) -> HTMLResponse:
        body = self.text(template, locale, **context)
        response = HTMLResponse(body, status_code=status)
        headers(response)
        return response

    def text(self, template: str, locale: str, **context: Any) -> str:
        return self.env.get_template(template).render(
            **helpers(locale),
            locale=locale,
            lang=locale.split("-")[0],
            languages=[(code, i18n.LANGUAGE_NAMES[code]) for code in i18n.SUPPORTED],
            **context,
        )


def helpers(locale: str) -> dict[str, Callable[..., Any]]:
    """What every template may call: ``_`` and the locale's formatting of times and numbers."""
    translations = i18n.translations(locale)
    babel_locale = i18n.babel_locale(locale)

    def gettext(message: str, **variables: Any) -> str:
        text = str(translations.gettext(message)) if message else ""
        return text % variables if variables and "%(" in text else text

    def when(ms: int | None, style: str = "medium") -> str:
        if ms is None:
            return "—"
        moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
        return format_datetime(moment, format=style, tzinfo=UTC, locale=babel_locale) + " UTC"

    def number(value: float | int) -> str:
        return format_decimal(value, locale=babel_locale)

    def percent(value: float) -> str:
        return format_percent(value, format="#,##0.#%", locale=babel_locale)

    def iso(ms: int | None) -> str:
        return to_rfc3339(ms) if ms is not None else ""

    def status(code: str | None) -> str:
        if not code:
            return "—"
        name = STATUS_NAMES.get(code)
        return gettext(name) if name else code

    return {
        "_": gettext,
        "when": when,
        "number": number,
        "percent": percent,
        "iso": iso,
        "status": status,
    }
