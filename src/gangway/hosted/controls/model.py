"""What a page is made of: inputs, the groups (controls) they form, and whose value they edit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gangway.hosted import japanese

__all__ = ["FieldError", "Group", "Input", "Owner", "Section"]


@dataclass(frozen=True)
class FieldError:
    """A problem with one input: a validation ``code`` (translated), the validator's English
    ``detail`` and the values the message names (``{"max": "5000"}``)."""

    code: str
    detail: str = ""
    args: Mapping[str, str] = field(default_factory=dict)
    message: str | None = None
    """A msgid that says it better than the code's own (kana or kanji, for a script error)."""

    @classmethod
    def refused(cls, code: str, detail: str, param: str | None) -> FieldError:
        """An API refusal at ``param``."""
        args = {"max": "5000"} if code == "parameter_invalid_string_too_long" else {}
        return cls(code, detail, args, japanese.error_message(code, param))


@dataclass
class Input:
    """One HTML input; ``label`` and choice names are msgids unless ``literal_choices``."""

    name: str
    label: str
    kind: str = "text"
    value: str = ""
    autocomplete: str | None = None
    choices: Sequence[tuple[str, str]] = ()
    literal_choices: bool = False
    required: bool = False
    error: FieldError | None = None
    hint: str | None = None
    hint_args: Mapping[str, str] = field(default_factory=dict)
    inputmode: str | None = None
    size: str = "full"
    checked: bool = False
    maxlength: int | None = None
    on_file: bool = False
    """Shown to confirm or edit what is on file, not because it is owed: not marked optional."""
    label_args: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Group:
    """A control: one input, or a fieldset of several (an address, a date)."""

    key: str
    legend: str
    inputs: list[Input]
    fieldset: bool = False
    legend_args: Mapping[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Input]:
        return [i for i in self.inputs if i.error]

    @property
    def visible(self) -> list[Input]:
        return [i for i in self.inputs if i.kind != "hidden"]


@dataclass(frozen=True)
class Owner:
    """Whose value a group edits: its param path prefix and its current document."""

    prefix: tuple[str, ...]
    """``("identity", "individual")`` for the individual; ``()`` for a Person."""
    document: Mapping[str, Any]
    country: str
    is_person: bool
    is_business: bool = False
    entity_type: str | None = None


@dataclass
class Section:
    """A block of a page: a titled set of groups that belong to one owner."""

    title: str
    groups: list[Group]
    owner: Owner | None = None
    person_id: str | None = None
    title_args: Mapping[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    """Msgids said at the top of the step: why it asks again."""

    def inputs(self) -> list[Input]:
        return [i for g in self.groups for i in g.inputs]
