"""Account Links: minting the single-use URL, redeeming it once, and leaving through return_url.

The URL carries a 256-bit token; only its SHA-256 is stored. The first visit redeems the link in
one conditional update and starts a hosted session; every later visit, and any visit after
``expires_at``, is sent to ``refresh_url`` (Stripe: "the link was already visited, expired, or
pre-fetched by a messaging client").

``create`` checks its params against the contract (``check_params``) before its first repository
access, whoever calls it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from gangway.contract import params as contract
from gangway.core.accounts import CONFIGURATIONS, applied_configurations, requirements_collector
from gangway.core.errors import FieldInvalid, InvalidRequest, NotFound
from gangway.core.ids import random_token, sortable_id
from gangway.services.context import Call
from gangway.store.repos.accounts import AccountRecord
from gangway.store.repos.events import EventRecord
from gangway.store.repos.links import LinkRecord
from gangway.store.uow import UnitOfWork
from gangway.validation import urls

__all__ = ["Minted", "check_params", "create", "digest", "record_returned", "url_path"]

URL_PATH = "/onboarding/link/"


@dataclass(frozen=True)
class Minted:
    link: LinkRecord
    url: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def url_path(token: str) -> str:
    return URL_PATH + token


def check_params(body: object) -> dict[str, Any]:
    """``AccountLinkCreateParams`` of 16.1.0, plus ``use_case[<type>][configurations]``, which
    older API versions (``2025-07-30.preview``, stripe-python 15.x) require: checked first, with
    messages of its own, then put back for ``create`` to compare with the account's applied
    configurations. ``body`` itself is left as it was."""
    carried: dict[str, list[str]] = {}
    if isinstance(body, dict) and isinstance(body.get("use_case"), dict):
        stripped = dict(body["use_case"])
        for kind in ("account_onboarding", "account_update"):
            branch = stripped.get(kind)
            if isinstance(branch, dict) and "configurations" in branch:
                carried[kind] = _configurations(branch["configurations"], kind)
                stripped[kind] = {k: v for k, v in branch.items() if k != "configurations"}
        if carried:
            body = {**body, "use_case": stripped}
    params = contract.check("AccountLinkCreateParams", body)
    if carried:
        params = {**params, "use_case": dict(params["use_case"])}
        for kind, configurations in carried.items():
            params["use_case"][kind] = {
                **params["use_case"][kind],
                "configurations": configurations,
            }
    return params


def create(
    uow: UnitOfWork, call: Call, params: dict[str, Any], *, public_url: str, lifetime_ms: int
) -> Minted:
    """Mint a link from ``AccountLinkCreateParams`` (checked here: ``check_params``)."""
    params = check_params(params)
    use_case = params["use_case"]
    kind = use_case["type"]
    other = "account_update" if kind == "account_onboarding" else "account_onboarding"
    branch = use_case.get(kind)
    if branch is None:
        raise InvalidRequest(
            f"use_case[{kind}] is required when use_case[type] is {kind}.",
            code="parameter_missing",
            param=f"use_case[{kind}]",
        )
    if use_case.get(other) is not None:
        raise InvalidRequest(
            f"use_case[{other}] cannot be set when use_case[type] is {kind}.",
            code="parameter_unknown",
            param=f"use_case[{other}]",
        )
    for name in ("refresh_url", "return_url"):
        if name in branch:
            try:
                urls.web_url(branch[name], use="link", https_only=call.livemode)
            except FieldInvalid as exc:
                raise exc.at("use_case", kind, name) from None

    account = uow.accounts.get(call.principal, params["account"])
    if account is None:
        raise NotFound(f"No such account: '{params['account']}'", param="account")
    _check_account(account, kind, branch.get("configurations"))

    token = f"alu_{'live' if call.livemode else 'test'}_" + random_token(43)
    options = branch.get("collection_options") or {}
    wire_branch = {
        "configurations": list(branch.get("configurations") or account.applied()),
        "collection_options": {
            "fields": options.get("fields", "currently_due"),
            "future_requirements": options.get("future_requirements", "omit"),
        },
        "refresh_url": branch["refresh_url"],
        "return_url": branch.get("return_url"),
    }
    link = LinkRecord(
        token_hash=digest(token),
        platform_id=call.principal.platform_id,
        livemode=call.livemode,
        account_id=account.id,
        created_ms=call.now_ms,
        expires_ms=call.now_ms + lifetime_ms,
        redeemed_ms=None,
        use_case={"type": kind, kind: wire_branch, other: None},
    )
    uow.links.add_link(link)
    return Minted(link=link, url=public_url + url_path(token))


def record_returned(
    uow: UnitOfWork, link: LinkRecord, *, at_ms: int, reason: dict[str, Any] | None
) -> EventRecord:
    """``v2.core.account_link.returned``: the user left the flow through ``return_url``. It has
    no ``related_object`` (account links cannot be retrieved)."""
    kind = link.use_case["type"]
    event = EventRecord(
        id=sortable_id("evt", livemode=link.livemode, at_ms=at_ms),
        platform_id=link.platform_id,
        livemode=link.livemode,
        type="v2.core.account_link.returned",
        created_ms=at_ms,
        object_id=link.account_id,
        payload={
            "context": link.account_id,
            "related_object": None,
            "reason": reason,
            "data": {
                "account_id": link.account_id,
                "configurations": link.use_case[kind]["configurations"],
                "use_case": kind,
            },
        },
    )
    uow.events.add(event)
    return event


def _configurations(value: Any, kind: str) -> list[str]:
    param = f"use_case[{kind}][configurations]"
    if not isinstance(value, list):  # ``[]`` is well-typed (no minItems): compared as any list
        raise InvalidRequest(
            f"{param} must be an array of configuration names.",
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


def _check_account(account: AccountRecord, kind: str, configurations: list[str] | None) -> None:
    if account.closed:
        raise InvalidRequest(
            f"The account {account.id} is closed: it cannot be onboarded or updated.",
            code="account_closed",
            param="account",
        )
    applied = applied_configurations(account.document)
    if configurations is not None and sorted(set(configurations)) != sorted(applied):
        raise InvalidRequest(
            "The configurations in the request must match those on the account: "
            f"expected {', '.join(applied) or 'none'}.",
            code="configs_must_match_to_use_account_links",
            param=f"use_case[{kind}][configurations]",
        )
    if kind == "account_update" and requirements_collector(account.document) != "application":
        raise InvalidRequest(
            "account_update links are only for accounts whose platform collects requirements "
            "(defaults.responsibilities: losses_collector and fees_collector application, and "
            f"no Stripe-hosted dashboard). Stripe collects {account.id}'s requirements: use "
            "account_onboarding.",
            code="account_update_not_allowed",
            param="use_case[type]",
        )
