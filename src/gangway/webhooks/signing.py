"""The ``Stripe-Signature`` header, exactly as stripe-python's ``WebhookSignature`` verifies it:
``t=<unix seconds>,v1=<hex HMAC-SHA256>`` over ``"<t>." + body``, keyed by the whole ``whsec_``
secret (not base64-decoded), with no spaces (the SDK does not trim the keys)."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["Signer", "signature_header"]


def signature_header(body: bytes, secret: str, timestamp: int) -> str:
    """Signed afresh for every attempt: the SDK refuses a ``t`` older than 300 s, so a retry
    must never reuse an earlier attempt's header."""
    digest = hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class Signer:
    """``signature_header`` for one secret, as bytes, with the HMAC's key schedule done once:
    each header copies the keyed state instead of hashing the key again (the worker signs
    every attempt of every delivery)."""

    __slots__ = ("_keyed",)

    def __init__(self, secret: str) -> None:
        self._keyed = hmac.new(secret.encode(), digestmod=hashlib.sha256)

    def header(self, body: bytes, timestamp: int) -> bytes:
        mac = self._keyed.copy()
        stamp = b"%d" % timestamp
        mac.update(stamp + b".")
        mac.update(body)
        return b"t=" + stamp + b",v1=" + mac.hexdigest().encode()
