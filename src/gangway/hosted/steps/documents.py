"""Documents: one upload per document owed, in a section per person (or the business) that
names whose document it is and what it should be."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gangway.hosted import paths
from gangway.hosted.controls.model import FieldError, Group, Input, Section
from gangway.hosted.i18n import N_
from gangway.hosted.steps.common import Context, Errors, Outcome, Submission, notices, saving
from gangway.hosted.summary import person_name
from gangway.hosted.wording import DOCUMENT_FILES, DOCUMENT_HINTS, DOCUMENT_TITLES
from gangway.services import accounts, onboarding, persons

__all__ = ["DOCUMENTS", "upload_name"]

BUSINESS_DOCUMENTS = N_("The business's documents")
YOUR_DOCUMENTS = N_("Your documents")
PERSON_DOCUMENTS = N_("Documents for %(name)s")


def upload_name(subject: str, key: str) -> str:
    """``upload[<subject>][documents.primary_verification]``"""
    return f"upload[{subject}][{key}]"


@dataclass(frozen=True)
class Documents:
    name: str = "documents"
    template: str = "step.html"

    def sections(self, ctx: Context) -> list[Section]:
        by_subject: dict[str, list[Group]] = {}
        due = ctx.view.plan.due.get(self.name, [])
        for item in due:
            document = item.key.split(".", 1)[1]
            title = DOCUMENT_TITLES.get(document, N_("Document"))
            hint = DOCUMENT_HINTS.get(document, DOCUMENT_FILES)
            name = upload_name(item.subject, item.key)
            upload = Input(name, title, kind="file", required=True, hint=hint)
            by_subject.setdefault(item.subject, []).append(Group(name, title, [upload]))
        sections = []
        for subject, groups in by_subject.items():
            title, args = self._title(ctx, subject)
            said = notices([d for d in due if d.subject == subject], view=ctx.view)
            sections.append(Section(title, groups, title_args=args, notices=said))
        return sections

    @staticmethod
    def _title(ctx: Context, subject: str) -> tuple[str, dict[str, str]]:
        if subject == "business":
            return BUSINESS_DOCUMENTS, {}
        if subject == "individual":
            return YOUR_DOCUMENTS, {}
        person = next((p for p in ctx.view.persons if p.id == subject), None)
        document = person.document if person else {}
        return PERSON_DOCUMENTS, {"name": person_name(document) or subject}

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        errors: Errors = {}
        account_params: dict[str, Any] = {}
        person_params: dict[str, dict[str, Any]] = {}
        for section in shown:
            for group in section.groups:
                name = group.inputs[0].name
                upload = sent.uploads.get(name)
                if upload is None:
                    if sent.finishing:
                        errors[name] = FieldError("required")
                    continue
                subject, key = name[len("upload[") : -1].split("][", 1)
                document = key.split(".", 1)[1]
                kind = subject if subject in ("individual", "business") else "person"
                file_id = onboarding.store_upload(
                    ctx.uow,
                    ctx.call,
                    ctx.view.account,
                    document,
                    upload.content_type,
                    upload.content,
                )
                value = onboarding.document_value(kind, document, [file_id])
                if kind == "person":
                    paths.place(
                        person_params.setdefault(subject, {}), ["documents", document], value
                    )
                else:
                    holder = "individual" if kind == "individual" else "business_details"
                    paths.place(account_params, ["identity", holder, "documents", document], value)
        if errors:
            return Outcome(errors)
        account_id = ctx.view.account.id
        if account_params:
            outcome = saving(
                lambda: accounts.update(
                    ctx.uow, ctx.call, account_id, account_params, ctx.rules, holder=True
                )
            )
            if outcome.failed:
                return outcome
        for pid, params in person_params.items():
            outcome = saving(_person_update(ctx, account_id, pid, params))
            if outcome.failed:
                return outcome
        return Outcome()


def _person_update(
    ctx: Context, account_id: str, person_id: str, params: dict[str, Any]
) -> Callable[[], object]:
    return lambda: persons.update(ctx.uow, ctx.call, account_id, person_id, params, ctx.rules)


DOCUMENTS = Documents()
