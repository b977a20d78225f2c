"""What the platform asks of Stripe's API, whichever version it integrates with.

The app is one app; ``v2_api`` (Accounts v2, thin events) and ``v1_api`` (Connect v1 accounts,
snapshot events) each provide these steps, so reading either module shows one integration whole.
``describe`` returns the same page shape for both: requirement rows by deadline, capability rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from examples.platform.state import AccountRecord, State

__all__ = ["DEADLINES", "Integration", "InvalidWebhook", "IssuedLink", "requirement_row"]

DEADLINES = ("past_due", "currently_due", "eventually_due")


class InvalidWebhook(Exception):
    """The body is not signed with the endpoint's secret (or is not an event at all)."""


@dataclass(frozen=True)
class IssuedLink:
    url: str
    created: str
    expires_at: str


class Integration(Protocol):
    name: str
    """``v1`` or ``v2``: which API the home page says the platform uses."""
    requirements_event: str
    """The event type whose deliveries refresh the cached requirement counts."""

    def create_account(self, choice: Mapping[str, str]) -> str:
        """Create the connected account for the start form's choices; its id."""
        ...

    def issue_link(
        self,
        record: AccountRecord,
        use_case: str,
        refresh_url: str,
        return_url: str,
    ) -> IssuedLink: ...

    def describe(self, record: AccountRecord) -> dict[str, Any]:
        """Retrieve the account and say what the return page shows: ``facts`` (label, value
        rows), ``due`` (requirement rows by deadline), ``pending``, ``future``, ``capabilities``."""
        ...

    def outstanding_counts(self, record: AccountRecord) -> dict[str, int] | None:
        """Requirements by deadline for the home page; None if Gangway can't say."""
        ...

    def verify(self, raw: bytes, signature: str | None, secret: str) -> Any:
        """The verified event; raises ``InvalidWebhook``."""
        ...

    def handle(self, state: State, event: Any) -> str:
        """Act on a verified event at most once per id: ``cached``, ``ignored`` or
        ``duplicate``."""
        ...

    def ensure_destination(self, public_url: str, state_dir: Path) -> str:
        """The signing secret of this platform's webhook endpoint, created once and reused."""
        ...


def requirement_row(
    description: str,
    *,
    awaiting_action_from: str = "user",
    errors: list[str] | None = None,
    restricts: list[str] | None = None,
) -> dict[str, Any]:
    """One line of the return page's requirement lists."""
    return {
        "description": description,
        "awaiting_action_from": awaiting_action_from,
        "errors": errors or [],
        "restricts": restricts or [],
    }
