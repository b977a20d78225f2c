"""The platform on Connect v1: Stripe's "Using Connect with Custom accounts" and hosted
onboarding guides.

``client.v1.accounts.create(type="custom", capabilities=...)``, then
``client.v1.account_links.create(type="account_onboarding", collection_options=...)``; on return
``client.v1.accounts.retrieve`` and its ``requirements`` lists (field names such as
``individual.dob.day``), ``charges_enabled`` and ``payouts_enabled``. Webhooks are
``account.updated`` snapshot events (``v1_webhooks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import stripe
from stripe.params import AccountCreateParams, AccountLinkCreateParams

from examples.platform import v1_webhooks
from examples.platform.integration import DEADLINES, IssuedLink, requirement_row
from examples.platform.state import AccountRecord, State
from examples.platform.v1_webhooks import plain

__all__ = ["CAPABILITIES", "V1Api", "account_params"]

CAPABILITIES: dict[str, dict[str, Any]] = {
    # a merchant also receives its card payments' funds from the platform, as in Stripe's guide
    "merchant": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
    "recipient": {"transfers": {"requested": True}},
}


def account_params(choice: Mapping[str, str]) -> AccountCreateParams:
    """A Custom account: no Stripe dashboard, and the platform collects requirements and bears
    fees and losses, which is what allows ``account_update`` links later."""
    params: dict[str, Any] = {
        "type": "custom",
        "country": choice["country"].upper(),
        "email": choice["contact_email"],
        "business_profile": {"name": choice["display_name"]},
        "capabilities": CAPABILITIES[choice["configuration"]],
    }
    if choice["entity_type"]:
        params["business_type"] = choice["entity_type"]
    return cast(AccountCreateParams, params)


class V1Api:
    name = "v1"
    requirements_event = v1_webhooks.ACCOUNT_UPDATED

    def __init__(self, client: stripe.StripeClient) -> None:
        self.client = client

    def create_account(self, choice: Mapping[str, str]) -> str:
        return self.client.v1.accounts.create(account_params(choice)).id

    def issue_link(
        self, record: AccountRecord, use_case: str, refresh_url: str, return_url: str
    ) -> IssuedLink:
        params: dict[str, Any] = {
            "account": record.id,
            "type": use_case,
            "refresh_url": refresh_url,
            "return_url": return_url,
        }
        if use_case == "account_onboarding":  # what to collect: the onboarding flow's option
            params["collection_options"] = record.collection_options
        link = self.client.v1.account_links.create(cast(AccountLinkCreateParams, params))
        return IssuedLink(link.url, _instant(link.created), _instant(link.expires_at))

    def describe(self, record: AccountRecord) -> dict[str, Any]:
        """v1's nested lists split by deadline (each field once, under its most urgent list),
        what awaits Stripe's verification, and the account-level switches."""
        account = self.client.v1.accounts.retrieve(record.id)
        requirements = plain(account.requirements)
        errors: dict[str, list[str]] = {}
        for error in requirements.get("errors") or []:
            errors.setdefault(error["requirement"], []).append(
                f"{error['code']}: {error['reason']}"
            )
        due, seen = {}, set()
        for status in DEADLINES:  # most urgent first
            fields = [name for name in requirements.get(status) or [] if name not in seen]
            seen.update(fields)
            due[status] = _rows(fields, errors)
        future = plain(account.future_requirements)
        deadline = requirements.get("current_deadline")
        return {
            "country": (account.country or record.country).upper(),
            "entity_type": account.business_type,
            "facts": [
                ("Charges enabled", _yes(account.charges_enabled)),
                ("Payouts enabled", _yes(account.payouts_enabled)),
                ("Details submitted", _yes(account.details_submitted)),
                ("Current deadline", _instant(deadline) if deadline else "none"),
                ("Disabled reason", requirements.get("disabled_reason") or "none"),
            ],
            "due": due,
            "pending": _rows(requirements.get("pending_verification") or [], errors, "stripe"),
            "future": _rows(future.get("eventually_due") or [], {}),
            "capabilities": [
                {"name": name, "status": status, "details": []}
                for name, status in sorted(plain(account.capabilities).items())
            ],
        }

    def outstanding_counts(self, record: AccountRecord) -> dict[str, int] | None:
        try:
            account = self.client.v1.accounts.retrieve(record.id)
        except stripe.StripeError:
            return None
        return v1_webhooks.requirement_counts(plain(account.requirements))

    def verify(self, raw: bytes, signature: str | None, secret: str) -> Any:
        return v1_webhooks.verify(raw, signature, secret)

    def handle(self, state: State, event: Any) -> str:
        return v1_webhooks.handle(state, event)

    def ensure_destination(self, public_url: str, state_dir: Path) -> str:
        return v1_webhooks.ensure_endpoint(self.client, public_url, state_dir)


def _rows(
    fields: Iterable[str], errors: Mapping[str, list[str]], awaiting: str = "user"
) -> list[dict[str, Any]]:
    return [
        requirement_row(name, awaiting_action_from=awaiting, errors=errors.get(name))
        for name in fields
    ]


def _yes(value: bool | None) -> str:
    return "yes" if value else "no"


def _instant(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()
