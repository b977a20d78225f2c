"""``POST /v2/core/account_links``."""

from __future__ import annotations

from typing import Any

from gangway.api import render
from gangway.api.app import Request, Route
from gangway.services import account_links

__all__ = ["account_link_routes"]


def account_link_routes(*, public_url: str, lifetime_ms: int) -> list[Route]:
    def create_link(request: Request) -> tuple[int, dict[str, Any]]:
        minted = account_links.create(
            request.uow,
            request.call,
            request.params,
            public_url=public_url,
            lifetime_ms=lifetime_ms,
        )
        return 200, render.account_link(minted.link, minted.url)

    return [
        Route(
            "POST",
            "/v2/core/account_links",
            create_link,
            account_links.check_params,
            write=True,
            service_checks=True,
        ),
    ]
