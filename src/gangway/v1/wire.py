"""v1 wire conventions the v2 edge does not have: form-encoded bodies and the v1 error envelope.

Why here and not in the v2 edge: v1 and v2 share one pipeline (auth, idempotency, body limits,
one transaction per request) and differ only in how a body is decoded and how an error is
written, so ``ApiApp`` asks this module for exactly those two things.
"""

from __future__ import annotations

from typing import Any, Final

from gangway.api.query import parse_query
from gangway.core.errors import GangwayError, IdempotencyConflict, InvalidRequest, NotFound

__all__ = ["DOC_CODES", "decode_form", "is_v1_path", "v1_error"]

_FORM: Final = "application/x-www-form-urlencoded"

DOC_CODES: Final = frozenset(
    {
        "account_invalid",
        "email_invalid",
        "idempotency_key_in_use",
        "parameter_invalid_empty",
        "parameter_invalid_integer",
        "parameter_invalid_string_blank",
        "parameter_invalid_string_empty",
        "parameter_missing",
        "parameter_unknown",
        "resource_missing",
        "url_invalid",
    }
)
"""Codes that have a page under https://docs.stripe.com/error-codes: ``doc_url`` is set only
for these (Stripe sets it only where it has one)."""


def is_v1_path(path: str) -> bool:
    return path == "/v1" or path.startswith("/v1/")


def decode_form(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """A v1 body: bracketed form fields (``a[b][0][c]=x``), every value a string."""
    kind = (content_type or _FORM).split(";")[0].strip().lower()
    if kind not in (_FORM, ""):
        raise InvalidRequest(
            f"v1 endpoints take a form-encoded body (Content-Type: {_FORM}), not {kind}.",
            code="invalid_content_type",
        )
    return parse_query(raw) if raw.strip() else {}


def v1_error(exc: GangwayError) -> tuple[int, dict[str, Any]]:
    """Stripe's v1 status and envelope: ``type``, ``code``, ``param`` (``a[b]``), ``message``,
    and ``doc_url`` where Stripe documents the code. v1 calls a missing object
    ``resource_missing`` and answers a reused idempotency key with a 400 (v2: 409), which is
    what the v1 SDKs turn into their ``IdempotencyError``."""
    code = exc.code
    if isinstance(exc, NotFound) and code == "not_found":
        code = "resource_missing"
    error: dict[str, Any] = {"type": exc.type, "message": exc.message}
    if code:
        error["code"] = code
        if code in DOC_CODES:
            error["doc_url"] = f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}"
    if exc.param:
        error["param"] = exc.param
    status = 400 if isinstance(exc, IdempotencyConflict) else exc.status
    return status, {"error": error}
