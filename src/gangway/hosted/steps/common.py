"""What every step shares: its context, the submission, the outcome, and owner-field plumbing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from gangway.core.errors import InvalidRequest
from gangway.core.field_checks import CheckContext
from gangway.hosted import paths
from gangway.hosted import plan as planning
from gangway.hosted.controls.build import build_group
from gangway.hosted.controls.model import FieldError, Group, Input, Owner, Section
from gangway.hosted.controls.read import IncompleteDate, check_value, input_for, read_value
from gangway.hosted.view import View
from gangway.hosted.wording import FULL_ID_NEEDED, GENERIC_REASON, REASONS
from gangway.requirements import RuleBook
from gangway.services.context import Call
from gangway.store.uow import UnitOfWork

__all__ = [
    "Context",
    "Errors",
    "Outcome",
    "Step",
    "Submission",
    "Upload",
    "check_context",
    "copy_postal_code",
    "notices",
    "owner_groups",
    "read_owner_section",
    "saving",
]

Errors = dict[str, FieldError]


@dataclass(frozen=True)
class Upload:
    """A file that passed the web layer's checks: its sniffed type and its bytes."""

    content_type: str
    content: bytes


@dataclass(frozen=True)
class Context:
    """One request's step: where the data is and who it is about."""

    uow: UnitOfWork
    call: Call
    rules: RuleBook
    view: View
    locale: str
    person_id: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Submission:
    """A posted step: its params (bracketed names decoded), uploads and the client."""

    form: Mapping[str, Any]
    finishing: bool
    """Continue or Submit, not Save for later: every field the step asks for is required."""
    uploads: Mapping[str, Upload] = field(default_factory=dict)
    client: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    errors: Errors = field(default_factory=dict)
    form_error: str | None = None
    person_id: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.form_error)


class Step(Protocol):
    """A step of the form: what it shows and what submitting it changes."""

    @property
    def name(self) -> str: ...

    @property
    def template(self) -> str: ...

    def sections(self, ctx: Context) -> list[Section]: ...

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome: ...


def saving(action: Callable[[], object]) -> Outcome:
    """Run a service call; its refusal becomes an error on the input its ``param`` names."""
    try:
        action()
    except InvalidRequest as exc:
        if exc.param:
            error = FieldError.refused(exc.code or "invalid", exc.message, exc.param)
            return Outcome({exc.param: error})
        return Outcome(form_error=exc.message)
    return Outcome()


def owner_groups(
    ctx: Context,
    owner: Owner,
    subject: str,
    due: Sequence[planning.Due],
    order: Sequence[str],
    extra: Sequence[str] = (),
) -> list[Group]:
    """The controls of one owner's form: what is owed, what is on file, and ``extra``."""
    wanted = {d.key: d.descriptions for d in due if d.subject == subject}
    keys = [k for k in order if k in wanted or k in extra or _provided(owner.document, k)]
    if ctx.view.country != "jp":
        keys = [k for k in keys if not k.startswith("script_") or k in wanted]
    groups = [build_group(k, owner, ctx.locale, wanted.get(k, ()), k in wanted) for k in keys]
    for group in groups:
        if group.key not in wanted and group.key not in extra:
            for item in group.inputs:
                item.on_file = True
    if {"script_addresses.kanji", "script_addresses.kana"} <= set(keys):
        # the postal code is typed once, with the kanji address (copied on submit)
        kana = next(g for g in groups if g.key == "script_addresses.kana")
        kana.inputs = [i for i in kana.inputs if not i.name.endswith("[postal_code]")]
    return groups


def _provided(document: Mapping[str, Any], key: str) -> bool:
    value = paths.lookup(document, paths.dotted(key))
    return value not in (None, "", [], {}) and not key.startswith("relationship.")


def notices(
    due: Sequence[planning.Due], owner: Owner | None = None, view: View | None = None
) -> list[str]:
    """Why a step asks again: the errors of its subjects' requirement entries (any deadline)
    in plain words, and a full ID number asked for when its last 4 digits are on file."""
    said: list[str] = []
    for item in due:
        codes = [*item.errors, *(view.problems.get(item.subject, ()) if view else ())]
        for code in codes:
            said.append(REASONS.get(code, GENERIC_REASON))

        if item.key == "id_numbers" and owner is not None:
            on_file = paths.lookup(owner.document, ["id_numbers"]) or []
            if any(str(n.get("type", "")).endswith("_last_4") for n in on_file):
                said.append(FULL_ID_NEEDED)
    return list(dict.fromkeys(said))


def read_owner_section(
    section: Section, sent: Submission, context: CheckContext
) -> tuple[dict[str, Any], Errors]:
    """The params one owner's section holds, checked by the API's validators."""
    owner = section.owner
    assert owner is not None, "an owner section"
    params: dict[str, Any] = {}
    errors: Errors = {}
    for group in section.groups:
        try:
            given, value = read_value(group, sent.form, owner)
        except IncompleteDate as exc:
            where = paths.name(*owner.prefix, *paths.dotted(group.key), exc.part)
            errors[input_for(group, where)] = FieldError("date_incomplete")
            continue
        if not given:
            if sent.finishing and any(i.required for i in group.inputs):
                # mark what is missing: the ID number, not its preselected type
                first = next(
                    (
                        i
                        for i in group.visible
                        if i.required and not (i.kind == "select" and i.value)
                    ),
                    None,
                )
                errors[(first.name if first else input_for(group, None))] = FieldError("required")
            continue
        blank = _blank_parts(group, sent.form) if sent.finishing else []
        if blank:  # part of an address or a name left out: say which, do not save the rest
            errors.update({item.name: FieldError("required") for item in blank})
            continue
        errors.update(check_value(group, value, owner, context))
        paths.place(params, [*owner.prefix, *paths.dotted(group.key)], value)
    return params, errors


def _blank_parts(group: Group, form: Mapping[str, Any]) -> list[Input]:
    """The required inputs of a group left empty while others in it were filled."""
    return [
        item
        for item in group.visible
        if item.required
        and item.kind not in ("checkbox", "radio")
        and not str(paths.lookup(form, paths.split(item.name)) or "").strip()
    ]


def copy_postal_code(owner_params: dict[str, object]) -> None:
    """Japanese addresses: the postal code is typed once, with the kanji address."""
    scripts = owner_params.get("script_addresses")
    if not isinstance(scripts, dict):
        return
    kanji, kana = scripts.get("kanji"), scripts.get("kana")
    if isinstance(kanji, dict) and isinstance(kana, dict) and kanji.get("postal_code"):
        kana.setdefault("postal_code", kanji["postal_code"])


def check_context(ctx: Context) -> CheckContext:
    return CheckContext(
        today=ctx.call.today, country=ctx.view.country or None, livemode=ctx.call.livemode
    )
