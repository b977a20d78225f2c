"""The accounts list of one platform's mode (to be built out: search, filters, keyset paging)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from gangway.console.guard import Console, Screen

__all__ = ["routes"]


def routes(console: Console) -> list[Route]:
    return [
        Route(
            "/console/{platform}/{mode}/accounts",
            console.page("read")(accounts),
            methods=["GET"],
        ),
    ]


async def accounts(screen: Screen) -> Response:
    assert screen.scope is not None
    principal = screen.scope.principal
    records, _ = await screen.work(
        lambda uow: uow.accounts.page(
            principal, closed=False, configurations=[], limit=50, cursor=None
        )
    )
    return screen.render("accounts.html", section="accounts", accounts=records)
