"""The payout bank account (v2 Accounts has no field for it: only the form collects it)."""

from __future__ import annotations

from dataclasses import dataclass

from gangway.hosted.controls.bank import bank_group, read_bank
from gangway.hosted.controls.model import Section
from gangway.hosted.steps.common import Context, Outcome, Submission, saving
from gangway.hosted.wording import STEP_TITLES
from gangway.requirements.facts import with_payout_bank
from gangway.services import accounts

__all__ = ["BANK"]


@dataclass(frozen=True)
class Bank:
    name: str = "bank"
    template: str = "step.html"

    def sections(self, ctx: Context) -> list[Section]:
        on_file = with_payout_bank(ctx.view.document).get("external_account") or {}
        return [Section(STEP_TITLES[self.name], [bank_group(ctx.view.country, on_file)])]

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        bank, errors = read_bank(ctx.view.country, sent.form, livemode=ctx.call.livemode)
        if not sent.finishing and not any(bank.get(k) for k in ("iban", "account_number")):
            return Outcome()  # Save for later with no number: nothing to keep
        if errors:
            return Outcome(errors)
        return saving(
            lambda: accounts.set_external_account(
                ctx.uow, ctx.call, ctx.view.account.id, bank, ctx.rules
            )
        )


BANK = Bank()
