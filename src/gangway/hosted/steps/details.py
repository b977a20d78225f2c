"""Personal details (the individual) and business details: one owner's fields each."""

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
from gangway.hosted.wording import STEP_TITLES
from gangway.services import accounts, onboarding

__all__ = ["BUSINESS", "PERSONAL"]


@dataclass(frozen=True)
class Details:
    name: str
    key: str
    """``individual`` or ``business_details`` under ``identity``."""
    order: tuple[str, ...]
    template: str = "step.html"

    def sections(self, ctx: Context) -> list[Section]:
        identity = ctx.view.document.get("identity") or {}
        is_business = self.key == "business_details"
        owner = Owner(
            ("identity", self.key),
            identity.get(self.key) or {},
            ctx.view.country,
            False,
            is_business=is_business,
            entity_type=identity.get("entity_type"),
        )
        subject = "business" if is_business else "individual"
        due = ctx.view.plan.due.get(self.name, [])
        groups = owner_groups(ctx, owner, subject, due, self.order)
        return [
            Section(STEP_TITLES[self.name], groups, owner, notices=notices(due, owner, ctx.view))
        ]

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        params, errors = read_owner_section(shown[0], sent, check_context(ctx))
        if errors:
            return Outcome(errors)
        if not params:
            return Outcome()
        copy_postal_code(params["identity"][self.key])
        sent_numbers = params["identity"][self.key].get("id_numbers")
        on_file = ((ctx.view.document.get("identity") or {}).get(self.key) or {}).get("id_numbers")
        onboarding.keep_other_id_numbers(sent_numbers, on_file)
        return saving(
            lambda: accounts.update(
                ctx.uow, ctx.call, ctx.view.account.id, params, ctx.rules, holder=True
            )
        )


PERSONAL = Details("personal", "individual", planning.PERSON_CONTROLS)
BUSINESS = Details("business", "business_details", planning.BUSINESS_CONTROLS)
