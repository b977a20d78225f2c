"""Live-mode data for the review pages: a platform of its own with a live key, accounts whose
verifications wait for a reviewer, and a document uploaded through the hosted form."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from html import unescape
from typing import Any

import httpx
import stripe

from tests.conftest import RunningServer


def _png(width: int, height: int) -> bytes:
    """A real PNG (so a browser renders it): a pale card with a dark band, like an ID scan."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(
        b"\x00" + (b"\x30\x40\x80" if 20 <= y < 40 else b"\xe8\xee\xf8") * width
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = _png(320, 200)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def recipient(client: stripe.StripeClient, name: str) -> Any:
    """An individual receiving transfers, with nothing submitted yet (a document to upload)."""
    return client.v2.core.accounts.create(
        {
            "display_name": name,
            "contact_email": "doc@example.com",
            "identity": {"country": "us", "entity_type": "individual"},
            "configuration": {
                "recipient": {
                    "capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}
                }
            },
        }
    )


@dataclass(frozen=True)
class LivePlatform:
    platform_id: str
    live_key: str
    client: stripe.StripeClient

    @property
    def prefix(self) -> str:
        return f"/console/{self.platform_id}/live"


def live_platform(server: RunningServer) -> LivePlatform:
    """A new platform (its queue holds only what the caller makes) and a live key for it."""
    printed = server._cli("platforms", "create", "--name", "Reviews platform")
    platform_id = printed.split()[0]
    live_key = server._cli("keys", "create", "--mode", "live", "--platform", platform_id).strip()
    client = stripe.StripeClient(live_key, base_addresses={"api": server.url})
    return LivePlatform(platform_id, live_key, client)


def live_merchant(
    client: stripe.StripeClient,
    *,
    country: str = "us",
    name: str,
    ssn: tuple[str, str] = ("us_ssn_last_4", "6789"),
) -> Any:
    """An individual taking card payments: date of birth, address, SSN last 4 and website each
    wait for a reviewer (live mode decides nothing by itself)."""
    person: dict[str, Any] = {
        "given_name": "Jenny",
        "surname": "Rosen",
        "email": "jenny@example.com",
        "phone": "+14155550123" if country == "us" else "+442071838750",
        "date_of_birth": {"day": 17, "month": 3, "year": 1987},
        "address": {
            "country": country,
            "line1": "1 Main Street",
            "city": "Springfield",
            "postal_code": "94111" if country == "us" else "EC1Y 8SY",
        },
    }
    if country == "us":
        person["address"]["state"] = "CA"
        person["id_numbers"] = [{"type": ssn[0], "value": ssn[1]}]
    return client.v2.core.accounts.create(
        {
            "display_name": name,
            "contact_email": "jenny@example.com",
            "dashboard": "none",
            "identity": {
                "country": country,
                "entity_type": "individual",
                "individual": person,
                "attestations": {
                    "terms_of_service": {
                        "account": {"date": "2026-11-26T10:00:00.000Z", "ip": "203.0.113.7"}
                    }
                },
            },
            "configuration": {
                "merchant": {"mcc": "5734", "capabilities": {"card_payments": {"requested": True}}}
            },
            "defaults": {
                "profile": {"business_url": "https://example.com"},
                "responsibilities": {
                    "fees_collector": "application",
                    "losses_collector": "application",
                },
            },
            "include": ["requirements", "configuration.merchant"],
        }
    )


def retrieve(client: stripe.StripeClient, account_id: str) -> Any:
    return client.v2.core.accounts.retrieve(
        account_id, {"include": ["requirements", "configuration.merchant", "identity"]}
    )


def upload_document(
    server: RunningServer,
    client: stripe.StripeClient,
    account_id: str,
    content: tuple[str, bytes, str] | None = None,
) -> str:
    """Upload ``content`` (name, bytes, type; ``PNG`` by default) as the account holder's
    identity document through the hosted form's documents step; returns the stored file id."""
    link = client.v2.core.account_links.create(
        {
            "account": account_id,
            "use_case": {
                "type": "account_onboarding",
                "account_onboarding": {
                    "refresh_url": "https://platform.example/refresh",
                    "return_url": "https://platform.example/return",
                    "collection_options": {"fields": "eventually_due"},
                },
            },
        }
    )
    with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as http:
        http.get(str(link.url))
        step = http.get("/onboarding/step/documents")
        assert step.status_code == 200, step.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', step.text)
        field = re.search(r'name="(upload\[[^"]+\])"', step.text)
        assert csrf and field, "the documents step has no upload"
        answer = http.post(
            "/onboarding/step/documents",
            data={"csrf_token": csrf.group(1), "action": "continue"},
            files={unescape(field.group(1)): content or ("passport.png", PNG, "image/png")},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
    stored = retrieve(client, account_id)
    return str(stored.identity.individual.documents.primary_verification.front_back.front)
