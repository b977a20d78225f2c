"""The longest value each input may hold, from the same contract the services enforce."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from gangway.contract import limits

__all__ = ["max_length"]


def max_length(is_person: bool, path: Sequence[str | int]) -> int | None:
    """``maxlength`` for the input at param ``path`` of an account (or a person) update; the
    payout bank account (``external_account...``) has Gangway's own schema."""
    return _max_length(is_person, tuple(str(p) for p in path))


@functools.lru_cache(maxsize=1024)  # keyed by the form's own input paths: bounded
def _max_length(is_person: bool, parts: tuple[str, ...]) -> int | None:
    if parts[:1] == ("external_account",):
        name, parts = "ExternalAccountParams", parts[1:]
    else:
        name = "PersonUpdateParams" if is_person else "AccountUpdateParams"
    try:
        return limits.max_length(name, ".".join(parts))
    except KeyError:
        return None
