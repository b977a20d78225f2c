"""One application of a plan at one instant into one collector.

``evaluate`` runs one pass for the current requirements and, when a future version is
announced, one for ``future_requirements``; both read the same ``Scope``. The hot loop (a
provided field without a verdict asks for nothing, a missing one asks for itself) is the plan's
compiled function; this class holds what it calls back for, the less travelled paths:

* a satisfied alternative: the chosen option's fields stand in for the missing one;
* a verdict on a provided field (accounts without verdicts never get here): ``pending`` is an
  entry awaiting Stripe; ``failed`` asks the user again with the verifier's errors, plus
  whatever the field's ``on_failure`` raises, unless every raised field is already provided and
  not failed itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gangway.requirements.deadlines import Deadline, Policy, deadline_at
from gangway.requirements.entries import STRIPE, USER, EntryCollector, entry_key
from gangway.requirements.facts import CapabilityKey, Verification, is_blank, lookup
from gangway.requirements.fields import Field
from gangway.requirements.plans import FieldRule, Plan, RoleRule
from gangway.requirements.scope import Scope

__all__ = ["ROUTINE_VERIFICATION", "Pass"]

ROUTINE_VERIFICATION = "routine_verification"


class Pass:
    """``reason_override`` replaces every requested reason (``future_requirements``);
    ``track_changes`` folds each deadline's next change into the collector (the current pass:
    the future pass is evaluated as of the transition, which is its only change)."""

    __slots__ = ("_deadlines", "now_ms", "out", "reason_override", "scope", "track_changes")

    def __init__(
        self,
        scope: Scope,
        now_ms: int,
        out: EntryCollector,
        reason_override: str | None,
        *,
        track_changes: bool,
    ) -> None:
        self.scope = scope
        self.now_ms = now_ms
        self.out = out
        self.reason_override = reason_override
        self.track_changes = track_changes
        self._deadlines: dict[str, Deadline] = {}

    def run(self, plan: Plan) -> None:
        """Each step of ``plan``, through its compiled function (``compiler.py``), which
        calls back into the methods below for role rules, deadlines and the rarer paths."""
        plan.run(self, self.scope, self.out)

    def _role(self, rule: RoleRule) -> None:
        """A role rule with fewer Persons than it needs (the compiled pass counted them):
        an entry, unless it is waived."""
        scope = self.scope
        for path in rule.waived_by:
            answer = lookup(scope.document, path)
            if answer is not False and not is_blank(answer):
                return
        self.out.add(
            entry_key(rule.description, None),
            rule.description,
            None,
            USER,
            self.deadline(rule.policy),
            rule.targets,
            self.reason_override or rule.reason,
        )

    def deadline(self, policy: Policy) -> Deadline:
        """The user's deadline under ``policy``: the same for every entry of a pass, so computed
        once per policy (policy names are unique within a country's rules)."""
        deadline = self._deadlines.get(policy.name)
        if deadline is None:
            deadline = self._deadlines[policy.name] = self._deadline_at(policy, False)
        return deadline

    def _deadline_at(self, policy: Policy, awaiting_stripe: bool) -> Deadline:
        scope = self.scope
        deadline = deadline_at(
            policy,
            created_ms=scope.created_ms,
            triggered_ms=scope.triggered_ms,
            now_ms=self.now_ms,
            awaiting_stripe=awaiting_stripe,
            blocked_ms=scope.blocked_ms,
        )
        if self.track_changes:
            self.out.note_change(deadline.next_change_ms)
        return deadline

    # ---- the less travelled paths ------------------------------------------------------------

    def _verify_all(
        self,
        fields: tuple[Field, ...],
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        key_suffix: str,
        rule: FieldRule,
    ) -> None:
        """``_verify`` for each field of the option chosen in place of a missing field."""
        for field in fields:
            self._verify(field, root, person_id, prefix, key_suffix, rule)

    def _verify(
        self,
        field: Field,
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        key_suffix: str,
        rule: FieldRule,
        policy: Policy | None = None,
        reason: str | None = None,
    ) -> None:
        """What the verdict on the provided ``field`` asks for, under ``rule`` (with the policy
        and reason of an ``on_failure`` raise, when ``field`` was raised)."""
        verification = self.scope.verifications.get((person_id, field.description))
        if verification is not None and verification.status != "verified":
            self._verdict(
                verification, field, root, person_id, prefix, key_suffix, rule, policy, reason
            )

    def _verdict(
        self,
        verification: Verification,
        field: Field,
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        key_suffix: str,
        rule: FieldRule,
        policy: Policy | None = None,
        reason: str | None = None,
    ) -> None:
        """``_verify`` once the verdict is known to be pending or failed."""
        policy = policy or rule.policy
        reason = reason or rule.reason
        targets: tuple[CapabilityKey, ...] = rule.targets
        description = prefix + field.description
        out = self.out
        override = self.reason_override
        if verification.status == "pending":
            deadline = self._deadline_at(policy, True)
            out.add(
                description + key_suffix,
                description,
                person_id,
                STRIPE,
                deadline,
                targets,
                override or reason,
            )
            return
        resolved = bool(field.raises) and all(
            raised.provided(root) and not self._failed(person_id, raised) for raised in field.raises
        )
        if not resolved:
            out.add(
                description + key_suffix,
                description,
                person_id,
                USER,
                self.deadline(policy),
                targets,
                override or ROUTINE_VERIFICATION,
                verification.errors,
            )
        raise_policy = field.raise_policy or policy
        for raised in field.raises:
            if raised.provided(root):
                self._verify(
                    raised,
                    root,
                    person_id,
                    prefix,
                    key_suffix,
                    rule,
                    raise_policy,
                    ROUTINE_VERIFICATION,
                )
                continue
            raised_description = prefix + raised.description
            out.add(
                raised_description + key_suffix,
                raised_description,
                person_id,
                USER,
                self.deadline(raise_policy),
                targets,
                override or ROUTINE_VERIFICATION,
            )

    def _failed(self, person_id: str | None, field: Field) -> bool:
        verification = self.scope.verifications.get((person_id, field.description))
        return verification is not None and verification.status == "failed"
