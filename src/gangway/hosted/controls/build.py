"""Building a control's inputs from its declaration and the owner's document.

Simple controls (a name, an email, a checkbox, a select) are declared as data in ``SIMPLE``;
the few with several inputs (an address, a date, an ID number, a name in a script) have a
builder each in ``COMPOSITE``. Input names are the API's param paths.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry

from gangway.hosted import address_layouts, i18n, limits, paths
from gangway.hosted.controls import id_types
from gangway.hosted.controls.model import Group, Input, Owner
from gangway.hosted.i18n import N_
from gangway.hosted.wording import BUSINESS_ADDRESS, BUSINESS_PHONE, LABELS, TAX_ID

__all__ = ["SIMPLE", "build_group", "choice_group"]

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
SCRIPT_NAME_PARTS = {"surname": N_("Last name"), "given_name": N_("First name")}
SCRIPT_NAMES = {"kana": N_("Name in kana"), "kanji": N_("Name in kanji")}


@dataclass(frozen=True)
class Simple:
    """A one-input control."""

    kind: str = "text"
    autocomplete: str | None = None
    inputmode: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    business_label: str | None = None


SIMPLE: Mapping[str, Simple] = {
    "given_name": Simple(autocomplete="given-name"),
    "surname": Simple(autocomplete="family-name"),
    "email": Simple("email", autocomplete="email"),
    "phone": Simple("tel", autocomplete="tel", business_label=BUSINESS_PHONE),
    "registered_name": Simple(autocomplete="organization"),
    "relationship.title": Simple(autocomplete="organization-title"),
    "relationship.percent_ownership": Simple(inputmode="decimal"),
    "relationship.executive": Simple("checkbox"),
    "relationship.director": Simple("checkbox"),
    "relationship.owner": Simple("checkbox"),
    "political_exposure": Simple("radio", choices=POLITICAL),
    "structure": Simple("select", choices=STRUCTURES),
}


def build_group(
    key: str, owner: Owner, locale: str, descriptions: Sequence[str] = (), required: bool = True
) -> Group:
    """The inputs of control ``key``, filled from the owner's document."""
    for prefix, builder in COMPOSITE.items():
        if key == prefix or key.startswith(prefix + "."):
            return builder(key, owner, locale, descriptions, required)
    spec = SIMPLE.get(key, Simple())
    label = LABELS.get(key, key)
    if owner.is_business and spec.business_label:
        label = spec.business_label
    path = [*owner.prefix, *paths.dotted(key)]
    current = paths.lookup(owner.document, paths.dotted(key))
    item = Input(
        paths.name(*path),
        label,
        kind=spec.kind,
        value="" if spec.kind == "checkbox" else str(current or ""),
        checked=current is True,
        autocomplete=spec.autocomplete,
        inputmode=spec.inputmode,
        choices=spec.choices,
        required=required,
        maxlength=limits.max_length(owner.is_person, path) if spec.kind == "text" else None,
    )
    if spec.kind in ("email", "tel"):
        item.maxlength = limits.max_length(owner.is_person, path)
    return Group(key, label, [item], spec.kind == "radio")


def choice_group(
    name: str, label: str, kind: str, choices: Any, value: Any, literal: bool = False
) -> Group:
    """A required select or radio group that is not an owner's field (the account's own)."""
    item = Input(
        name,
        label,
        kind=kind,
        value=str(value or ""),
        choices=tuple(choices),
        literal_choices=literal,
        required=True,
    )
    return Group(name, label, [item], kind == "radio")


def _address(
    key: str, owner: Owner, locale: str, descriptions: Sequence[str], required: bool
) -> Group:
    relative = paths.dotted(key)
    path = (*owner.prefix, *relative)
    script = relative[1] if key.startswith("script_addresses.") else None
    country = "jp" if script else owner.country
    layout = address_layouts.address_layout(country, script=script)
    current = paths.lookup(owner.document, relative) or {}
    inputs = []
    for spec in layout.fields:
        inputs.append(
            Input(
                paths.name(*path, spec.name),
                spec.label,
                kind="select" if spec.choices else "text",
                value=str(current.get(spec.name) or ""),
                autocomplete=spec.autocomplete,
                choices=spec.choices,
                literal_choices=True,
                required=required and spec.required,
                hint=N_("For example: %(example)s")
                if spec.name == "postal_code" and layout.postal_code_example
                else None,
                hint_args={"example": layout.postal_code_example or ""},
                size="short" if spec.name == "postal_code" else "full",
                maxlength=limits.max_length(owner.is_person, [*path, spec.name]),
            )
        )
    legend = BUSINESS_ADDRESS if owner.is_business else LABELS["address"]
    if script:
        legend = LABELS[key]
    return Group(key, legend, inputs, True)


def _script_name(
    key: str, owner: Owner, locale: str, descriptions: Sequence[str], required: bool
) -> Group:
    relative = paths.dotted(key)
    parts = ("registered_name",) if owner.is_business else ("surname", "given_name")
    inputs = [
        Input(
            paths.name(*owner.prefix, *relative, part),
            SCRIPT_NAME_PARTS.get(part, LABELS["registered_name"]),
            value=str(paths.lookup(owner.document, [*relative, part]) or ""),
            required=required,
            maxlength=limits.max_length(owner.is_person, [*owner.prefix, *relative, part]),
        )
        for part in parts
    ]
    return Group(key, SCRIPT_NAMES.get(relative[-1], LABELS.get(key, key)), inputs, True)


def _date_of_birth(
    key: str, owner: Owner, locale: str, descriptions: Sequence[str], required: bool
) -> Group:
    current = paths.lookup(owner.document, ["date_of_birth"]) or {}
    inputs = [
        Input(
            paths.name(*owner.prefix, "date_of_birth", part),
            DATE_PARTS[part],
            inputmode="numeric",
            value=str(current.get(part) or ""),
            autocomplete=f"bday-{part}",
            size="year" if part == "year" else "short",
            required=required,
            maxlength=4 if part == "year" else 2,
        )
        for part in i18n.date_order(locale)
    ]
    return Group(key, LABELS[key], inputs, True)


def _id_numbers(
    key: str, owner: Owner, locale: str, descriptions: Sequence[str], required: bool
) -> Group:
    on_file = [
        n
        for n in paths.lookup(owner.document, ["id_numbers"]) or []
        if isinstance(n, Mapping) and n.get("value")
    ]
    types = id_types.offered(owner, descriptions, [str(n.get("type")) for n in on_file])
    prefix: tuple[str | int, ...] = (*owner.prefix, "id_numbers", 0)
    label = TAX_ID if owner.is_business else LABELS["id_numbers"]
    inputs = []
    if len(types) > 1:
        inputs.append(
            Input(
                paths.name(*prefix, "type"),
                N_("Type of ID number"),
                kind="select",
                value=types[0],
                choices=[(t, id_types.label(t)) for t in types],
                required=required,
            )
        )
    else:
        inputs.append(Input(paths.name(*prefix, "type"), "", kind="hidden", value=types[0]))
    # a different type is wanted than the one on file (the full number after the last 4):
    # then what is on file does not satisfy the field
    satisfied = bool(on_file) and any(n.get("type") in types for n in on_file)
    hint, args = None, {}
    if satisfied:
        hint = N_("On file: ending in %(last4)s. Leave blank to keep it.")
        args = {"last4": str(on_file[0]["value"])[-4:]}
    inputs.append(
        Input(
            paths.name(*prefix, "value"),
            id_types.label(types[0]) if len(types) == 1 else label,
            label_args={"type": types[0].upper()},
            hint_args=args,
            hint=hint,
            inputmode="numeric" if owner.country == "us" else None,
            autocomplete="off",
            required=required and not satisfied,
            maxlength=limits.max_length(owner.is_person, [*prefix, "value"]),
        )
    )
    return Group(key, label, inputs, True)


def _nationalities(
    key: str, owner: Owner, locale: str, descriptions: Sequence[str], required: bool
) -> Group:
    current = paths.lookup(owner.document, ["nationalities"]) or []
    item = Input(
        paths.name(*owner.prefix, "nationalities", 0),
        LABELS[key],
        kind="select",
        value=str(current[0]).upper() if current else owner.country.upper(),
        choices=_countries(),
        literal_choices=True,
        required=required,
    )
    return Group(key, LABELS[key], [item])


Builder = Callable[[str, Owner, str, Sequence[str], bool], Group]

COMPOSITE: Mapping[str, Builder] = {
    "address": _address,
    "script_addresses": _address,
    "script_names": _script_name,
    "date_of_birth": _date_of_birth,
    "id_numbers": _id_numbers,
    "nationalities": _nationalities,
}


@functools.cache
def _countries() -> tuple[tuple[str, str], ...]:
    """Every country by name, built once (the nationality select lists them all)."""
    return tuple(sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda p: p[1]))
