"""The form's HTTP plumbing: security headers, reading posted forms and uploads, rendering.

Every page carries a strict Content-Security-Policy (no scripts at all) and is never cached.
Uploads are checked by their content, not their name, and each problem is reported on the
input it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gangway.api.query import parse_query
from gangway.core.errors import GangwayError
from gangway.hosted import field_html, i18n
from gangway.hosted.controls.model import FieldError
from gangway.hosted.steps import Upload
from gangway.hosted.wording import ERROR_MESSAGES, GENERIC_ERROR
from gangway.services.onboarding import SessionState
from gangway.validation import urls

__all__ = ["FormTooLarge", "Renderer", "headers", "read_form", "redirect"]

MAX_BODY = 1_048_576
MAX_FIELDS = 200
_SNIFF = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}


LANGUAGES = tuple((code, i18n.LANGUAGE_NAMES[code]) for code in i18n.SUPPORTED)


class FormTooLarge(Exception):
    """The posted form could not be read: too large, too many fields, or malformed."""


def headers(response: Response, state: SessionState | None) -> None:
    """The security headers of every page; ``form-action`` admits the origins of the platform's
    URLs, each parsed and serialised from its checked parts (``urls.origin_of``)."""
    targets = {"'self'"}
    if state is not None:
        for url in (state.return_url, state.refresh_url):
            origin = urls.origin_of(url)
            if origin:
                targets.add(origin)
    response.headers["content-security-policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        f"form-action {' '.join(sorted(targets))}; frame-ancestors 'none'"
    )
    response.headers["x-frame-options"] = "DENY"
    response.headers["x-content-type-options"] = "nosniff"
    response.headers["referrer-policy"] = "no-referrer"
    response.headers["cache-control"] = "no-store"
    response.headers["cross-origin-opener-policy"] = "same-origin"
    response.headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"


def redirect(url: str, state: SessionState | None = None) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    headers(response, state)
    return response


async def read_form(
    request: Request, upload_max: int
) -> tuple[dict[str, Any], dict[str, Upload], dict[str, FieldError]]:
    """The body as the API's nested params (bracketed names), plus uploads and their
    problems by input name. Raises ``FormTooLarge`` for a body that cannot be read."""
    content_type = request.headers.get("content-type", "")
    uploads: dict[str, Upload] = {}
    problems: dict[str, FieldError] = {}
    if content_type.startswith("multipart/form-data"):
        try:
            data = await request.form(max_files=10, max_fields=MAX_FIELDS)
        except Exception as exc:  # starlette raises its own MultiPartException and HTTPException
            raise FormTooLarge() from exc
        pairs: list[tuple[str, str]] = []
        for name, value in data.multi_items():
            if isinstance(value, UploadFile):
                checked = await _upload(value, upload_max)
                if isinstance(checked, FieldError):
                    problems[name] = checked
                elif checked is not None:
                    uploads[name] = checked
            else:
                pairs.append((name, value))
        body = urlencode(pairs).encode()
    else:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            raise FormTooLarge()
        body = await request.body()
        if len(body) > MAX_BODY:
            raise FormTooLarge()
    try:
        form = parse_query(body) if body else {}
    except (GangwayError, RecursionError) as exc:
        raise FormTooLarge() from exc
    return form, uploads, problems


async def _upload(value: UploadFile, limit: int) -> Upload | FieldError | None:
    content = await value.read(limit + 1)
    if not content:
        return FieldError("file_empty") if value.filename else None
    if len(content) > limit:
        return FieldError("file_too_large")
    sniffed = next((t for magic, t in _SNIFF.items() if content.startswith(magic)), None)
    if sniffed is None:
        return FieldError("file_type_invalid")
    return Upload(sniffed, content)


class Renderer:
    """Jinja2 with gettext: translated text is escaped like any other value."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("gangway.hosted", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # package data: no stat of every template on every page
        )

    def render(
        self,
        template: str,
        locale: str,
        status: int = 200,
        state: SessionState | None = None,
        **context: Any,
    ) -> HTMLResponse:
        gettext = field_html.page_gettext(locale)
        error_message = error_text(gettext, locale)
        body = self.env.get_template(template).render(
            _=gettext,
            locale=locale,
            lang=locale.split("-")[0],
            languages=LANGUAGES,
            language_name=i18n.LANGUAGE_NAMES.get(locale, locale),
            error_message=error_message,
            field_html=field_html.Renderer(locale, gettext, error_message),
            **context,
        )
        response = HTMLResponse(body, status_code=status)
        headers(response, state)
        return response


def error_text(gettext: Callable[..., str], locale: str) -> Callable[[FieldError], str]:
    def text(error: FieldError) -> str:
        if error.message:
            return gettext(error.message)
        if error.code not in ERROR_MESSAGES and error.detail and locale.startswith("en"):
            return error.detail
        return gettext(ERROR_MESSAGES.get(error.code, GENERIC_ERROR), **_args(error.args))

    return text


def _args(args: Mapping[str, str]) -> dict[str, str]:
    return {"max": "5000", **args}
