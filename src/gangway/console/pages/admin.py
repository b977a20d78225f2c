"""The audit log (every role reads it) and, for admins, operators and secret API keys.

A new operator's password and a new key's secret are shown once, on the page that answers the
POST that made them (never stored, never in a URL); every change is audited by the service
that makes it, in the same transaction.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from gangway.console import web
from gangway.console.guard import NO_LIVE, NOT_FOUND, Console, Screen
from gangway.core.errors import InvalidRequest
from gangway.core.roles import ROLES
from gangway.hosted.i18n import N_
from gangway.services import operators, tenancy

__all__ = ["routes"]

_PAGE = 50
DONE = {
    "disabled": N_("The operator is disabled and signed out everywhere."),
    "enabled": N_("The operator can sign in again."),
    "role": N_("The operator's role is changed."),
    "revoked": N_("The key is revoked: requests made with it now fail."),
}
NOT_YOURSELF = N_("You cannot disable yourself or change your own role.")


def routes(console: Console) -> list[Route]:
    read = console.page("read", scoped=False)
    manage = console.page("manage", scoped=False)
    return [
        Route("/console/audit", read(audit_log), methods=["GET"]),
        Route("/console/operators", manage(operator_list), methods=["GET"]),
        Route("/console/operators/create", manage(operator_create), methods=["POST"]),
        Route("/console/operators/{operator}/{action}", manage(operator_change), methods=["POST"]),
        Route("/console/keys", manage(key_list), methods=["GET"]),
        Route("/console/keys/create", manage(key_create), methods=["POST"]),
        Route("/console/keys/{key}/revoke", manage(key_revoke), methods=["POST"]),
    ]


async def audit_log(screen: Screen) -> Response:
    """Newest first, ``?before=<at_ms>.<id>`` pages back; ``?target=`` and ``?actor=`` narrow."""
    query = screen.request.query_params
    before = None
    at, _, entry_id = query.get("before", "").partition(".")
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
        entries=entries,
        older=older,
        target=target or "",
        actor=actor or "",
    )


# operators ---------------------------------------------------------------------------------


async def operator_list(screen: Screen, *, status: int = 200, **extra: object) -> Response:
    records = await screen.work(operators.listing)
    return screen.render(
        "operators.html",
        status,
        section="operators",
        operators=records,
        roles=ROLES,
        done=DONE.get(screen.request.query_params.get("done", "")),
        **extra,
    )


async def operator_create(screen: Screen) -> Response:
    form = screen.form
    now_ms = screen.console.clock.now_ms()
    try:
        record, password = await screen.work(
            lambda uow: operators.create(
                uow,
                email=form.get("email", ""),
                role=form.get("role", ""),
                live=form.get("live") == "on",
                password=None,
                now_ms=now_ms,
                actor=screen.actor,
            ),
            write=True,
        )
    except InvalidRequest as exc:
        return await operator_list(screen, status=400, error=exc.message, form=form)
    return await operator_list(screen, created=record, password=password)


async def operator_change(screen: Screen) -> Response:
    target = screen.request.path_params["operator"]
    action = screen.request.path_params["action"]
    form = screen.form
    now_ms = screen.console.clock.now_ms()
    actor = screen.actor
    if target == screen.operator.id and action in ("disable", "role"):
        return await operator_list(screen, status=400, error=NOT_YOURSELF)
    try:
        if action == "disable":
            await screen.work(
                lambda uow: operators.disable(uow, target, now_ms=now_ms, actor=actor), write=True
            )
        elif action == "enable":
            await screen.work(
                lambda uow: operators.enable(uow, target, now_ms=now_ms, actor=actor), write=True
            )
        elif action == "role":
            await screen.work(
                lambda uow: operators.set_role(
                    uow,
                    target,
                    role=form.get("role", ""),
                    live=form.get("live") == "on",
                    now_ms=now_ms,
                    actor=actor,
                ),
                write=True,
            )
        elif action == "reset":
            record, password = await screen.work(
                lambda uow: operators.reset_password(
                    uow, target, password=None, now_ms=now_ms, actor=actor
                ),
                write=True,
            )
            return await operator_list(screen, reset=record, password=password)
        else:
            return screen.message(NOT_FOUND, 404)
    except InvalidRequest as exc:
        return await operator_list(screen, status=400, error=exc.message)
    done = {"disable": "disabled", "enable": "enabled", "role": "role"}[action]
    return web.redirect(f"/console/operators?done={done}")


# keys ----------------------------------------------------------------------------------------


async def key_list(screen: Screen, *, status: int = 200, **extra: object) -> Response:
    keys = await screen.work(lambda uow: tenancy.list_keys(uow))
    return screen.render(
        "keys.html",
        status,
        section="keys",
        keys=keys,
        done=DONE.get(screen.request.query_params.get("done", "")),
        **extra,
    )


async def key_create(screen: Screen) -> Response:
    form = screen.form
    platform = form.get("platform", "")
    mode = form.get("mode", "")
    if mode not in ("test", "live") or platform not in dict(screen.platforms):
        return await key_list(screen, status=400, error=N_("Choose a platform and a mode."))
    if mode == "live" and not screen.operator.live:
        return await key_list(screen, status=403, error=NO_LIVE[1])
    now_ms = screen.console.clock.now_ms()
    created = await screen.work(
        lambda uow: tenancy.create_key(
            uow, platform_id=platform, livemode=mode == "live", now_ms=now_ms, actor=screen.actor
        ),
        write=True,
    )
    return await key_list(screen, created=created.view, secret=created.secret)


async def key_revoke(screen: Screen) -> Response:
    key_id = screen.request.path_params["key"]
    now_ms = screen.console.clock.now_ms()
    await screen.work(
        lambda uow: tenancy.revoke_key(uow, key_id, now_ms=now_ms, actor=screen.actor), write=True
    )
    return web.redirect("/console/keys?done=revoked")
