"""The one error model: every failure a client can see, with Stripe's type, code, param and status.

The tree::

    GangwayError                      status  type
    ├── InvalidRequest                400     invalid_request_error
    │   ├── PayloadTooLarge           413     invalid_request_error
    │   ├── RequestTimeout            408     invalid_request_error (the server layer's)
    │   ├── UrlTooLong                414     invalid_request_error (the server layer's)
    │   └── HeadersTooLarge           431     invalid_request_error (the server layer's)
    ├── AuthenticationFailed          401     invalid_request_error
    ├── NotFound                      404     invalid_request_error (code not_found)
    ├── MethodNotAllowed              405     invalid_request_error
    ├── IdempotencyConflict           409     idempotency_error
    ├── RateLimited                   429     rate_limit
    └── InternalError                 500     api_error

`FieldInvalid` is not part of the tree: pure validators raise it with a code and a message but no
location, and the caller, which knows where the value sat, turns it into an `InvalidRequest` with
the bracketed `param` path (`identity[individual][email]`). The hosted form uses the same codes to
pick a translated message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "AuthenticationFailed",
    "FieldInvalid",
    "GangwayError",
    "HeadersTooLarge",
    "IdempotencyConflict",
    "InternalError",
    "InvalidRequest",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "RateLimited",
    "RequestTimeout",
    "UrlTooLong",
    "param_path",
]

PathPart = str | int


def param_path(parts: Sequence[PathPart]) -> str:
    """Render a location as Stripe does: ``("identity", "individual", 0)`` -> ``identity[individual][0]``."""
    if not parts:
        return ""
    head, *rest = parts
    return str(head) + "".join(f"[{p}]" for p in rest)


class GangwayError(Exception):
    """An error with everything needed to render Stripe's ``{"error": {...}}`` envelope."""

    status: int = 400
    type: str = "invalid_request_error"
    default_code: str | None = None

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.param = param

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if self.param:
            error["param"] = self.param
        return {"error": error}


class InvalidRequest(GangwayError):
    """The request was understood but cannot be carried out as asked."""

    status = 400


class PayloadTooLarge(InvalidRequest):
    status = 413
    default_code = "request_too_large"


class RequestTimeout(InvalidRequest):
    status = 408
    default_code = "request_timeout"


class UrlTooLong(InvalidRequest):
    status = 414
    default_code = "url_too_long"


class HeadersTooLarge(InvalidRequest):
    status = 431
    default_code = "headers_too_large"


class AuthenticationFailed(GangwayError):
    status = 401
    default_code = "api_key_invalid"


class NotFound(GangwayError):
    status = 404
    default_code = "not_found"


class PermissionDenied(GangwayError):
    """The key is valid but may not reach this object (a ``Stripe-Account`` it does not own)."""

    status = 403
    default_code = "account_invalid"


class MethodNotAllowed(GangwayError):
    status = 405
    default_code = "method_not_allowed"


class IdempotencyConflict(GangwayError):
    status = 409
    type = "idempotency_error"
    default_code = "idempotency_error"


class RateLimited(GangwayError):
    status = 429
    type = "rate_limit"
    default_code = "rate_limit"


class InternalError(GangwayError):
    status = 500
    type = "api_error"
    default_code = "internal_error"


class FieldInvalid(ValueError):
    """A single value broke a format or domain rule; raised by pure validators.

    ``code`` is one of Stripe's documented v2 codes (``email_invalid``, ``id_number_invalid``...);
    ``details`` carries values a translated message may interpolate.
    """

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def at(self, *parts: PathPart) -> InvalidRequest:
        """The same failure, placed at a request location."""
        return InvalidRequest(self.message, code=self.code, param=param_path(parts))
