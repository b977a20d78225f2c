"""Which ID-number types an ID input offers, in which order (the preselected one first)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from gangway.hosted import id_number_types
from gangway.hosted.controls.model import Owner

__all__ = ["label", "offered"]

label = id_number_types.label


def offered(owner: Owner, descriptions: Sequence[str], on_file: Sequence[str]) -> list[str]:
    """The types to offer: those the requirement names (a last 4 with its full number), else
    the country's full numbers, the usual one for the person or business first, and the full
    number of a last 4 on file before the rest (the last 4 were not enough)."""
    structure = owner.document.get("structure") if owner.is_business else None
    country_types = _country_types(
        owner.country,
        owner.is_business,
        owner.entity_type or "company",
        structure if isinstance(structure, str) else None,
    )
    named = [d.split(".")[1] for d in descriptions if d.startswith("id_numbers.")]
    if named:
        wanted: list[str] = []
        for name in named:
            wanted += [name, name.removesuffix("_last_4")] if name.endswith("_last_4") else [name]
        return list(dict.fromkeys(wanted))
    full = [t for t in country_types if not t.endswith("_last_4")]
    family = {t.removesuffix("_last_4") for t in on_file if t.endswith("_last_4")}
    return sorted(full, key=lambda t: t not in family) or ["id_number"]


@functools.lru_cache(maxsize=512)  # keyed by stored values: bounded
def _country_types(
    country: str, is_business: bool, entity_type: str, structure: str | None
) -> tuple[str, ...]:
    if is_business:
        return id_number_types.business_types(country, entity_type=entity_type, structure=structure)
    return id_number_types.individual_types(country)
