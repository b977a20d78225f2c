"""The onboarding flow's server side: what a step shows, and what submitting it changes.

Synchronous and inside one unit of work per request, like an API handler; the web layer
(``hosted.app``) only parses, renders and redirects. Saving goes through the same services as
the API (``accounts.update``, ``persons.create``...), so validation, events and requirements
behave exactly as they do for an API call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pycountry

from gangway.core.clock import to_rfc3339
from gangway.core.errors import InvalidRequest
from gangway.core.field_checks import CheckContext
from gangway.core.ids import new_id
from gangway.hosted import plan as planning
from gangway.hosted.controls import (
    Group,
    IncompleteDate,
    Input,
    Owner,
    build_group,
    check_bank,
    check_value,
    read_value,
    uses_iban,
)
from gangway.hosted.i18n import N_
from gangway.requirements import RuleBook
from gangway.services import accounts, persons, timeline
from gangway.services.context import Call
from gangway.store.repos.accounts import AccountRecord, PersonRecord
from gangway.store.repos.links import FileRecord
from gangway.store.uow import UnitOfWork

__all__ = [
    "Outcome",
    "Section",
    "SessionState",
    "View",
    "delete_person",
    "load_view",
    "sections",
    "submit",
]

Errors = dict[str, tuple[str, str]]

STEP_TITLES = {
    "business_type": N_("Business type"),
    "personal": N_("Personal details"),
    "business": N_("Business details"),
    "representative": N_("Representative"),
    "people": N_("Owners and directors"),
    "profile": N_("Business profile"),
    "public": N_("Public details"),
    "bank": N_("Payout bank account"),
    "documents": N_("Documents"),
    "review": N_("Review and submit"),
}
ENTITY_TYPES = (
    ("individual", N_("Individual or sole trader")),
    ("company", N_("Company")),
    ("non_profit", N_("Non-profit organisation")),
)
MCC_CHOICES = (
    ("5734", N_("Software")),
    ("5817", N_("Digital goods and apps")),
    ("5691", N_("Clothing and accessories")),
    ("5812", N_("Restaurants and food")),
    ("5411", N_("Groceries")),
    ("5977", N_("Beauty and cosmetics")),
    ("7299", N_("Personal services")),
    ("7372", N_("Computer programming and consulting")),
    ("8299", N_("Education")),
    ("8999", N_("Professional services")),
    ("7922", N_("Events and tickets")),
    ("8398", N_("Charities and social services")),
    ("5999", N_("Other retail")),
)
ROLE_TITLES = {
    "owner": N_("Owner"),
    "director": N_("Director"),
    "executive": N_("Executive"),
    "representative": N_("Representative"),
}
ATTESTATIONS = {
    "owners": N_("I have added everyone who owns 25% or more of the business."),
    "directors": N_("I have added all of the business's directors."),
    "executives": N_("I have added the business's executives."),
}
DOCUMENT_TITLES = {
    "documents.primary_verification": N_(
        "Identity document (passport, ID card or driving licence)"
    ),
    "documents.company_tax_id_verification": N_("Tax ID letter for the business"),
    "documents.proof_of_registration": N_("Proof of registration of the business"),
    "documents.proof_of_address": N_("Proof of address"),
}
_TYPE_OF_FILE_FIELD = {"documents.primary_verification": "front_back"}


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

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionState:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class View:
    account: AccountRecord
    persons: list[PersonRecord]
    plan: planning.Plan
    country: str
    merchant: bool
    state: SessionState


@dataclass
class Section:
    """A block of a page: a titled set of groups that belong to one owner."""

    title: str
    groups: list[Group]
    owner: Owner | None = None
    person_id: str | None = None


@dataclass
class Outcome:
    errors: Errors = field(default_factory=dict)
    form_error: str | None = None
    person_id: str | None = None


def load_view(uow: UnitOfWork, call: Call, rules: RuleBook, state: SessionState) -> View:
    account = accounts.retrieve(uow, call, state.account_id)
    people = list(uow.accounts.persons_of(account.id))
    evaluation = accounts.evaluation(uow, account, rules, call.now_ms)
    due = _due(evaluation.requirements, evaluation.future_requirements, state)
    merchant = "merchant" in account.applied()
    the_plan = planning.make_plan(
        due,
        document=account.document,
        persons=[{**p.document, "id": p.id} for p in people],
        use_case=state.use_case,
        merchant=merchant,
    )
    country = str((account.document.get("identity") or {}).get("country") or "")
    return View(account, people, the_plan, country, merchant, state)


def _due(
    requirements: Mapping[str, Any], future: Mapping[str, Any], state: SessionState
) -> list[planning.Due]:
    statuses = planning.statuses_for(state.fields)
    due = planning.due_from_entries(requirements.get("entries") or [], statuses)
    if state.future_requirements == "include":
        every = frozenset({"currently_due", "past_due", "eventually_due"})
        due += planning.due_from_entries(future.get("entries") or [], every)
    return due


# what a step shows ------------------------------------------------------------------------


def sections(
    view: View,
    step: str,
    locale: str,
    *,
    person_id: str | None = None,
    role: str | None = None,
    uow: UnitOfWork | None = None,
    rules: RuleBook | None = None,
    now_ms: int = 0,
) -> list[Section]:
    due = view.plan.due.get(step, [])
    document = view.account.document
    identity = document.get("identity") or {}
    if step == "business_type":
        groups = []
        if not identity.get("country"):
            groups.append(
                _choice(
                    "identity[country]",
                    N_("Country"),
                    "select",
                    _rule_countries(rules),
                    identity.get("country"),
                    literal=True,
                )
            )
        groups.append(
            _choice(
                "identity[entity_type]",
                N_("Type of business"),
                "radio",
                ENTITY_TYPES,
                identity.get("entity_type"),
            )
        )
        return [Section(STEP_TITLES[step], groups)]
    if step in ("personal", "business"):
        subject = "individual" if step == "personal" else "business"
        key = "individual" if subject == "individual" else "business_details"
        owner = Owner(
            ("identity", key),
            identity.get(key) or {},
            view.country,
            False,
            is_business=subject == "business",
        )
        order = planning.PERSON_CONTROLS if subject == "individual" else planning.BUSINESS_CONTROLS
        groups = _groups(owner, subject, due, order, locale, view)
        return [Section(STEP_TITLES[step], groups, owner)]
    if step in ("representative", "person"):
        person = _person(view, person_id, role)
        wanted_role = role or "representative"
        owner = Owner((), person.document if person else {}, view.country, True)
        subject = person.id if person else f"role:{wanted_role}"
        items = [
            d
            for d in view.plan.due.get(
                "representative" if step == "representative" else "people", []
            )
            if d.subject == subject
        ]
        if person is None and uow is not None and rules is not None:
            items = _virtual_due(uow, view, rules, wanted_role, now_ms)
            subject = "person_new"
        title = ROLE_TITLES.get(wanted_role, STEP_TITLES["representative"])
        groups = _groups(
            owner,
            subject,
            items,
            planning.PERSON_CONTROLS,
            locale,
            view,
            extra=_role_extras(wanted_role, person),
        )
        return [Section(title, groups, owner, person.id if person else None)]
    if step == "people":
        groups = []
        for kind, label in ATTESTATIONS.items():
            if any(d.key == f"identity.attestations.persons_provided.{kind}" for d in due) or (
                (identity.get("attestations") or {}).get("persons_provided", {}).get(kind)
            ):
                provided = (identity.get("attestations") or {}).get("persons_provided") or {}
                groups.append(
                    Group(
                        kind,
                        label,
                        [
                            Input(
                                f"identity[attestations][persons_provided][{kind}]",
                                label,
                                kind="checkbox",
                                checked=provided.get(kind) is True,
                            )
                        ],
                    )
                )
        return [Section(STEP_TITLES[step], groups)]
    if step == "profile":
        groups = []
        merchant = (document.get("configuration") or {}).get("merchant") or {}
        profile = (document.get("defaults") or {}).get("profile") or {}
        if view.merchant:
            groups.append(
                _choice(
                    "configuration[merchant][mcc]",
                    N_("Industry"),
                    "select",
                    MCC_CHOICES,
                    merchant.get("mcc"),
                )
            )
        groups.append(
            Group(
                "business_url",
                N_("Business website"),
                [
                    Input(
                        "defaults[profile][business_url]",
                        N_("Business website"),
                        kind="url",
                        value=str(profile.get("business_url") or ""),
                        autocomplete="url",
                        hint=N_("No website? Describe what you sell below instead."),
                    )
                ],
            )
        )
        groups.append(
            Group(
                "product_description",
                N_("Product description"),
                [
                    Input(
                        "defaults[profile][product_description]",
                        N_("Product description"),
                        kind="textarea",
                        value=str(profile.get("product_description") or ""),
                    )
                ],
            )
        )
        return [Section(STEP_TITLES[step], groups)]
    if step == "public":
        merchant = (document.get("configuration") or {}).get("merchant") or {}
        descriptor = (merchant.get("statement_descriptor") or {}).get("descriptor") or ""
        support = (merchant.get("support") or {}).get("phone") or ""
        return [
            Section(
                STEP_TITLES[step],
                [
                    Group(
                        "descriptor",
                        N_("Statement descriptor"),
                        [
                            Input(
                                "configuration[merchant][statement_descriptor][descriptor]",
                                N_("Statement descriptor"),
                                value=str(descriptor),
                                hint=N_(
                                    "Shown on your customers' bank statements: 5 to 22 characters."
                                ),
                            )
                        ],
                    ),
                    Group(
                        "support_phone",
                        N_("Support phone number"),
                        [
                            Input(
                                "configuration[merchant][support][phone]",
                                N_("Support phone number"),
                                kind="tel",
                                value=str(support),
                                autocomplete="tel",
                            )
                        ],
                    ),
                ],
            )
        ]
    if step == "bank":
        bank = document.get("external_account") or {}
        inputs = [
            Input(
                "external_account[account_holder_name]",
                N_("Account holder name"),
                value=str(bank.get("account_holder_name") or ""),
                autocomplete="name",
                required=True,
            )
        ]
        hint_args = {"last4": str(bank.get("last4") or "")}
        on_file = N_("On file: ending in %(last4)s.") if bank.get("last4") else None
        if uses_iban(view.country):
            inputs.append(
                Input(
                    "external_account[iban]",
                    N_("IBAN"),
                    required=True,
                    hint=on_file,
                    hint_args=hint_args,
                    autocomplete="off",
                )
            )
        else:
            routing = N_("Routing number") if view.country == "us" else N_("Bank code")
            inputs.append(
                Input(
                    "external_account[routing_number]",
                    routing,
                    required=True,
                    value=str(bank.get("routing_number") or ""),
                    inputmode="numeric",
                )
            )
            inputs.append(
                Input(
                    "external_account[account_number]",
                    N_("Account number"),
                    required=True,
                    hint=on_file,
                    hint_args=hint_args,
                    autocomplete="off",
                )
            )
        return [
            Section(STEP_TITLES[step], [Group("external_account", STEP_TITLES[step], inputs, True)])
        ]
    if step == "documents":
        groups = []
        for item in due:
            title = DOCUMENT_TITLES.get(item.key, N_("Document"))
            name = f"upload[{item.subject}][{item.key}]"
            groups.append(
                Group(
                    name,
                    title,
                    [
                        Input(
                            name,
                            title,
                            kind="file",
                            required=True,
                            hint=N_("JPG, PNG or PDF, up to 10 MB."),
                        )
                    ],
                )
            )
        return [Section(STEP_TITLES[step], groups)]
    return []


def _choice(
    name: str, label: str, kind: str, choices: Any, value: Any, literal: bool = False
) -> Group:
    return Group(
        name,
        label,
        [
            Input(
                name,
                label,
                kind=kind,
                value=str(value or ""),
                choices=tuple(choices),
                literal_choices=literal,
                required=True,
            )
        ],
        kind == "radio",
    )


def _rule_countries(rules: RuleBook | None) -> list[tuple[str, str]]:
    codes = sorted(rules.countries) if rules is not None else []
    names = [
        (c, getattr(pycountry.countries.get(alpha_2=c.upper()), "name", c.upper())) for c in codes
    ]
    return sorted(names, key=lambda p: p[1])


def _groups(
    owner: Owner,
    subject: str,
    due: list[planning.Due],
    order: tuple[str, ...],
    locale: str,
    view: View,
    extra: tuple[str, ...] = (),
) -> list[Group]:
    wanted = {d.key: d.descriptions for d in due if d.subject == subject or subject == "person_new"}
    keys = [k for k in order if k in wanted or k in extra or _provided(owner.document, k)]
    if view.country != "jp":
        keys = [k for k in keys if not k.startswith("script_") or k in wanted]
    return [build_group(k, owner, locale, wanted.get(k, ()), required=k in wanted) for k in keys]


def _provided(document: Mapping[str, Any], key: str) -> bool:
    node: Any = document
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node not in (None, "", [], {}) and not key.startswith("relationship.")


def _person(view: View, person_id: str | None, role: str | None) -> PersonRecord | None:
    if person_id:
        return next((p for p in view.persons if p.id == person_id), None)
    if role:
        return None
    return next(
        (
            p
            for p in view.persons
            if (p.document.get("relationship") or {}).get("representative") is True
        ),
        None,
    )


def _role_extras(role: str, person: PersonRecord | None) -> tuple[str, ...]:
    if role == "owner":
        return ("relationship.percent_ownership",)
    if role == "executive":
        return ("relationship.title",)
    return ()


def _virtual_due(
    uow: UnitOfWork, view: View, rules: RuleBook, role: str, now_ms: int
) -> list[planning.Due]:
    """What a new person in ``role`` would owe: the account evaluated with a blank one."""
    people = timeline.persons_of(uow, view.account)
    blank = {"id": "person_new", "relationship": {role: True}}
    evaluation = timeline.evaluate_record(view.account, [*people, blank], rules, now_ms)
    due = _due(evaluation.requirements, evaluation.future_requirements, view.state)
    return [d for d in due if d.subject == "person_new"]


# what submitting a step changes -----------------------------------------------------------


def submit(
    uow: UnitOfWork,
    call: Call,
    rules: RuleBook,
    view: View,
    step: str,
    form: Mapping[str, Any],
    shown: list[Section],
    *,
    finishing: bool,
    person_id: str | None = None,
    role: str | None = None,
    uploads: Mapping[str, tuple[str, bytes]] | None = None,
    client: Mapping[str, str] | None = None,
) -> Outcome:
    """Check and save one step. ``finishing`` (Continue, not Save for later) also requires
    every field the step asks for."""
    context = CheckContext(today=call.today, country=view.country or None, livemode=call.livemode)
    errors: Errors = {}
    if step == "bank":
        bank, errors = check_bank(view.country, form, livemode=call.livemode)
        if not finishing and not any(bank.get(k) for k in ("iban", "account_number")):
            return Outcome()
        if errors:
            return Outcome(errors)
        return _saving(
            lambda: accounts.set_external_account(uow, call, view.account.id, bank, rules)
        )
    if step == "documents":
        return _documents(uow, call, rules, view, shown, uploads or {}, finishing)
    if step == "review":
        return _terms(uow, call, rules, view, form, client or {}, finishing)

    params: dict[str, Any] = {}
    for section in shown:
        owner = section.owner
        for group in section.groups:
            try:
                given, value = read_value(group, form, owner) if owner else _read_plain(group, form)
            except IncompleteDate as exc:
                errors[exc.name] = ("date_incomplete", "")
                continue
            if not given:
                if finishing and any(i.required for i in group.inputs):
                    visible = [i for i in group.inputs if i.kind != "hidden"]
                    # mark what is missing: the ID number, not its preselected type
                    first = next((i for i in visible if i.required), visible[0])
                    errors[first.name] = ("required", "")
                continue
            if owner is not None:
                errors.update(check_value(group, value, owner, context))
                _place(params, [*owner.prefix, *group.key.split(".")], value)
            else:
                _place(params, _path(group.inputs[0].name), value)
    profile = (params.get("defaults") or {}).get("profile") or {}
    if step == "profile" and finishing and not profile and _owes_presence(view):
        errors["defaults[profile][business_url]"] = ("required", "")
    if errors:
        return Outcome(errors)
    if step in ("representative", "person"):
        return _save_person(
            uow, call, rules, view, shown, params, person_id, role or "representative"
        )
    if not params:
        return Outcome()
    _keep_other_id_numbers(params, view.account.document)
    return _saving(lambda: accounts.update(uow, call, view.account.id, params, rules, holder=True))


def _owes_presence(view: View) -> bool:
    return any(d.key.startswith("defaults.profile.") for d in view.plan.due.get("profile", []))


def _read_plain(group: Group, form: Mapping[str, Any]) -> tuple[bool, Any]:
    value = _lookup(form, _path(group.inputs[0].name))
    if group.inputs[0].kind == "checkbox":
        return True, value == "on"
    text = str(value or "").strip()
    return (True, text) if text else (False, None)


def _path(name: str) -> list[str]:
    return name.replace("]", "").split("[")


def _lookup(form: Mapping[str, Any], path: list[str]) -> Any:
    node: Any = form
    for part in path:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def _place(params: dict[str, Any], path: list[str], value: Any) -> None:
    node = params
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _keep_other_id_numbers(params: dict[str, Any], document: Mapping[str, Any]) -> None:
    """A form sends one ID number; the other types on file stay (the API replaces the list)."""
    for key in ("individual", "business_details"):
        sent = ((params.get("identity") or {}).get(key) or {}).get("id_numbers")
        existing = ((document.get("identity") or {}).get(key) or {}).get("id_numbers")
        _keep_other_types(sent, existing)


def _keep_other_types(sent: list[dict[str, Any]] | None, existing: Any) -> None:
    if sent:
        types = {n["type"] for n in sent}
        sent[:0] = [n for n in existing or [] if n.get("type") not in types]


def _saving(action: Any) -> Outcome:
    try:
        action()
    except InvalidRequest as exc:
        if exc.param:
            return Outcome({exc.param: (exc.code or "invalid", exc.message)})
        return Outcome(form_error=exc.message)
    return Outcome()


def _save_person(
    uow: UnitOfWork,
    call: Call,
    rules: RuleBook,
    view: View,
    shown: list[Section],
    params: dict[str, Any],
    person_id: str | None,
    role: str,
) -> Outcome:
    section = shown[0]
    existing = section.person_id
    if existing is None:
        params.setdefault("relationship", {})[role] = True
        created: list[str] = []
        outcome = _saving(
            lambda: created.append(persons.create(uow, call, view.account.id, params, rules).id)
        )
        outcome.person_id = created[0] if created else None
        return outcome
    if not params:
        return Outcome(person_id=existing)
    if section.owner is not None:
        _keep_other_types(params.get("id_numbers"), section.owner.document.get("id_numbers"))
    outcome = _saving(lambda: persons.update(uow, call, view.account.id, existing, params, rules))
    outcome.person_id = existing
    return outcome


def delete_person(uow: UnitOfWork, call: Call, rules: RuleBook, view: View, person_id: str) -> None:
    persons.delete(uow, call, view.account.id, person_id, rules)


def _documents(
    uow: UnitOfWork,
    call: Call,
    rules: RuleBook,
    view: View,
    shown: list[Section],
    uploads: Mapping[str, tuple[str, bytes]],
    finishing: bool,
) -> Outcome:
    errors: Errors = {}
    account_params: dict[str, Any] = {}
    person_params: dict[str, dict[str, Any]] = {}
    for section in shown:
        for group in section.groups:
            name = group.inputs[0].name
            upload = uploads.get(name)
            if upload is None:
                if finishing:
                    errors[name] = ("required", "")
                continue
            content_type, content = upload
            subject, key = name[len("upload[") : -1].split("][", 1)
            file_id = new_id("file", length=24)
            uow.links.add_file(
                FileRecord(
                    id=file_id,
                    platform_id=view.account.platform_id,
                    livemode=view.account.livemode,
                    account_id=view.account.id,
                    purpose="identity_document"
                    if key == "documents.primary_verification"
                    else "account_requirement",
                    created_ms=call.now_ms,
                    content_type=content_type,
                    content=content,
                )
            )
            document_name = key.split(".", 1)[1]
            if _TYPE_OF_FILE_FIELD.get(key) == "front_back":
                value: dict[str, Any] = {"type": "front_back", "front_back": {"front": file_id}}
            else:
                value = {"type": "files", "files": [file_id]}
            if subject == "individual":
                _place(
                    account_params, ["identity", "individual", "documents", document_name], value
                )
            elif subject == "business":
                _place(
                    account_params,
                    ["identity", "business_details", "documents", document_name],
                    value,
                )
            else:
                _place(person_params.setdefault(subject, {}), ["documents", document_name], value)
    if errors:
        return Outcome(errors)
    if account_params:
        outcome = _saving(
            lambda: accounts.update(uow, call, view.account.id, account_params, rules, holder=True)
        )
        if outcome.errors or outcome.form_error:
            return outcome
    for pid, params in person_params.items():
        outcome = _saving(lambda: persons.update(uow, call, view.account.id, pid, params, rules))  # noqa: B023
        if outcome.errors or outcome.form_error:
            return outcome
    return Outcome()


def _terms(
    uow: UnitOfWork,
    call: Call,
    rules: RuleBook,
    view: View,
    form: Mapping[str, Any],
    client: Mapping[str, str],
    finishing: bool,
) -> Outcome:
    if not finishing:
        return Outcome()
    if form.get("tos") != "on":
        return Outcome({"tos": ("terms_required", "")})
    params = {
        "identity": {
            "attestations": {
                "terms_of_service": {
                    "account": {
                        "date": to_rfc3339(call.now_ms),
                        "ip": client.get("ip") or "0.0.0.0",
                        "user_agent": (client.get("user_agent") or "")[:500] or None,
                    }
                }
            }
        }
    }
    account_params = params["identity"]["attestations"]["terms_of_service"]["account"]
    if account_params["user_agent"] is None:
        del account_params["user_agent"]
    return _saving(lambda: accounts.update(uow, call, view.account.id, params, rules, holder=True))
