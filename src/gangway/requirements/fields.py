"""Compiled fields: a description, where its value lives, and what counts as provided.

Rule files are parsed once at load time into these small frozen objects, so evaluating an
account is a walk over tuples of keys with no parsing, no regexes and no pydantic on the hot path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gangway.requirements.deadlines import Policy
from gangway.requirements.facts import has_list_item, is_blank, lookup

__all__ = ["CHECK_LIST_ITEM", "CHECK_PRESENT", "CHECK_TRUE", "Field"]

CHECK_PRESENT = "present"
CHECK_TRUE = "true"
CHECK_LIST_ITEM = "list_item"


@dataclass(frozen=True, slots=True)
class Field:
    """One requirement entry's worth of data.

    ``description`` is relative to the scope (the Person for person scopes); ``alternatives`` are
    options that satisfy the field instead (every field of one option); ``raises`` are asked for
    when the field's verification fails, under ``raise_policy``.
    """

    description: str
    path: tuple[str, ...]
    check: str = CHECK_PRESENT
    list_key: str = "type"
    list_values: frozenset[str] = frozenset()
    alternatives: tuple[tuple[Field, ...], ...] = ()
    raises: tuple[Field, ...] = ()
    raise_policy: Policy | None = None

    def provided(self, root: Mapping[str, Any] | None) -> bool:
        """Whether the field's own value is there (alternatives not considered)."""
        value = lookup(root, self.path)
        if self.check == CHECK_PRESENT:
            return not is_blank(value)
        if self.check == CHECK_TRUE:
            return value is True
        return has_list_item(value, self.list_key, self.list_values)

    def satisfying_option(self, root: Mapping[str, Any] | None) -> tuple[Field, ...] | None:
        """The first alternative option whose fields are all provided, if any."""
        for option in self.alternatives:
            if all(f.provided(root) for f in option):
                return option
        return None
