"""Which ID-number types an ID input offers, in which order, under which human label."""

from __future__ import annotations

from collections.abc import Sequence

from gangway.api.contract import load
from gangway.hosted.controls.model import Owner
from gangway.hosted.i18n import N_

__all__ = ["label", "offered"]

_NAMES = {
    "us_ssn_last_4": N_("Last 4 digits of your Social Security number"),
    "us_ssn": N_("Social Security number (SSN)"),
    "us_itin": N_("Individual Taxpayer Identification Number (ITIN)"),
    "us_itin_last_4": N_("Last 4 digits of your ITIN"),
    "us_ein": N_("Employer Identification Number (EIN)"),
}
_OTHER = N_("ID number (%(type)s)")


def label(id_type: str) -> str:
    return _NAMES.get(id_type, _OTHER)


def offered(owner: Owner, descriptions: Sequence[str], on_file: Sequence[str]) -> list[str]:
    """The types to offer, the one to preselect first: those the requirement names, else the
    country's; a full number before its last 4 when the last 4 are already on file."""
    named = [d.split(".")[1] for d in descriptions if d.startswith("id_numbers.")]
    if named:
        types: list[str] = []
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
    full = [v for v in values if v.startswith(owner.country + "_") and not v.endswith("_last_4")]
    family = [t.removesuffix("_last_4") for t in on_file if t.endswith("_last_4")]
    return sorted(full, key=lambda t: t not in family) or ["id_number"]
