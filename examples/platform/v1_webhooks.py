"""v1 webhooks: the platform's ``/v1/webhook_endpoints`` endpoint, and what it keeps from each
snapshot event.

Stripe's v1 Connect guide listens to ``account.updated``: a snapshot event, whose
``data.object`` is the whole Account as it was when the event happened, so its ``requirements``
are cached straight from the event without calling the API. The endpoint is created once
(``--create-destination``) with ``connect=true`` (events about connected accounts, not the
platform's own), and its id and ``secret`` are kept in the state directory: Gangway shows the
secret only when it creates the endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import stripe
from stripe.params import WebhookEndpointCreateParams

from examples.platform.integration import DEADLINES, InvalidWebhook
from examples.platform.state import State, write_private

__all__ = [
    "ACCOUNT_UPDATED",
    "ENABLED_EVENTS",
    "ensure_endpoint",
    "handle",
    "plain",
    "requirement_counts",
    "verify",
]

ACCOUNT_UPDATED = "account.updated"
ENABLED_EVENTS = [ACCOUNT_UPDATED]


def ensure_endpoint(client: stripe.StripeClient, public_url: str, state_dir: Path) -> str:
    """The signing secret of this platform's endpoint for ``<public_url>/webhooks``: the one
    created by an earlier start if Gangway still has it unchanged, else a new one."""
    url = f"{public_url.rstrip('/')}/webhooks"
    saved_path = state_dir / "webhook_endpoint.json"
    try:
        saved: dict[str, str] | None = json.loads(saved_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = None
    if saved is not None:
        try:
            existing = client.v1.webhook_endpoints.retrieve(saved["id"])
        except stripe.InvalidRequestError:  # gone (404), say after a fresh Gangway
            existing = None
        if existing is not None:
            if existing.url == url and sorted(existing.enabled_events) == sorted(ENABLED_EVENTS):
                return saved["secret"]
            client.v1.webhook_endpoints.delete(existing.id)  # the URL moved: replace it
    params = {
        "url": url,
        "enabled_events": ENABLED_EVENTS,
        "connect": True,
        "description": f"Requirement updates for the example platform at {public_url}",
    }
    created = client.v1.webhook_endpoints.create(cast(WebhookEndpointCreateParams, params))
    if not created.secret:
        raise RuntimeError("Gangway did not return the webhook endpoint's secret")
    state_dir.mkdir(parents=True, exist_ok=True)
    write_private(saved_path, json.dumps({"id": created.id, "url": url, "secret": created.secret}))
    return created.secret


def verify(raw: bytes, signature: str | None, secret: str) -> stripe.Event:
    """Check ``Stripe-Signature`` over the raw body (and its timestamp's age), then parse."""
    try:
        event: stripe.Event = stripe.Webhook.construct_event(raw, signature, secret)
    except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
        raise InvalidWebhook(str(exc)) from exc
    return event


def handle(state: State, event: stripe.Event) -> str:
    """Act on one verified event, at most once per event id; says what was done."""
    if state.handled(event.id):
        return "duplicate"
    account = plain(event.data.object)
    if event.type != ACCOUNT_UPDATED or state.get(account.get("id") or "") is None:
        state.record_event(event.id)  # acknowledged; the return page retrieves the account
        return "ignored"
    summary = {
        "counts": requirement_counts(account.get("requirements") or {}),
        "event_id": event.id,
        "updated": datetime.fromtimestamp(event.created, UTC).isoformat(),
        "received": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    recorded = state.record_event(event.id, account["id"], summary)
    return "cached" if recorded else "duplicate"


def requirement_counts(requirements: Mapping[str, Any]) -> dict[str, int]:
    """v1's lists nest (``past_due`` within ``currently_due`` within ``eventually_due``), so
    the counts by deadline are the differences."""
    lists = {name: set(requirements.get(name) or []) for name in DEADLINES}
    counts = dict.fromkeys(DEADLINES, 0)
    counts["past_due"] = len(lists["past_due"])
    counts["currently_due"] = len(lists["currently_due"] - lists["past_due"])
    counts["eventually_due"] = len(lists["eventually_due"] - lists["currently_due"])
    return counts


def plain(value: Any) -> dict[str, Any]:
    """An SDK object (or None) as the plain dict of its JSON: v1 lists are read by name."""
    return dict(value.to_dict()) if value is not None else {}
