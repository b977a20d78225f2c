"""Each area of the console: a module with ``routes(console) -> list[Route]``."""

from __future__ import annotations

from gangway.console.pages import account, accounts, admin, deliveries, overview, reviews, testmode

__all__ = ["PAGES"]

PAGES = (accounts, account, reviews, deliveries, testmode, overview, admin)
