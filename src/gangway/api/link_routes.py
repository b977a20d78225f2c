"""``POST /v2/core/account_links``."""

from __future__ import annotations

from typing import Any

from gangway.api import params as param_checks
from gangway.api import render
from gangway.api.app import Request, Route
from gangway.core.accounts import CONFIGURATIONS
from gangway.core.errors import InvalidRequest
from gangway.services import account_links

__all__ = ["account_link_routes", "check_link_params"]


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
        Route("POST", "/v2/core/account_links", create_link, check_link_params, write=True),
    ]


def check_link_params(body: Any) -> dict[str, Any]:
    """The 16.1.0 params, plus ``use_case[<type>][configurations]``, which older API versions
    (``2025-07-30.preview``, stripe-python 15.x) require: it is checked here and then compared
    with the account's applied configurations by the service."""
    carried: dict[str, list[str]] = {}
    use_case = body.get("use_case") if isinstance(body, dict) else None
    if isinstance(use_case, dict):
        for kind in ("account_onboarding", "account_update"):
            branch = use_case.get(kind)
            if isinstance(branch, dict) and "configurations" in branch:
                carried[kind] = _configurations(branch.pop("configurations"), kind)
    params = param_checks.check("AccountLinkCreateParams", body)
    for kind, configurations in carried.items():
        params["use_case"][kind]["configurations"] = configurations
    return params


def _configurations(value: Any, kind: str) -> list[str]:
    param = f"use_case[{kind}][configurations]"
    if not isinstance(value, list) or not value:
        raise InvalidRequest(
            f"{param} must be a non-empty array of configuration names.",
            code="parameter_invalid_type",
            param=param,
        )
    for index, name in enumerate(value):
        if name not in CONFIGURATIONS:
            raise InvalidRequest(
                f"{param}[{index}] must be one of {', '.join(CONFIGURATIONS)}.",
                code="parameter_invalid_enum",
                param=f"{param}[{index}]",
            )
    return list(value)
