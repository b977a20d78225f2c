"""The audit log (every role reads it) and, for admins, operators and API keys."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from gangway.console.guard import Console, Screen

__all__ = ["routes"]

_PAGE = 50


def routes(console: Console) -> list[Route]:
    return [
        Route("/console/audit", console.page("read", scoped=False)(audit_log), methods=["GET"]),
    ]


async def audit_log(screen: Screen) -> Response:
    """Newest first, ``?before=<at_ms>.<id>`` pages back; ``?target=`` and ``?actor=`` narrow."""
    query = screen.request.query_params
    before = None
    raw = query.get("before", "")
    at, _, entry_id = raw.partition(".")
    if at.isdigit() and entry_id:
        before = (int(at), entry_id)
    target = query.get("target") or None
    actor = query.get("actor") or None
    entries = await screen.work(
        lambda uow: uow.audit.page(limit=_PAGE + 1, before=before, target=target, actor=actor)
    )
    more = len(entries) > _PAGE
    entries = entries[:_PAGE]
    older = f"{entries[-1].at_ms}.{entries[-1].id}" if more and entries else None
    return screen.render(
        "audit.html",
        section="audit",
        title="Audit log",
        entries=entries,
        older=older,
        target=target or "",
        actor=actor or "",
    )
