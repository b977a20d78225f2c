"""One person: the representative, or an owner, director or executive added or edited.

A new person's form asks what the account would owe with one more person in that role; the
representative is also asked whether they own or direct the business, as Stripe asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from gangway.hosted import plan as planning
from gangway.hosted.controls.model import Owner, Section
from gangway.hosted.steps.common import (
    Context,
    Outcome,
    Submission,
    check_context,
    copy_postal_code,
    notices,
    owner_groups,
    read_owner_section,
    saving,
)
from gangway.hosted.view import due_of
from gangway.hosted.wording import ROLE_TITLES, STEP_TITLES
from gangway.services import onboarding, persons
from gangway.store.repos.accounts import PersonRecord

__all__ = ["PERSON", "REPRESENTATIVE"]

NEW = "person_new"
#: What each role's form asks beyond the requirements.
ROLE_EXTRAS = {
    "representative": (
        "relationship.title",
        "relationship.executive",
        "relationship.director",
        "relationship.owner",
        "relationship.percent_ownership",
    ),
    "owner": ("relationship.percent_ownership",),
    "executive": ("relationship.title",),
    "director": (),
}


@dataclass(frozen=True)
class PersonStep:
    name: str
    plan_step: str
    """The plan step whose dues the person's are: ``representative`` or ``people``."""
    template: str = "step.html"

    def sections(self, ctx: Context) -> list[Section]:
        person = _person(ctx)
        role = ctx.role or "representative"
        owner = Owner((), person.document if person else {}, ctx.view.country, True)
        if person is None:
            probe = onboarding.evaluate_with_new_person(
                ctx.view.snapshot, ctx.rules, ctx.call.now_ms, role, NEW
            )
            due = [
                d
                for d in due_of(probe.requirements, probe.future_requirements, ctx.view.state)
                if d.subject == NEW
            ]
            subject = NEW
        else:
            subject = person.id
            due = [d for d in ctx.view.plan.due.get(self.plan_step, []) if d.subject == subject]
        if person is not None:
            roles = person.document.get("relationship") or {}
            role = next((r for r in ROLE_EXTRAS if roles.get(r) is True), role)
        title = ROLE_TITLES.get(role, STEP_TITLES["representative"])
        groups = owner_groups(
            ctx, owner, subject, due, planning.PERSON_CONTROLS, extra=ROLE_EXTRAS.get(role, ())
        )
        return [
            Section(
                title,
                groups,
                owner,
                person.id if person else None,
                notices=notices(due, owner, ctx.view),
            )
        ]

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        section = shown[0]
        params, errors = read_owner_section(section, sent, check_context(ctx))
        if errors:
            return Outcome(errors)
        copy_postal_code(params)
        account_id = ctx.view.account.id
        existing = section.person_id
        if existing is None:
            params.setdefault("relationship", {})[ctx.role or "representative"] = True
            created: list[str] = []
            outcome = saving(
                lambda: created.append(
                    persons.create(ctx.uow, ctx.call, account_id, params, ctx.rules).id
                )
            )
            outcome.person_id = created[0] if created else None
            return outcome
        if not params:
            return Outcome(person_id=existing)
        if section.owner is not None:
            onboarding.keep_other_id_numbers(
                params.get("id_numbers"), section.owner.document.get("id_numbers")
            )
        outcome = saving(
            lambda: persons.update(ctx.uow, ctx.call, account_id, existing, params, ctx.rules)
        )
        outcome.person_id = existing
        return outcome


def _person(ctx: Context) -> PersonRecord | None:
    if ctx.person_id:
        return next((p for p in ctx.view.persons if p.id == ctx.person_id), None)
    if ctx.role:
        return None
    return next(
        (
            p
            for p in ctx.view.persons
            if (p.document.get("relationship") or {}).get("representative") is True
        ),
        None,
    )


REPRESENTATIVE = PersonStep("representative", "representative")
PERSON = PersonStep("person", "people")
