"""Controls: how one thing the form asks for is shown, read back, and checked.

A control (``address``, ``date_of_birth``, ``id_numbers``...) becomes a group of inputs whose
names are the API's own bracketed param paths (``identity[individual][address][city]``), so a
validation error's ``param`` points straight at the input to mark. Reading a submission turns the
inputs back into the API's value; checking it runs the same validators the API runs.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pycountry

from gangway.contract import load
from gangway.core.errors import FieldInvalid, InvalidRequest, param_path
from gangway.core.field_checks import CheckContext, check_account_params, check_person_params
from gangway.hosted import i18n
from gangway.hosted.i18n import N_
from gangway.validation import banks

__all__ = [
    "Group",
    "IncompleteDate",
    "Input",
    "Owner",
    "build_group",
    "check_value",
    "read_value",
]

#: A form field's translated error keys by validation code; the English detail from the
#: validator is shown alongside in English locales.
ERROR_MESSAGES = {
    "required": N_("This field is required."),
    "email_invalid": N_("Enter a valid email address, like name@example.com."),
    "phone_invalid": N_("Enter a valid phone number, including the area code."),
    "date_of_birth_invalid": N_("Enter a real date of birth. You must be at least 13 years old."),
    "date_incomplete": N_("Enter the day, the month and the year."),
    "address_postal_code_invalid": N_("Enter a valid postal code for this address."),
    "address_state_invalid": N_("Choose a valid state or region."),
    "address_town_invalid": N_("Check the town or city name."),
    "address_characters_invalid": N_("Remove the characters that cannot appear in an address."),
    "id_number_invalid": N_("Enter a valid ID number: check the number of digits."),
    "url_invalid": N_("Enter a full website address, like https://example.com."),
    "mcc_invalid": N_("Choose your industry from the list."),
    "statement_descriptor_invalid": N_(
        "Use 5 to 22 letters, numbers and spaces, with at least one letter."
    ),
    "bank_account_invalid": N_("Check the bank details: the number is not valid."),
    "person_percent_ownership_invalid": N_("Enter a percentage between 0 and 100."),
    "country_invalid": N_("Choose a country from the list."),
    "file_invalid": N_("Upload a JPG, PNG or PDF file of at most 10 MB."),
    "terms_required": N_("Accept the terms of service to finish."),
}
GENERIC_ERROR = N_("Check this value.")

LABELS = {
    "given_name": N_("First name"),
    "surname": N_("Last name"),
    "email": N_("Email address"),
    "phone": N_("Phone number"),
    "date_of_birth": N_("Date of birth"),
    "address": N_("Home address"),
    "id_numbers": N_("ID number"),
    "nationalities": N_("Nationality"),
    "political_exposure": N_("Do you hold a prominent public position?"),
    "relationship.title": N_("Job title"),
    "relationship.executive": N_("This person is an executive or senior manager"),
    "relationship.director": N_("This person is a director"),
    "relationship.owner": N_("This person owns 25% or more of the business"),
    "relationship.percent_ownership": N_("Ownership (%)"),
    "registered_name": N_("Legal business name"),
    "structure": N_("Business structure"),
    "script_names.kana": N_("Name in kana"),
    "script_names.kanji": N_("Name in kanji"),
    "script_addresses.kana": N_("Address in kana"),
    "script_addresses.kanji": N_("Address in kanji"),
}
BUSINESS_ADDRESS = N_("Business address")
BUSINESS_PHONE = N_("Business phone number")
DATE_PARTS = {"day": N_("Day"), "month": N_("Month"), "year": N_("Year")}
POLITICAL = (("none", N_("No")), ("existing", N_("Yes")))
STRUCTURES = (
    ("sole_proprietorship", N_("Sole proprietorship")),
    ("single_member_llc", N_("Single-member LLC")),
    ("multi_member_llc", N_("Multi-member LLC")),
    ("private_partnership", N_("Private partnership")),
    ("private_corporation", N_("Private corporation")),
    ("public_corporation", N_("Public corporation")),
    ("private_company", N_("Private company")),
    ("public_company", N_("Public company")),
    ("incorporated_non_profit", N_("Incorporated non-profit")),
    ("unincorporated_association", N_("Unincorporated association")),
)
ID_NUMBER_NAMES = {
    "us_ssn_last_4": N_("Last 4 digits of your Social Security number"),
    "us_ssn": N_("Social Security number (SSN)"),
    "us_itin": N_("Individual Taxpayer Identification Number (ITIN)"),
    "us_itin_last_4": N_("Last 4 digits of your ITIN"),
    "us_ein": N_("Employer Identification Number (EIN)"),
}
ID_NUMBER_OTHER = N_("ID number (%(type)s)")
SCRIPT_NAME_PARTS = {"surname": N_("Last name"), "given_name": N_("First name")}


@dataclass
class Input:
    """One HTML input; ``label`` and choice names are msgids unless ``literal``."""

    name: str
    label: str
    kind: str = "text"
    value: str = ""
    autocomplete: str | None = None
    choices: Sequence[tuple[str, str]] = ()
    literal_choices: bool = False
    required: bool = False
    error: str | None = None
    detail: str | None = None
    hint: str | None = None
    hint_args: Mapping[str, str] = field(default_factory=dict)
    inputmode: str | None = None
    size: str = "full"
    checked: bool = False


@dataclass
class Group:
    """A control: one input, or a fieldset of several (an address, a date)."""

    key: str
    legend: str
    inputs: list[Input]
    fieldset: bool = False

    @property
    def has_error(self) -> bool:
        return any(i.error for i in self.inputs)


@dataclass(frozen=True)
class Owner:
    """Whose value a group edits: its param path prefix and its current document."""

    prefix: tuple[str, ...]
    """``("identity", "individual")`` for the individual; ``()`` for a Person."""
    document: Mapping[str, Any]
    country: str
    is_person: bool
    is_business: bool = False


def _name(prefix: Sequence[str | int], *parts: str | int) -> str:
    return param_path([*prefix, *parts])


def _get(document: Mapping[str, Any], dotted: str) -> Any:
    node: Any = document
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def build_group(
    key: str, owner: Owner, locale: str, descriptions: Sequence[str] = (), required: bool = True
) -> Group:
    """The inputs of control ``key``, filled from the owner's document."""
    doc, prefix = owner.document, owner.prefix
    label = LABELS.get(key, key)
    if key == "address":
        legend = BUSINESS_ADDRESS if owner.is_business else label
        return Group(
            key, legend, _address_inputs((*prefix, "address"), doc, owner.country, required), True
        )
    if key.startswith("script_addresses."):
        return Group(
            key, label, _address_inputs(prefix + tuple(key.split(".")), doc, "jp", required), True
        )
    if key.startswith("script_names."):
        parts = ("registered_name",) if owner.is_business else ("surname", "given_name")
        inputs = [
            Input(
                _name(prefix, *key.split("."), part),
                SCRIPT_NAME_PARTS.get(part, LABELS["registered_name"]),
                value=str(_get(doc, f"{key}.{part}") or ""),
                required=required,
            )
            for part in parts
        ]
        return Group(key, label, inputs, True)
    if key == "date_of_birth":
        current = _get(doc, "date_of_birth") or {}
        inputs = [
            Input(
                _name(prefix, "date_of_birth", part),
                DATE_PARTS[part],
                kind="text",
                inputmode="numeric",
                value=str(current.get(part) or ""),
                autocomplete={"day": "bday-day", "month": "bday-month", "year": "bday-year"}[part],
                size="year" if part == "year" else "short",
                required=required,
            )
            for part in i18n.date_order(locale)
        ]
        return Group(key, label, inputs, True)
    if key == "id_numbers":
        return _id_number_group(owner, descriptions, required)
    if key == "nationalities":
        current = _get(doc, "nationalities") or []
        return Group(
            key,
            label,
            [
                Input(
                    _name(prefix, "nationalities", 0),
                    label,
                    kind="select",
                    value=str(current[0]).upper() if current else owner.country.upper(),
                    choices=_countries(),
                    literal_choices=True,
                    required=required,
                )
            ],
        )
    if key == "political_exposure":
        return Group(
            key,
            label,
            [
                Input(
                    _name(prefix, "political_exposure"),
                    label,
                    kind="radio",
                    value=str(_get(doc, key) or ""),
                    choices=POLITICAL,
                    required=required,
                )
            ],
            True,
        )
    if key in ("relationship.executive", "relationship.director", "relationship.owner"):
        return Group(
            key,
            label,
            [
                Input(
                    _name(prefix, *key.split(".")),
                    label,
                    kind="checkbox",
                    checked=_get(doc, key) is True,
                    required=required,
                )
            ],
        )
    if key == "structure":
        return Group(
            key,
            label,
            [
                Input(
                    _name(prefix, "structure"),
                    label,
                    kind="select",
                    value=str(_get(doc, key) or ""),
                    choices=STRUCTURES,
                    required=required,
                )
            ],
        )
    kind, autocomplete, inputmode = {
        "email": ("email", "email", None),
        "phone": ("tel", "tel", None),
        "given_name": ("text", "given-name", None),
        "surname": ("text", "family-name", None),
        "registered_name": ("text", "organization", None),
        "relationship.title": ("text", "organization-title", None),
        "relationship.percent_ownership": ("text", None, "decimal"),
    }.get(key, ("text", None, None))
    if key == "phone" and owner.is_business:
        label = BUSINESS_PHONE
    return Group(
        key,
        label,
        [
            Input(
                _name(prefix, *key.split(".")),
                label,
                kind=kind,
                value=str(_get(doc, key) or ""),
                autocomplete=autocomplete,
                inputmode=inputmode,
                required=required,
            )
        ],
    )


def _address_inputs(
    prefix: tuple[str, ...], doc: Mapping[str, Any], country: str, required: bool
) -> list[Input]:
    layout = i18n.address_layout(country)
    relative = ".".join(
        prefix[-2:] if len(prefix) > 1 and prefix[-2] == "script_addresses" else prefix[-1:]
    )
    current = _get(doc, relative) or {}
    inputs = []
    kana = "kana" in prefix  # prefecture names are listed in kanji: kana is typed
    for spec in layout.fields:
        choices = () if kana else spec.choices
        inputs.append(
            Input(
                _name(prefix, spec.name),
                spec.label,
                kind="select" if choices else "text",
                value=str(current.get(spec.name) or ""),
                autocomplete=spec.autocomplete,
                choices=choices,
                literal_choices=True,
                required=required and spec.required,
                hint=N_("For example: %(example)s")
                if spec.name == "postal_code" and layout.postal_code_example
                else None,
                hint_args={"example": layout.postal_code_example or ""},
                size="short" if spec.name == "postal_code" else "full",
            )
        )
    return inputs


def _id_number_types(owner: Owner, descriptions: Sequence[str]) -> list[str]:
    named = [d.split(".")[1] for d in descriptions if d.startswith("id_numbers.")]
    if named:
        types = []
        for name in named:
            types.append(name)
            if name.endswith("_last_4"):
                types.append(name.removesuffix("_last_4"))
        return list(dict.fromkeys(types))
    enum_name = (
        "AccountCreateParamsIdentityBusinessDetailsIdNumber"
        if owner.is_business
        else "AccountCreateParamsIdentityIndividualIdNumber"
    )
    values = load.resolve({"$ref": enum_name})["fields"]["type"]["enum"]
    return [v for v in values if v.startswith(owner.country + "_") and not v.endswith("_last_4")]


def _id_number_group(owner: Owner, descriptions: Sequence[str], required: bool) -> Group:
    types = _id_number_types(owner, descriptions) or ["id_number"]
    current = _get(owner.document, "id_numbers") or []
    on_file = [n for n in current if isinstance(n, Mapping) and n.get("value")]
    prefix: tuple[str | int, ...] = (*owner.prefix, "id_numbers", 0)
    label = N_("Tax ID") if owner.is_business else LABELS["id_numbers"]
    choices = [(t, ID_NUMBER_NAMES.get(t, ID_NUMBER_OTHER)) for t in types]
    inputs = []
    if len(types) > 1:
        inputs.append(
            Input(
                _name(prefix, "type"),
                N_("Type of ID number"),
                kind="select",
                value=types[0],
                choices=choices,
            )
        )
    else:
        inputs.append(Input(_name(prefix, "type"), "", kind="hidden", value=types[0]))
    hint = None
    args: dict[str, str] = {}
    if on_file:
        hint = N_("On file: ending in %(last4)s. Leave blank to keep it.")
        args = {"last4": str(on_file[0]["value"])[-4:]}
    inputs.append(
        Input(
            _name(prefix, "value"),
            ID_NUMBER_NAMES.get(types[0], label) if len(types) == 1 else label,
            hint_args={**args, "type": types[0].upper()},
            hint=hint,
            inputmode="numeric" if owner.country == "us" else None,
            autocomplete="off",
            required=required and not on_file,
        )
    )
    return Group("id_numbers", label, inputs, True)


@functools.cache
def _countries() -> tuple[tuple[str, str], ...]:
    """Every country by name, built once (the nationality select lists them all)."""
    return tuple(sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda p: p[1]))


# reading and checking -----------------------------------------------------------------------


def read_value(group: Group, form: Mapping[str, Any], owner: Owner) -> tuple[bool, Any]:
    """``(given, value)``: the API value the group's inputs hold, or ``given=False`` when they
    are all blank (nothing entered: keep what is on file)."""
    node: Any = form
    for part in owner.prefix:
        node = node.get(part) if isinstance(node, Mapping) else None
    node = node or {}
    key = group.key
    raw = _get(node, key) if "." in key else node.get(key)
    if key in ("relationship.executive", "relationship.director", "relationship.owner"):
        return True, raw == "on"
    if key == "date_of_birth":
        parts = raw or {}
        values = {p: str(parts.get(p) or "").strip() for p in ("day", "month", "year")}
        if not any(values.values()):
            return False, None
        if not all(v.isdigit() for v in values.values()):
            raise IncompleteDate(group.inputs[0].name)
        return True, {p: int(v) for p, v in values.items()}
    if key == "id_numbers":
        item = (raw or [{}])[0] if isinstance(raw, list) else {}
        value = str(item.get("value") or "").strip()
        if not value:
            return False, None
        return True, [{"type": str(item.get("type") or ""), "value": value}]
    if key == "nationalities":
        chosen = [str(v).strip().lower() for v in (raw or []) if str(v).strip()]
        return (True, chosen) if chosen else (False, None)
    if isinstance(raw, Mapping):
        cleaned = {k: str(v).strip() for k, v in raw.items() if str(v).strip()}
        if not cleaned:
            return False, None
        if key == "address" or key.startswith("script_addresses."):
            cleaned.setdefault("country", owner.country)
        return True, cleaned
    text = str(raw or "").strip()
    return (True, text) if text else (False, None)


class IncompleteDate(ValueError):
    """Some but not all of a date's parts were entered; ``name`` is the input to mark."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def check_value(
    group: Group, value: Any, owner: Owner, context: CheckContext
) -> dict[str, tuple[str, str]]:
    """Run the API's validators on one control's value: ``{input name: (code, detail)}``."""
    fragment: dict[str, Any] = {}
    node = fragment
    path = [*owner.prefix, *group.key.split(".")]
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    try:
        if owner.is_person:
            check_person_params(fragment, context)
        else:
            check_account_params(fragment, context)
    except InvalidRequest as exc:
        name = exc.param if exc.param and any(i.name == exc.param for i in group.inputs) else None
        return {name or _first_visible(group): (exc.code or "invalid", exc.message)}
    return {}


def _first_visible(group: Group) -> str:
    return next((i.name for i in group.inputs if i.kind != "hidden"), group.inputs[0].name)


def check_bank(
    country: str, form: Mapping[str, Any], *, livemode: bool
) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The payout bank account: an IBAN where the country uses one, else a bank code (the US
    routing number) and an account number."""
    bank = form.get("external_account") or {}
    holder = str(bank.get("account_holder_name") or "").strip()
    errors: dict[str, tuple[str, str]] = {}
    result: dict[str, Any] = {
        "object": "bank_account",
        "country": country,
        "account_holder_name": holder,
    }
    if not holder:
        errors["external_account[account_holder_name]"] = ("required", "")
    try:
        if uses_iban(country):
            iban = str(bank.get("iban") or "")
            if not iban.strip():
                errors["external_account[iban]"] = ("required", "")
            else:
                result["iban"] = banks.iban(iban)
                result["last4"] = result["iban"][-4:]
        else:
            routing = str(bank.get("routing_number") or "").strip()
            number = str(bank.get("account_number") or "").strip()
            if not routing:
                errors["external_account[routing_number]"] = ("required", "")
            elif country == "us":
                result["routing_number"] = banks.us_routing_number(
                    routing, test_values=not livemode
                )
            else:
                result["routing_number"] = routing
            if not number:
                errors["external_account[account_number]"] = ("required", "")
            else:
                result["account_number"] = banks.account_number(number, country)
                result["last4"] = result["account_number"][-4:]
    except FieldInvalid as exc:
        code = exc.code
        where = (
            "external_account[iban]" if uses_iban(country) else "external_account[account_number]"
        )
        if "routing" in str(exc).lower():
            where = "external_account[routing_number]"
        errors[where] = (code, exc.message)
    return result, errors


_IBAN_COUNTRIES = frozenset(
    [
        "ae",
        "at",
        "be",
        "bg",
        "ch",
        "cy",
        "cz",
        "de",
        "dk",
        "ee",
        "es",
        "fi",
        "fr",
        "gr",
        "hu",
        "ie",
        "it",
        "li",
        "lt",
        "lu",
        "lv",
        "mt",
        "nl",
        "no",
        "pl",
        "pt",
        "ro",
        "se",
        "si",
        "sk",
    ]
)


def uses_iban(country: str) -> bool:
    return country in _IBAN_COUNTRIES
