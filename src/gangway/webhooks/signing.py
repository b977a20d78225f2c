"""The ``Stripe-Signature`` header, exactly as stripe-python's ``WebhookSignature`` verifies it:
``t=<unix seconds>,v1=<hex HMAC-SHA256>`` over ``"<t>." + body``, keyed by the whole ``whsec_``
secret (not base64-decoded), with no spaces (the SDK does not trim the keys)."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["signature_header"]


def signature_header(body: bytes, secret: str, timestamp: int) -> str:
    """Signed afresh for every attempt: the SDK refuses a ``t`` older than 300 s, so a retry
    must never reuse an earlier attempt's header."""
    digest = hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
