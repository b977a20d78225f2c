"""The longest value each input may hold, from the same contract the services enforce."""

from __future__ import annotations

from collections.abc import Sequence

from gangway.api.params import STRING_MAX

__all__ = ["max_length"]


def max_length(is_person: bool, path: Sequence[str | int]) -> int | None:
    """``maxlength`` for the input at param ``path`` of an account (or a person) update."""
    return STRING_MAX
