"""One application of a plan at one instant into one collector.

``evaluate`` runs one pass for the current requirements and, when a future version is
announced, one for ``future_requirements``; both read the same ``Scope``. ``Pass.run`` is
the hot loop: a provided field without a verdict asks for nothing, a missing one asks for
itself. The rest of the class is the less travelled paths:

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
from gangway.requirements.facts import (
    CapabilityKey,
    Verification,
    has_list_item,
    is_blank,
    lookup,
)
from gangway.requirements.fields import CHECK_PRESENT, CHECK_TRUE, Field
from gangway.requirements.plans import FieldRule, Plan, RoleRule
from gangway.requirements.scope import UNSET, Scope
from gangway.requirements.scope import node as parent_node

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
        """Each step of ``plan``: a role rule, or a field rule's fields against the account or
        each Person holding its role.

        The hot loop, kept in one frame: a call per rule and Person cost more than the two or
        three fields it checks. It inlines the lookup through the cached parent node, the common
        checks and the verdict lookup (``Field.provided`` and ``_verify`` say the same things
        more slowly), and the deadline bookkeeping that a rule's missing fields share is done
        once per plan slot (``FieldRule.slot``), at the first of them."""
        scope = self.scope
        verdicts = scope.verifications
        out = self.out
        put = out.put
        override = self.reason_override
        dues: list[tuple[str, str, int | None] | None] = [None] * plan.slots
        account = (scope.account,)
        for rule in plan.steps:
            if isinstance(rule, RoleRule):
                self._role(rule)
                continue
            subjects = account if rule.role is None else scope.subjects(rule.role)
            for root, person_id, key_suffix, nodes, links in subjects:
                due: tuple[str, str, int | None] | None = None
                reason = ""
                for step in rule.fields:
                    node = nodes[step.parent]
                    if node is UNSET:
                        node = parent_node(nodes, links, step.parent)
                    value = None if node is None else node.get(step.leaf)
                    check = step.check
                    if check == CHECK_PRESENT:
                        if value is None:
                            provided = False
                        elif type(value) is str:
                            provided = bool(value.strip())
                        else:
                            provided = not is_blank(value)
                    elif check == CHECK_TRUE:
                        provided = value is True
                    else:
                        provided = has_list_item(value, step.list_key, step.list_values)
                    if provided:
                        if verdicts:
                            verification = verdicts.get((person_id, step.verify_key))
                            if verification is not None and verification.status != "verified":
                                self._verdict(
                                    verification,
                                    step.field,
                                    root,
                                    person_id,
                                    rule.prefix,
                                    key_suffix,
                                    rule,
                                )
                        continue
                    if step.alternatives and self._option_chosen(
                        step.field, root, person_id, rule.prefix, key_suffix, rule
                    ):
                        continue
                    if due is None:
                        due = dues[rule.slot]
                        if due is None:
                            due = dues[rule.slot] = out.due(
                                self.deadline(rule.policy), rule.targets
                            )
                        reason = override or rule.reason
                    status, minimum, time_ms = due
                    put(
                        step.description + key_suffix,
                        step.description,
                        person_id,
                        USER,
                        status,
                        minimum,
                        time_ms,
                        rule.targets,
                        reason,
                        step.alternatives,
                    )

    def _role(self, rule: RoleRule) -> None:
        scope = self.scope
        if len(scope.persons(rule.role)) >= rule.min_count:
            return
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

    def _option_chosen(
        self,
        field: Field,
        root: Mapping[str, Any],
        person_id: str | None,
        prefix: str,
        key_suffix: str,
        rule: FieldRule,
    ) -> bool:
        """Whether an alternative option satisfies the missing ``field``; the chosen option's
        fields then stand in for it, verdicts included."""
        option = field.satisfying_option(root)
        if option is None:
            return False
        if self.scope.verifications:
            for chosen in option:
                self._verify(chosen, root, person_id, prefix, key_suffix, rule)
        return True

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
