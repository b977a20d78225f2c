"""``POST /v1/account_links``: v1's params onto the one Account Links service.

Why no second link type: a v1 link is a v2 link (``services.account_links``) minted from
translated params, so it has the same single-use expiring URL, opens the same hosted form and
follows the same rules (``account_update`` only where the platform collects requirements).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

from gangway.api.app import Request, Route
from gangway.core.errors import GangwayError, InvalidRequest
from gangway.services import account_links
from gangway.v1.accounts_params import check_shape
from gangway.v1.routing import form_route

__all__ = ["to_link_params", "v1_account_link_routes", "v1_link_param"]

_FIELDS: Final = ("currently_due", "eventually_due")
PARAMS: Final = {
    "account": "str",
    "collect": _FIELDS,
    "collection_options": {"fields": _FIELDS, "future_requirements": ("include", "omit")},
    "expand": "str_list",
    "refresh_url": "str",
    "return_url": "str",
    "type": ("account_onboarding", "account_update"),
}


def _missing(name: str) -> InvalidRequest:
    return InvalidRequest(f"Missing required param: {name}.", code="parameter_missing", param=name)


def to_link_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """v1 ``AccountLinkCreateParams`` to v2's: ``type`` becomes ``use_case[type]``, and the URLs
    and collection options move under ``use_case[<type>]``. The deprecated ``collect`` is
    ``collection_options[fields]``; sending both is refused, as Stripe does."""
    checked: dict[str, Any] = check_shape(PARAMS, dict(params), ())
    for index, path in enumerate(checked.get("expand") or []):  # a link has nothing to expand
        raise InvalidRequest(
            f"This property cannot be expanded ({path[:200]}).",
            code="parameter_invalid_expand",
            param=f"expand[{index}]",
        )
    for name in ("account", "type"):
        if not checked.get(name):
            raise _missing(name)
    if checked.get("collect") and checked.get("collection_options"):
        raise InvalidRequest(
            "You cannot specify both collect and collection_options; collect is deprecated, "
            "use collection_options[fields].",
            code="parameter_invalid",
            param="collect",
        )
    options = dict(checked.get("collection_options") or {})
    if checked.get("collect"):
        options["fields"] = checked["collect"]
    kind = checked["type"]
    branch: dict[str, Any] = {
        name: checked[name] for name in ("refresh_url", "return_url") if checked.get(name)
    }
    if options:
        branch["collection_options"] = options
    return {"account": checked["account"], "use_case": {"type": kind, kind: branch}}


def v1_link_param(v2_param: str | None) -> str | None:
    """``use_case[account_onboarding][refresh_url]`` -> ``refresh_url``, ``use_case[type]`` ->
    ``type``: the name the v1 caller sent."""
    if not v2_param or not v2_param.startswith("use_case["):
        return v2_param
    rest = v2_param[len("use_case[") :]
    if rest.startswith("type]"):
        return "type" + rest[len("type]") :]
    for kind in ("account_onboarding", "account_update"):
        prefix = kind + "]"
        if rest.startswith(prefix):
            inner = rest[len(prefix) :]
            if not inner:
                return "type"
            head, _, tail = inner[1:].partition("]")
            return head + tail
    return v2_param


@contextmanager
def _v1_params() -> Iterator[None]:
    try:
        yield
    except GangwayError as exc:
        exc.param = v1_link_param(exc.param)
        raise


def render(created_ms: int, expires_ms: int, url: str) -> dict[str, Any]:
    return {
        "object": "account_link",
        "created": created_ms // 1000,
        "expires_at": expires_ms // 1000,
        "url": url,
    }


def v1_account_link_routes(*, public_url: str, lifetime_ms: int) -> list[Route]:
    def create(request: Request) -> tuple[int, dict[str, Any]]:
        params = to_link_params(request.params)
        if not params["use_case"][params["use_case"]["type"]].get("refresh_url"):
            raise _missing("refresh_url")
        with _v1_params():
            minted = account_links.create(
                request.uow, request.call, params, public_url=public_url, lifetime_ms=lifetime_ms
            )
        return 200, render(minted.link.created_ms, minted.link.expires_ms, minted.url)

    return [
        form_route("POST", "/v1/account_links", create, write=True),
    ]
