"""v2 webhooks: the platform's event destination, and what it keeps from each thin event.

The seed: "listen to the ``v2.core.account[requirements].updated`` event sent to your webhook
endpoint and cache the state of the account in your application". The destination is created
once (``--create-destination``) and its id and signing secret are kept in the state directory, as
a platform keeps them in its configuration: Gangway shows the secret only when it is created.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import stripe
from stripe.events import V2CoreAccountIncludingRequirementsUpdatedEventNotification

from examples.platform.state import State, write_private

__all__ = ["ENABLED_EVENTS", "REQUIREMENTS_UPDATED", "ensure_destination", "handle"]

REQUIREMENTS_UPDATED = "v2.core.account[requirements].updated"
ENABLED_EVENTS = [REQUIREMENTS_UPDATED, "v2.core.account.updated", "v2.core.account_link.returned"]
DEADLINES = ("past_due", "currently_due", "eventually_due")


def ensure_destination(client: stripe.StripeClient, public_url: str, state_dir: Path) -> str:
    """The signing secret of this platform's destination for ``<public_url>/webhooks``: the one
    created by an earlier start if Gangway still has it unchanged, else a new one."""
    url = f"{public_url.rstrip('/')}/webhooks"
    saved_path = state_dir / "webhook_destination.json"
    try:
        saved: dict[str, str] | None = json.loads(saved_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = None
    if saved is not None:
        try:
            existing = client.v2.core.event_destinations.retrieve(
                saved["id"], {"include": ["webhook_endpoint.url"]}
            )
        except stripe.InvalidRequestError:  # gone (404), say after a fresh Gangway
            existing = None
        if existing is not None:
            endpoint = existing.webhook_endpoint
            if (
                endpoint is not None
                and endpoint.url == url
                and sorted(existing.enabled_events) == sorted(ENABLED_EVENTS)
            ):
                return saved["secret"]
            client.v2.core.event_destinations.delete(existing.id)  # the URL moved: replace it
    created = client.v2.core.event_destinations.create(
        {
            "name": "Example platform",
            "description": f"Requirement updates for the example platform at {public_url}",
            "type": "webhook_endpoint",
            "event_payload": "thin",
            "enabled_events": ENABLED_EVENTS,
            "webhook_endpoint": {"url": url},
            "include": ["webhook_endpoint.signing_secret"],
        }
    )
    secret = created.webhook_endpoint.signing_secret if created.webhook_endpoint else None
    if not secret:
        raise RuntimeError("Gangway did not return the destination's signing secret")
    state_dir.mkdir(parents=True, exist_ok=True)
    write_private(saved_path, json.dumps({"id": created.id, "url": url, "secret": secret}))
    return secret


def handle(
    client: stripe.StripeClient, state: State, notification: stripe.v2.core.EventNotification
) -> str:
    """Act on one verified notification, at most once per event id; says what was done."""
    if state.handled(notification.id):
        return "duplicate"
    if not isinstance(notification, V2CoreAccountIncludingRequirementsUpdatedEventNotification):
        state.record_event(notification.id)  # acknowledged; the return page reads the account
        return "ignored"
    account_id = notification.related_object.id
    if state.get(account_id) is None:  # not one of this platform's accounts
        state.record_event(notification.id)
        return "ignored"
    # fetch_related_object() GETs the account without ``include``, and requirements are an
    # include-dependent value: retrieve the account with them instead (the current state, so an
    # event delivered late still caches fresh data)
    account = client.v2.core.accounts.retrieve(account_id, {"include": ["requirements"]})
    summary = {
        "counts": requirement_counts(account),
        "event_id": notification.id,
        "updated": notification.created,
        "received": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return "cached" if state.record_event(notification.id, account_id, summary) else "duplicate"


def requirement_counts(account: stripe.v2.core.Account) -> dict[str, int]:
    """Requirement entries by deadline status."""
    counts = dict.fromkeys(DEADLINES, 0)
    requirements: Any = account.requirements
    for entry in getattr(requirements, "entries", None) or []:
        status = entry.minimum_deadline.status
        counts[status] = counts.get(status, 0) + 1
    return counts
