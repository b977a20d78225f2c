"""One request of the form, start to finish, inside one unit of work.

The web layer (``hosted.app``) parses a request into a ``Visit`` and renders the ``Result``;
this module finds the session, plans the steps, lets the step show or save itself and decides
where to go next. A refused submission raises ``Refused`` so the unit of work rolls back:
nothing half-written.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gangway.core.clock import Clock
from gangway.core.ids import random_token
from gangway.hosted import i18n, paths
from gangway.hosted.controls.model import FieldError, Section
from gangway.hosted.results import Ended, Exit, Forbidden, Page, Redirect, Result
from gangway.hosted.steps import REGISTRY, Context, Submission, Upload
from gangway.hosted.view import View, load_view
from gangway.requirements import RuleBook
from gangway.services import onboarding, persons
from gangway.services.context import Call
from gangway.services.onboarding import SessionState
from gangway.store.uow import UnitOfWork

__all__ = ["ROLES", "Flow", "Refused", "Visit", "csrf_ok"]

ROLES = frozenset({"owner", "director", "executive", "representative"})
_SECRET_FIELDS = ("[value]", "[iban]", "[account_number]")
"""Inputs never echoed back into a page: ID numbers and bank account numbers."""


@dataclass(frozen=True)
class Visit:
    """A request as the flow needs it, parsed by the web layer."""

    method: str
    secret: str | None
    step: str | None
    """``None`` for the entry point; ``person`` for one person's page."""
    person_id: str | None = None
    role: str | None = None
    locale: str | None = None
    query: str = ""
    accept_language: str | None = None
    form: Mapping[str, Any] = field(default_factory=dict)
    uploads: Mapping[str, Upload] = field(default_factory=dict)
    upload_errors: Mapping[str, FieldError] = field(default_factory=dict)
    client: Mapping[str, str] = field(default_factory=dict)
    origin_ok: bool = True


class Refused(Exception):
    """A submission did not validate: leave the unit of work (rolling it back), show ``page``."""

    def __init__(self, page: Page) -> None:
        super().__init__("refused")
        self.page = page


class Flow:
    def __init__(self, rules: RuleBook, clock: Clock, idle_ms: int) -> None:
        self.rules = rules
        self.clock = clock
        self.idle_ms = idle_ms

    def call(self, uow: UnitOfWork, state: SessionState) -> Call:
        principal = onboarding.principal_of(state)
        return Call(
            principal=principal,
            request_id="req_" + random_token(14),
            clock=lambda: onboarding.now_ms(uow, principal, self.clock.now_ms()),
        )

    def session(self, uow: UnitOfWork, visit: Visit) -> onboarding.Session | Ended:
        found = onboarding.open_session(uow, visit.secret, self.clock.now_ms(), self.idle_ms)
        if found is None or isinstance(found, str):
            return Ended(found)
        return found

    def handle(self, uow: UnitOfWork, visit: Visit) -> Result:
        session = self.session(uow, visit)
        if isinstance(session, Ended):
            return session
        state = session.state
        if visit.method == "POST" and not csrf_ok(visit, state):
            return Forbidden()
        if visit.locale in i18n.SUPPORTED and visit.locale != state.locale:
            state.locale = visit.locale
        if visit.step == "review" and visit.method == "GET":
            state.reviewed = True
        onboarding.save(uow, session)
        call = self.call(uow, state)
        view = load_view(uow, call, self.rules, state)
        if visit.step is None:  # the entry point: on to the first step that owes something
            query = f"?{visit.query}" if visit.query else ""
            return Redirect(f"/onboarding/step/{view.plan.first()}{query}", state)
        current = visit.step
        if current != "person" and current not in view.plan.steps:
            current = view.plan.first()
        step = REGISTRY[current]
        person_id = None if visit.person_id == "new" else visit.person_id
        ctx = Context(uow, call, self.rules, view, self._locale(visit, view), person_id, visit.role)
        shown = step.sections(ctx)
        nav = current if current != "person" else "people"
        page = Page(state, view, ctx.locale, current, nav, step.template, shown)
        if visit.method == "GET":
            return page
        action = visit.form.get("action")
        if action == "delete" and person_id:
            persons.delete(uow, call, view.account.id, person_id, self.rules)
            return Redirect("/onboarding/step/people", state)
        finishing = action in ("continue", "submit")
        if visit.upload_errors:
            raise Refused(_refused(page, visit, dict(visit.upload_errors), None))
        sent = Submission(visit.form, finishing, visit.uploads, visit.client)
        outcome = step.submit(ctx, shown, sent)
        if outcome.failed:
            raise Refused(_refused(page, visit, outcome.errors, outcome.form_error))
        if action == "save" or (current == "review" and finishing):
            return Exit(state)
        if current == "person":
            return Redirect("/onboarding/step/people", state)
        after = load_view(uow, call, self.rules, state)
        return Redirect(f"/onboarding/step/{after.plan.next_after(current)}", state)

    def locale_of(self, visit: Visit, state: SessionState | None) -> str:
        explicit = visit.locale
        if explicit is None and state is not None:
            explicit = state.locale
        return i18n.negotiate(explicit, [], visit.accept_language)

    def _locale(self, visit: Visit, view: View) -> str:
        explicit = visit.locale if visit.locale is not None else view.state.locale
        defaults = view.document.get("defaults") or {}
        return i18n.negotiate(explicit, list(defaults.get("locales") or []), visit.accept_language)


def csrf_ok(visit: Visit, state: SessionState) -> bool:
    sent = visit.form.get("csrf_token")
    return (
        visit.origin_ok
        and isinstance(sent, str)
        and bool(sent)
        and hmac.compare_digest(sent.encode(), state.csrf.encode())
    )


def _refused(
    page: Page, visit: Visit, errors: dict[str, FieldError], form_error: str | None
) -> Page:
    """The page again, with the values entered kept and each error on its input."""
    placed = _place_errors(page.sections, errors)
    unplaced = [e for name, e in errors.items() if name not in placed and name != "tos"]
    for section in page.sections:
        for item in section.inputs():
            if item.kind in ("file", "hidden"):
                continue
            value = paths.lookup(visit.form, paths.split(item.name))
            if item.kind == "checkbox":
                item.checked = value == "on"
            elif not item.name.endswith(_SECRET_FIELDS):
                item.value = value if isinstance(value, str) else ""
    page.errors = errors
    page.form_error = form_error or (unplaced[0].detail or unplaced[0].code if unplaced else None)
    page.status = 400
    return page


def _place_errors(sections: list[Section], errors: Mapping[str, FieldError]) -> set[str]:
    """Put each error on the input it names, or on the input whose name it starts with
    (``...[address]`` for ``...[address][line1]``); returns the names placed."""
    inputs = [i for s in sections for i in s.inputs()]
    placed = set()
    for name, error in errors.items():
        target = next((i for i in inputs if i.name == name), None) or next(
            (i for i in inputs if i.kind != "hidden" and name.startswith(i.name + "[")), None
        )
        if target is not None:
            target.error = error
            placed.add(name)
    return placed
