"""The industries the form offers (merchant category codes), and an MCC's name for people."""

from __future__ import annotations

from gangway.hosted.i18n import N_
from gangway.validation._mcc_codes import MCC_CATEGORIES

__all__ = ["MCC_CHOICES", "industry_name"]

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
_NAMES = dict(MCC_CHOICES)


def industry_name(mcc: str) -> tuple[str, bool]:
    """``(name, is_msgid)``: the form's own name for an MCC it offers (to translate), else
    Stripe's category name made readable (``veterinary_services`` -> ``Veterinary services``),
    else the code itself."""
    if mcc in _NAMES:
        return _NAMES[mcc], True
    category = MCC_CATEGORIES.get(mcc)
    if category:
        return category.replace("_", " ").capitalize() + f" ({mcc})", False
    return mcc, False
