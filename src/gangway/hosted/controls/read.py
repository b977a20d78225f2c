"""Reading a control back from a submitted form, and checking it with the API's validators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gangway.core.errors import InvalidRequest
from gangway.core.field_checks import CheckContext, check_account_params, check_person_params
from gangway.hosted import paths
from gangway.hosted.controls.model import FieldError, Group, Owner

__all__ = ["IncompleteDate", "check_value", "read_plain", "read_value"]

_CHECKBOXES = frozenset({"relationship.executive", "relationship.director", "relationship.owner"})


class IncompleteDate(ValueError):
    """Some but not all of a date's parts were entered, or one is not a number: ``part`` is
    the first one to fix."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def read_value(group: Group, form: Mapping[str, Any], owner: Owner) -> tuple[bool, Any]:
    """``(given, value)``: the API value the group's inputs hold, or ``given=False`` when they
    are all blank (nothing entered: keep what is on file)."""
    raw = paths.lookup(form, [*owner.prefix, *paths.dotted(group.key)])
    key = group.key
    if key in _CHECKBOXES:
        return True, raw == "on"
    if key == "date_of_birth":
        parts = raw if isinstance(raw, Mapping) else {}
        values = {p: str(parts.get(p) or "").strip() for p in ("day", "month", "year")}
        if not any(values.values()):
            return False, None
        for part in (i.name.rsplit("[", 1)[1].rstrip("]") for i in group.inputs):
            if not (values[part].isascii() and values[part].isdigit()):
                raise IncompleteDate(part)
        return True, {p: int(v) for p, v in values.items()}
    if key == "id_numbers":
        item = raw[0] if isinstance(raw, list) and raw and isinstance(raw[0], Mapping) else {}
        value = str(item.get("value") or "").strip()
        if not value:
            return False, None
        return True, [{"type": str(item.get("type") or ""), "value": value}]
    if key == "nationalities":
        listed = raw if isinstance(raw, list) else []
        chosen = [str(v).strip().lower() for v in listed if str(v).strip()]
        return (True, chosen) if chosen else (False, None)
    if isinstance(raw, Mapping):
        cleaned = {k: str(v).strip() for k, v in raw.items() if str(v).strip()}
        if not cleaned:
            return False, None
        if key == "address" or key.startswith("script_addresses."):
            cleaned.setdefault("country", owner.country)
        return True, cleaned
    return read_plain(raw)


def read_plain(raw: Any) -> tuple[bool, Any]:
    """A text input's value: trimmed, or not given when blank."""
    text = str(raw or "").strip() if not isinstance(raw, (Mapping, list)) else ""
    return (True, text) if text else (False, None)


def check_value(
    group: Group, value: Any, owner: Owner, context: CheckContext
) -> dict[str, FieldError]:
    """Run the API's field validators on one control's value: ``{input name: error}``."""
    fragment: dict[str, Any] = {}
    paths.place(fragment, [*owner.prefix, *paths.dotted(group.key)], value)
    try:
        if owner.is_person:
            check_person_params(fragment, context)
        else:
            check_account_params(fragment, context)
    except InvalidRequest as exc:
        error = FieldError.refused(exc.code or "invalid", exc.message, exc.param)
        return {input_for(group, exc.param): error}
    return {}


def input_for(group: Group, param: str | None) -> str:
    """The input an error's ``param`` names, else the group's first visible input."""
    if param and any(i.name == param for i in group.inputs):
        return param
    visible = group.visible
    return (visible[0] if visible else group.inputs[0]).name
