"""v1 capability names and the v2 capability each one is: the one table every v1 module reads.

Why a table and not a rule: most v1 payment-method capabilities keep their name in v2's
``merchant`` configuration (``sepa_debit_payments``), but not all (v1's
``us_bank_account_ach_payments`` is v2's ``ach_debit_payments``, v1's ``transfers`` is the
recipient's ``stripe_balance.stripe_transfers``), and v1 capabilities with no v2 counterpart in
the Accounts v2 preview (``card_issuing``, ``treasury``, ``tax_reporting_us_1099_k``...) are not
served: requesting one is a 400 naming it.
"""

from __future__ import annotations

from typing import Final

__all__ = ["V1_CAPABILITIES", "v1_name_of"]

_SAME_NAME: Final = (
    "acss_debit_payments",
    "affirm_payments",
    "afterpay_clearpay_payments",
    "alma_payments",
    "amazon_pay_payments",
    "au_becs_debit_payments",
    "bacs_debit_payments",
    "bancontact_payments",
    "blik_payments",
    "boleto_payments",
    "card_payments",
    "cartes_bancaires_payments",
    "cashapp_payments",
    "eps_payments",
    "fpx_payments",
    "gb_bank_transfer_payments",
    "grabpay_payments",
    "ideal_payments",
    "jcb_payments",
    "jp_bank_transfer_payments",
    "kakao_pay_payments",
    "klarna_payments",
    "konbini_payments",
    "kr_card_payments",
    "link_payments",
    "mobilepay_payments",
    "multibanco_payments",
    "mx_bank_transfer_payments",
    "naver_pay_payments",
    "oxxo_payments",
    "pay_by_bank_payments",
    "payco_payments",
    "paynow_payments",
    "promptpay_payments",
    "revolut_pay_payments",
    "samsung_pay_payments",
    "satispay_payments",
    "sepa_bank_transfer_payments",
    "sepa_debit_payments",
    "swish_payments",
    "twint_payments",
    "us_bank_transfer_payments",
    "zip_payments",
)

V1_CAPABILITIES: Final[dict[str, tuple[str, str]]] = dict(
    sorted(
        {
            **{name: ("merchant", name) for name in _SAME_NAME},
            "us_bank_account_ach_payments": ("merchant", "ach_debit_payments"),
            "transfers": ("recipient", "stripe_balance.stripe_transfers"),
        }.items()
    )
)
"""v1 name -> (v2 configuration, dotted v2 capability), sorted by v1 name as v1 lists them."""

_BY_V2: Final = {v2: v1 for v1, v2 in V1_CAPABILITIES.items()}


def v1_name_of(configuration: str, dotted: str) -> str | None:
    """The v1 name of a v2 capability; None for those v1 has no name for (v2's
    ``stripe_balance.payouts`` is v1's ``payouts_enabled``, not a capability)."""
    return _BY_V2.get((configuration, dotted))
