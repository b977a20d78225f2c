"""Owners and directors: the list of persons, and the attestations that it is complete.

An attestation is offered on the page that lists the people it is about, and naming no
director while attesting that all directors were added is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gangway.hosted import paths
from gangway.hosted.controls.model import FieldError, Group, Input, Section
from gangway.hosted.i18n import N_
from gangway.hosted.steps.common import Context, Outcome, Submission, saving
from gangway.hosted.wording import STEP_TITLES
from gangway.services import accounts

__all__ = ["PEOPLE"]

ATTESTATIONS = {
    "owners": N_("I have added everyone who owns 25% or more of the business."),
    "directors": N_("I have added all of the business's directors."),
    "executives": N_("I have added the business's executives."),
}
_ROLE_OF = {"owners": "owner", "directors": "director", "executives": "executive"}


@dataclass(frozen=True)
class People:
    name: str = "people"
    template: str = "people.html"

    def sections(self, ctx: Context) -> list[Section]:
        due = ctx.view.plan.due.get(self.name, [])
        provided = _provided(ctx.view.document)
        groups = []
        for kind, label in ATTESTATIONS.items():
            wanted = any(d.key == f"identity.attestations.persons_provided.{kind}" for d in due)
            if wanted or provided.get(kind):
                name = paths.name("identity", "attestations", "persons_provided", kind)
                item = Input(name, label, kind="checkbox", checked=provided.get(kind) is True)
                groups.append(Group(kind, label, [item]))
        return [Section(STEP_TITLES[self.name], groups)]

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        attested: dict[str, bool] = {}
        errors: dict[str, FieldError] = {}
        for group in shown[0].groups:
            item = group.inputs[0]
            ticked = paths.lookup(sent.form, paths.split(item.name)) == "on"
            if ticked and not _anyone_in(ctx, _ROLE_OF[group.key]) and group.key == "directors":
                errors[item.name] = FieldError("directors_missing")
            attested[group.key] = ticked
        if errors:
            return Outcome(errors)
        if not attested:
            return Outcome()
        params = {"identity": {"attestations": {"persons_provided": attested}}}
        return saving(
            lambda: accounts.update(
                ctx.uow, ctx.call, ctx.view.account.id, params, ctx.rules, holder=True
            )
        )


def _provided(document: Mapping[str, Any]) -> Mapping[str, Any]:
    found = paths.lookup(document, ["identity", "attestations", "persons_provided"])
    return found if isinstance(found, Mapping) else {}


def _anyone_in(ctx: Context, role: str) -> bool:
    return any((p.document.get("relationship") or {}).get(role) is True for p in ctx.view.persons)


PEOPLE = People()
