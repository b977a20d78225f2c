"""The Stripe-Signature header is exactly what stripe-python verifies."""

from __future__ import annotations

import re
import time

import pytest
import stripe

from gangway.webhooks.signing import signature_header

SECRET = "whsec_" + "a1" * 16
BODY = b'{"id":"evt_test_1","object":"v2.core.event","type":"v2.core.event_destination.ping"}'


def test_the_header_is_t_and_v1_without_spaces() -> None:
    header = signature_header(BODY, SECRET, 1_795_688_025)
    assert re.fullmatch(r"t=1795688025,v1=[0-9a-f]{64}", header)


def test_the_sdk_accepts_it_and_computes_the_same_digest() -> None:
    now = int(time.time())
    header = signature_header(BODY, SECRET, now)
    assert stripe.WebhookSignature.verify_header(BODY.decode(), header, SECRET, tolerance=300)
    expected = stripe.WebhookSignature._compute_signature(f"{now}.{BODY.decode()}", SECRET)
    assert header == f"t={now},v1={expected}"


def test_the_sdk_refuses_it_after_five_minutes_or_for_another_body_or_secret() -> None:
    now = int(time.time())
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(
            BODY.decode(), signature_header(BODY, SECRET, now - 301), SECRET, tolerance=300
        )
    header = signature_header(BODY, SECRET, now)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(BODY.decode() + " ", header, SECRET, tolerance=300)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(BODY.decode(), header, "whsec_x", tolerance=300)
