"""The console's overview pages (to be built)."""

from __future__ import annotations

from starlette.routing import Route

from gangway.console.guard import Console

__all__ = ["routes"]


def routes(console: Console) -> list[Route]:
    return []
