"""Hosted onboarding use cases: redeem a link, keep its session, store uploads, leave.

The hosted form's web layer parses and renders; everything it reads or writes in the database
goes through here (or through the account and person services), inside the caller's one unit of
work. Nothing here opens a second unit of work: the test clock is read through the caller's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gangway.contract import load
from gangway.core.ids import new_id, random_token
from gangway.core.keys import KeyPrincipal
from gangway.requirements import Evaluation, RuleBook
from gangway.services import account_links, accounts, timeline
from gangway.services.context import Call
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.repos.links import FileRecord, HostedSessionRecord
from gangway.store.uow import UnitOfWork

__all__ = [
    "Redemption",
    "Session",
    "SessionState",
    "Snapshot",
    "document_value",
    "end",
    "evaluate_with_new_person",
    "keep_other_id_numbers",
    "now_ms",
    "open_session",
    "principal_of",
    "redeem",
    "save",
    "snapshot",
    "store_upload",
]

#: The hosted session's principal: the link's platform and mode, acting as the account holder.
PRINCIPAL_NAME = "hosted_onboarding"


@dataclass
class SessionState:
    """What a hosted session remembers between requests (sealed in its row)."""

    platform_id: str
    livemode: bool
    account_id: str
    use_case: str
    fields: str
    future_requirements: str
    refresh_url: str
    return_url: str | None
    csrf: str
    locale: str | None = None
    reviewed: bool = False
    """The person has reached the review page: later fixes lead back to it."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionState:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class Session:
    """A live session: its row (to save) and its state."""

    record: HostedSessionRecord
    state: SessionState


@dataclass(frozen=True)
class Redemption:
    """``outcome`` is ``started``, ``refresh`` (used or expired: go to ``refresh_url``) or
    ``unknown`` (no such link)."""

    outcome: str
    refresh_url: str | None = None
    locale: str | None = None


def principal_of(state: SessionState) -> KeyPrincipal:
    return KeyPrincipal(state.platform_id, state.livemode, PRINCIPAL_NAME)


def now_ms(uow: UnitOfWork, principal: KeyPrincipal, real_ms: int) -> int:
    """The principal's "now", read through the caller's unit of work: real time in live mode,
    the platform's test clock in test mode."""
    if principal.livemode:
        return real_ms
    return real_ms + uow.clocks.offset(principal.platform_id)


def redeem(uow: UnitOfWork, token: str, session_secret: str, real_ms: int) -> Redemption:
    """The first visit wins the link and starts a session keyed by ``session_secret``; any other
    visit is sent to the link's ``refresh_url``. One conditional UPDATE decides the winner."""
    token_hash = account_links.digest(token)
    link = uow.links.link(token_hash)
    if link is None:
        return Redemption("unknown")
    kind = link.use_case["type"]
    branch = link.use_case[kind]
    principal = KeyPrincipal(link.platform_id, link.livemode, PRINCIPAL_NAME)
    if not uow.links.redeem(token_hash, now_ms(uow, principal, real_ms)):
        return Redemption("refresh", branch["refresh_url"])
    options = branch.get("collection_options") or {}
    state = SessionState(
        platform_id=link.platform_id,
        livemode=link.livemode,
        account_id=link.account_id,
        use_case=kind,
        fields=options.get("fields", "currently_due"),
        future_requirements=options.get("future_requirements", "omit"),
        refresh_url=branch["refresh_url"],
        return_url=branch.get("return_url"),
        csrf=random_token(43),
    )
    uow.links.add_session(
        HostedSessionRecord(
            id_hash=account_links.digest(session_secret),
            link_hash=token_hash,
            account_id=link.account_id,
            created_ms=real_ms,
            seen_ms=real_ms,
            ended_ms=None,
            state=state.to_dict(),
        )
    )
    return Redemption("started")


def open_session(
    uow: UnitOfWork, secret: str | None, real_ms: int, idle_ms: int
) -> Session | str | None:
    """The live session for a cookie's ``secret``, marked seen; else the ``refresh_url`` of a
    session that ended or idled out, or ``None`` when there is no such session at all."""
    if not secret:
        return None
    record = uow.links.session(account_links.digest(secret))
    if record is None:
        return None
    if record.ended_ms is not None or real_ms - record.seen_ms > idle_ms:
        return str(record.state.get("refresh_url"))
    record.seen_ms = real_ms
    return Session(record, SessionState.from_dict(record.state))


def save(uow: UnitOfWork, session: Session) -> None:
    session.record.state = session.state.to_dict()
    uow.links.save_session(session.record)


def end(uow: UnitOfWork, secret: str, call: Call, real_ms: int) -> None:
    """End the session once and record ``v2.core.account_link.returned`` (a double submit
    records nothing more)."""
    id_hash = account_links.digest(secret)
    record = uow.links.session(id_hash)
    if record is None or not uow.links.end_session(id_hash, real_ms):
        return
    link = uow.links.link(record.link_hash)
    if link is not None:
        account_links.record_returned(uow, link, at_ms=call.now_ms, reason=call.reason())


@dataclass(frozen=True)
class Snapshot:
    """The account as the form shows it: its record, its persons and what it owes now."""

    account: AccountRecord
    persons: list[PersonRecord]
    evaluation: Evaluation


def snapshot(uow: UnitOfWork, call: Call, rules: RuleBook, account_id: str) -> Snapshot:
    account = accounts.retrieve(uow, call, account_id)
    people = list(uow.accounts.persons_of(account.id))
    evaluation = accounts.evaluation(uow, account, rules, call.now_ms)  # stored, while fresh
    return Snapshot(account, people, evaluation)


def evaluate_with_new_person(
    snap: Snapshot, rules: RuleBook, now_ms: int, role: str, person_id: str
) -> Evaluation:
    """What the account would owe with one more, blank, person in ``role``: what a new person's
    form asks for."""
    persons = [{**p.document, "id": p.id} for p in snap.persons]
    blank = {"id": person_id, "relationship": {role: True}}
    return timeline.evaluate_record(snap.account, [*persons, blank], rules, now_ms)


def store_upload(
    uow: UnitOfWork,
    call: Call,
    account: AccountRecord,
    document_name: str,
    content_type: str,
    content: bytes,
) -> str:
    """Keep an uploaded document (sealed, like every stored document) and return its file id."""
    file_id = new_id("file", length=24)
    uow.links.add_file(
        FileRecord(
            id=file_id,
            platform_id=account.platform_id,
            livemode=account.livemode,
            account_id=account.id,
            purpose="identity_document"
            if document_name in ("primary_verification", "secondary_verification")
            else "account_requirement",
            created_ms=call.now_ms,
            content_type=content_type,
            content=content,
        )
    )
    return file_id


#: Where each subject's documents sit in the SDK's params.
_DOCUMENTS_AT = {
    "individual": ("AccountUpdateParams", ("identity", "individual", "documents")),
    "business": ("AccountUpdateParams", ("identity", "business_details", "documents")),
    "person": ("PersonUpdateParams", ("documents",)),
}


def document_value(subject_kind: str, document_name: str, file_ids: list[str]) -> dict[str, Any]:
    """The API value that attaches ``file_ids`` as document ``document_name``, in the shape the
    SDK's params declare for it: ``front_back`` (an ID's front, then its back) or ``files``.
    ``KeyError`` when the subject has no such document."""
    name, path = _DOCUMENTS_AT[subject_kind]
    node = load.params_node(name)
    for part in (*path, document_name):
        node = load.resolve(load.resolve(node)["fields"][part])
    if "front_back" in node["fields"]:
        sides = dict(zip(("front", "back"), file_ids, strict=False))
        return {"type": "front_back", "front_back": sides}
    return {"type": "files", "files": list(file_ids)}


def keep_other_id_numbers(sent: list[dict[str, Any]] | None, existing: Any) -> None:
    """A form sends one ID number; the other types on file stay (the API replaces the list)."""
    if sent:
        types = {n["type"] for n in sent}
        sent[:0] = [
            dict(n) for n in existing or [] if isinstance(n, Mapping) and n.get("type") not in types
        ]
