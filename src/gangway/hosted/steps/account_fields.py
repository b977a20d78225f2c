"""Steps that ask for the account's own fields: business type, profile and public details.

Each input is declared once (``Field``): its param path, label and kind; reading posts the
trimmed value to the same path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pycountry

from gangway.core.errors import InvalidRequest
from gangway.core.field_checks import check_account_params
from gangway.hosted import limits, paths
from gangway.hosted.controls.build import choice_group
from gangway.hosted.controls.model import FieldError, Group, Input, Section
from gangway.hosted.controls.read import read_plain
from gangway.hosted.i18n import N_
from gangway.hosted.industries import MCC_CHOICES
from gangway.hosted.steps.common import (
    Context,
    Errors,
    Outcome,
    Submission,
    check_context,
    notices,
    saving,
)
from gangway.hosted.wording import STEP_TITLES
from gangway.services import accounts

__all__ = ["BUSINESS_TYPE", "PROFILE", "PUBLIC"]

ENTITY_TYPES = (
    ("individual", N_("Individual or sole trader")),
    ("company", N_("Company")),
    ("non_profit", N_("Non-profit organisation")),
)


@dataclass(frozen=True)
class Field:
    """One account input, named by its param path."""

    path: tuple[str, ...]
    label: str
    kind: str = "text"
    autocomplete: str | None = None
    hint: str | None = None
    choices: tuple[tuple[str, str], ...] = ()

    def group(self, ctx: Context, required: bool) -> Group:
        if self.choices:
            value = paths.lookup(ctx.view.document, self.path)
            return choice_group(paths.name(*self.path), self.label, self.kind, self.choices, value)
        item = Input(
            paths.name(*self.path),
            self.label,
            kind=self.kind,
            value=str(paths.lookup(ctx.view.document, self.path) or ""),
            autocomplete=self.autocomplete,
            hint=self.hint,
            required=required,
            maxlength=limits.max_length(False, self.path),
        )
        return Group(self.path[-1], self.label, [item])


MCC = Field(
    ("configuration", "merchant", "mcc"), N_("Industry"), kind="select", choices=MCC_CHOICES
)
URL = Field(
    ("defaults", "profile", "business_url"),
    N_("Business website"),
    kind="url",
    autocomplete="url",
    hint=N_("No website? Describe what you sell below instead."),
)
DESCRIPTION = Field(
    ("defaults", "profile", "product_description"), N_("Product description"), kind="textarea"
)
DESCRIPTOR = Field(
    ("configuration", "merchant", "statement_descriptor", "descriptor"),
    N_("Statement descriptor"),
    hint=N_("Shown on your customers' bank statements: 5 to 22 characters."),
)
SUPPORT_PHONE = Field(
    ("configuration", "merchant", "support", "phone"),
    N_("Support phone number"),
    kind="tel",
    autocomplete="tel",
)


def read_fields(
    ctx: Context, shown: list[Section], sent: Submission, either: frozenset[str] = frozenset()
) -> tuple[dict[str, object], Errors]:
    """Every input's value placed at its path, checked by the API's validators. Inputs in
    ``either`` are one of several ways to give a value: their caller checks that one was."""
    params: dict[str, object] = {}
    errors: Errors = {}
    context = check_context(ctx)
    for section in shown:
        for group in section.groups:
            item = group.inputs[0]
            path = paths.split(item.name)
            given, value = read_plain(paths.lookup(sent.form, path))
            if not given:
                if sent.finishing and item.required and item.name not in either:
                    errors[item.name] = FieldError("required")
                continue
            fragment: dict[str, object] = {}
            paths.place(fragment, path, value)
            try:
                check_account_params(fragment, context)
            except InvalidRequest as exc:
                errors[item.name] = FieldError(exc.code or "invalid", exc.message)
                continue
            paths.place(params, path, value)
    return params, errors


def save_fields(ctx: Context, params: dict[str, object]) -> Outcome:
    if not params:
        return Outcome()
    return saving(
        lambda: accounts.update(
            ctx.uow, ctx.call, ctx.view.account.id, params, ctx.rules, holder=True
        )
    )


@dataclass(frozen=True)
class BusinessType:
    name: str = "business_type"
    template: str = "step.html"

    def sections(self, ctx: Context) -> list[Section]:
        identity = ctx.view.document.get("identity") or {}
        groups = []
        if not identity.get("country"):
            countries = _countries(sorted(ctx.rules.countries))
            groups.append(
                choice_group(
                    "identity[country]",
                    N_("Country"),
                    "select",
                    countries,
                    identity.get("country"),
                    literal=True,
                )
            )
        groups.append(
            choice_group(
                "identity[entity_type]",
                N_("Type of business"),
                "radio",
                ENTITY_TYPES,
                identity.get("entity_type"),
            )
        )
        return [Section(STEP_TITLES[self.name], groups)]

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        params, errors = read_fields(ctx, shown, sent)
        return Outcome(errors) if errors else save_fields(ctx, params)


@dataclass(frozen=True)
class Profile:
    name: str = "profile"
    template: str = "step.html"

    def sections(self, ctx: Context) -> list[Section]:
        due = ctx.view.plan.due.get(self.name, [])
        owed = {d.key for d in due}
        groups = []
        if ctx.view.merchant:
            groups.append(MCC.group(ctx, True))
        # a website or a description: the description is marked when it is owed (it stands in
        # for a website), the website when only it is
        describe = "defaults.profile.product_description" in owed
        groups.append(URL.group(ctx, "defaults.profile.business_url" in owed and not describe))
        groups.append(DESCRIPTION.group(ctx, describe))
        return [Section(STEP_TITLES[self.name], groups, notices=notices(due, view=ctx.view))]

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        either = frozenset({paths.name(*URL.path), paths.name(*DESCRIPTION.path)})
        params, errors = read_fields(ctx, shown, sent, either)
        profile = paths.lookup(params, ["defaults", "profile"])
        owes = any(
            d.key.startswith("defaults.profile.") for d in ctx.view.plan.due.get("profile", [])
        )
        if sent.finishing and not profile and owes:
            errors.setdefault(paths.name(*URL.path), FieldError("website_or_description"))
        return Outcome(errors) if errors else save_fields(ctx, params)


@dataclass(frozen=True)
class Public:
    name: str = "public"
    template: str = "step.html"

    def sections(self, ctx: Context) -> list[Section]:
        groups = [DESCRIPTOR.group(ctx, False), SUPPORT_PHONE.group(ctx, False)]
        owed = {d.key for d in ctx.view.plan.due.get(self.name, [])}
        for group, key in zip(
            groups,
            (
                "configuration.merchant.statement_descriptor",
                "configuration.merchant.support.phone",
            ),
            strict=True,
        ):
            group.inputs[0].required = key in owed
        return [Section(STEP_TITLES[self.name], groups)]

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        params, errors = read_fields(ctx, shown, sent)
        return Outcome(errors) if errors else save_fields(ctx, params)


def _countries(codes: Sequence[str]) -> list[tuple[str, str]]:
    names = [
        (c, getattr(pycountry.countries.get(alpha_2=c.upper()), "name", c.upper())) for c in codes
    ]
    return sorted(names, key=lambda p: p[1])


BUSINESS_TYPE = BusinessType()
PROFILE = Profile()
PUBLIC = Public()
