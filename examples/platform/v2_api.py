"""The platform on Accounts v2: Stripe's "Onboard your connected account" guide.

``client.v2.core.accounts.create`` with a configuration and platform-owned responsibilities,
``client.v2.core.account_links.create`` with a ``use_case``, the account retrieved with
``include`` on return, and thin ``v2.core.account[requirements].updated`` events (``v2_webhooks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import stripe
from stripe.params.v2.core import (
    AccountCreateParams,
    AccountLinkCreateParams,
    AccountRetrieveParams,
)

from examples.platform import v2_webhooks
from examples.platform.integration import DEADLINES, InvalidWebhook, IssuedLink, requirement_row
from examples.platform.state import AccountRecord, State

__all__ = ["CAPABILITIES", "V2Api", "account_params"]

CAPABILITIES: dict[str, dict[str, Any]] = {
    "merchant": {"card_payments": {"requested": True}},
    "recipient": {"stripe_balance": {"stripe_transfers": {"requested": True}}},
}


def account_params(choice: Mapping[str, str]) -> AccountCreateParams:
    """Create params: the platform collects requirements (dashboard none, and it bears fees and
    losses), which is what allows ``account_update`` links later."""
    identity: dict[str, str] = {"country": choice["country"]}
    if choice["entity_type"]:
        identity["entity_type"] = choice["entity_type"]
    configuration = choice["configuration"]
    params = {
        "contact_email": choice["contact_email"],
        "display_name": choice["display_name"],
        "identity": identity,
        "dashboard": "none",
        "defaults": {
            "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
        },
        "configuration": {configuration: {"capabilities": CAPABILITIES[configuration]}},
    }
    return cast(AccountCreateParams, params)


class V2Api:
    name = "v2"
    requirements_event = v2_webhooks.REQUIREMENTS_UPDATED

    def __init__(self, client: stripe.StripeClient) -> None:
        self.client = client

    def create_account(self, choice: Mapping[str, str]) -> str:
        return self.client.v2.core.accounts.create(account_params(choice)).id

    def issue_link(
        self, record: AccountRecord, use_case: str, refresh_url: str, return_url: str
    ) -> IssuedLink:
        params = {
            "account": record.id,
            "use_case": {
                "type": use_case,
                use_case: {
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "collection_options": record.collection_options,
                },
            },
        }
        # the SDK types params with literal keys; these come from the stored choices
        link = self.client.v2.core.account_links.create(cast(AccountLinkCreateParams, params))
        return IssuedLink(link.url, link.created, link.expires_at)

    def retrieve(self, record: AccountRecord) -> stripe.v2.core.Account:
        """Read the account afresh: the only source of truth after a return."""
        includes = [
            "identity",
            "requirements",
            "future_requirements",
            f"configuration.{record.configuration}",
        ]
        return self.client.v2.core.accounts.retrieve(
            record.id, cast(AccountRetrieveParams, {"include": includes})
        )

    def describe(self, record: AccountRecord) -> dict[str, Any]:
        """Outstanding entries by deadline (each tagged while it awaits Stripe), and the
        requested configuration's capability statuses."""
        account = self.retrieve(record)
        due: dict[str, list[dict[str, Any]]] = {status: [] for status in DEADLINES}
        for entry in entries(account.requirements):
            due.setdefault(entry.minimum_deadline.status, []).append(requirement(entry))
        configuration = getattr(account.configuration, record.configuration, None)
        capabilities = getattr(configuration, "capabilities", None)
        identity = account.identity
        return {
            "country": (getattr(identity, "country", None) or record.country).upper(),
            "entity_type": getattr(identity, "entity_type", None),
            "facts": [],
            "due": due,
            "pending": [],
            "future": [requirement(entry) for entry in entries(account.future_requirements)],
            "capabilities": flatten(capabilities.to_dict() if capabilities else {}),
        }

    def outstanding_counts(self, record: AccountRecord) -> dict[str, int] | None:
        try:
            account = self.client.v2.core.accounts.retrieve(
                record.id, {"include": ["requirements"]}
            )
        except stripe.StripeError:
            return None
        return v2_webhooks.requirement_counts(account)

    def verify(self, raw: bytes, signature: str | None, secret: str) -> Any:
        try:
            return self.client.parse_event_notification(raw, signature, secret)
        except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
            raise InvalidWebhook(str(exc)) from exc

    def handle(self, state: State, event: Any) -> str:
        return v2_webhooks.handle(self.client, state, event)

    def ensure_destination(self, public_url: str, state_dir: Path) -> str:
        return v2_webhooks.ensure_destination(self.client, public_url, state_dir)


def entries(requirements: Any) -> list[Any]:
    return list(getattr(requirements, "entries", None) or [])


def requirement(entry: Any) -> dict[str, Any]:
    return requirement_row(
        entry.description,
        awaiting_action_from=entry.awaiting_action_from,
        errors=[f"{error.code}: {error.description}" for error in entry.errors or []],
        restricts=sorted(
            {item.capability for item in (entry.impact.restricts_capabilities or [])}
            if entry.impact
            else set()
        ),
    )


def flatten(capabilities: Mapping[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """``{"stripe_balance": {"payouts": {"status": …}}}`` → ``stripe_balance.payouts``: nested
    capabilities are groups on the wire; unrequested ones are null."""
    rows: list[dict[str, Any]] = []
    for name, value in sorted(capabilities.items()):
        if not isinstance(value, Mapping):
            continue
        if "status" in value:
            details = [d.get("code", "") for d in value.get("status_details") or []]
            rows.append({"name": prefix + name, "status": value["status"], "details": details})
        else:
            rows.extend(flatten(value, f"{prefix}{name}."))
    return rows
