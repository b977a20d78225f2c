"""Review and submit: what the account holds, and the services agreement."""

from __future__ import annotations

from dataclasses import dataclass

from gangway.core.clock import to_rfc3339
from gangway.hosted.controls.model import FieldError, Section
from gangway.hosted.steps.common import Context, Outcome, Submission, saving
from gangway.services import accounts

__all__ = ["REVIEW"]

USER_AGENT_MAX = 500


@dataclass(frozen=True)
class Review:
    name: str = "review"
    template: str = "review.html"

    def sections(self, ctx: Context) -> list[Section]:
        return []

    def submit(self, ctx: Context, shown: list[Section], sent: Submission) -> Outcome:
        if not sent.finishing:
            return Outcome()
        if sent.form.get("tos") != "on":
            return Outcome({"tos": FieldError("terms_required")})
        acceptance: dict[str, str] = {
            "date": to_rfc3339(ctx.call.now_ms),
            "ip": sent.client.get("ip") or "0.0.0.0",
        }
        agent = (sent.client.get("user_agent") or "")[:USER_AGENT_MAX]
        if agent:
            acceptance["user_agent"] = agent
        params = {"identity": {"attestations": {"terms_of_service": {"account": acceptance}}}}
        return saving(
            lambda: accounts.update(
                ctx.uow, ctx.call, ctx.view.account.id, params, ctx.rules, holder=True
            )
        )


REVIEW = Review()
