"""A plan compiled to one Python function: the engine's hot loop with the rules unrolled.

An interpreter over a plan pays, for every field of every evaluation, for what the rules
already fix: which check to run, where the value lives, what the entry will say. Compiling
the plan once turns all of that into constants: each field becomes a few lines (walk to its
parent object, read the leaf, test it), and a missing field builds its wire entry as one dict
literal, with its description, capabilities and reason written into the code. What is left
at run time is what the account can change: which values are there, the deadline statuses of
now, the Persons.

The generated function does what an interpreter over the plan would, in plan order: rules,
then (for person rules) each Person holding the role, then fields; the order matters when two
rules ask for one entry. Anything off the common path goes through the same ``Pass`` and
``EntryCollector`` methods: an entry already present, an entry with a deadline time or with
alternatives, a verdict on a provided field, a role rule not met.

Only ``repr`` of ``str`` values from the rules reaches the source (the ``repr`` of a ``str`` is
always that string's literal); every other object is passed in the function's namespace by
name, so rule files cannot inject code. ``Plan.source`` keeps the code for reading.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gangway.requirements.deadlines import PAST_DUE
from gangway.requirements.facts import has_list_item, is_blank
from gangway.requirements.fields import CHECK_PRESENT, CHECK_TRUE, Field

if TYPE_CHECKING:
    from gangway.requirements.entries import EntryCollector
    from gangway.requirements.passes import Pass
    from gangway.requirements.plans import FieldRule, RoleRule
    from gangway.requirements.scope import Scope

__all__ = ["CompiledPass", "compile_steps"]

#: ``run(pass, scope, collector)``: one application of a plan.
CompiledPass = Callable[["Pass", "Scope", "EntryCollector"], None]

Path = tuple[str, ...]

_HEAD = """\
def run(self, scope, out):
    entries = out._entries
    verdicts = scope.verifications
    people = scope.by_role
    due = out.due
    put = out.put
    deadline = self.deadline
    a0 = scope.document"""


def compile_steps(
    steps: Sequence[FieldRule | RoleRule], reason_override: str | None, label: str
) -> tuple[CompiledPass, str]:
    """The function running ``steps`` (with every requested reason ``reason_override`` when
    set; the current pass has none), and its source. ``label`` names it in tracebacks and
    profiles."""
    writer = _Writer(reason_override)
    source = writer.function(steps)
    namespace: dict[str, Any] = dict(writer.names)
    code = compile(source, f"<plan {label}>", "exec")
    exec(code, namespace)  # generated from validated rules: see the module docstring
    run: CompiledPass = namespace["run"]
    return run, source


def _literal(value: str) -> str:
    if type(value) is not str:  # pragma: no cover (rules compile every such value to a str)
        raise TypeError(f"not a str: {value!r}")
    return repr(value)


class _Subject:
    """Where the code being written reads from: the account (variables ``a<n>``) or the
    Person of a person rule's loop (``q<n>``). ``nodes`` maps an object path to the variable
    holding it, for the code written so far at this depth."""

    def __init__(self, letter: str, root: str, person: str, suffix: str) -> None:
        self.letter = letter
        self.root = root
        self.person = person
        self.suffix = suffix
        self.nodes: dict[Path, str] = {(): letter + "0"}
        self.count = 1

    def key(self, description: str) -> str:
        return description if self.suffix == "''" else f"{description} + {self.suffix}"


class _Writer:
    """Writes one plan's function: ``lines`` of source, ``names`` for its namespace."""

    def __init__(self, reason_override: str | None) -> None:
        self.override = reason_override
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "Mapping": Mapping,
            "_blank": is_blank,
            "_has_item": has_list_item,
        }
        self._objects: dict[int, str] = {}
        self._slots: set[int] = set()
        self._roles: dict[str, str] = {}

    def name(self, value: object, prefix: str) -> str:
        """A namespace name for ``value`` (one per distinct object)."""
        found = self._objects.get(id(value))
        if found is None:
            found = self._objects[id(value)] = f"{prefix}{len(self._objects)}"
            self.names[found] = value
        return found

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def people(self, role: str) -> str:
        found = self._roles.get(role)
        if found is None:
            found = self._roles[role] = f"people{len(self._roles)}"
        return found

    def function(self, steps: Sequence[FieldRule | RoleRule]) -> str:
        from gangway.requirements.plans import RoleRule

        account = _Subject("a", "a0", "None", "''")
        for rule in steps:
            if isinstance(rule, RoleRule):
                self.emit(1, f"if len({self.people(rule.role)}) < {rule.min_count:d}:")
                self.emit(2, f"self._role({self.name(rule, 'RR')})")
            elif rule.role is None:
                self._rule(rule, 1, account)
            else:
                self.emit(1, f"for p0, pid, sfx in {self.people(rule.role)}:")
                self.emit(2, "if not pid:")
                self.emit(3, "out._tie = True")  # see EntryCollector.render
                self.emit(2, "q0 = p0 if type(p0) is dict or isinstance(p0, Mapping) else None")
                self._rule(rule, 2, _Subject("q", "p0", "pid", "sfx"))
        head = [_HEAD]
        head.extend(f"    {v} = people[{_literal(role)}]" for role, v in self._roles.items())
        head.extend(f"    s{slot} = m{slot} = t{slot} = None" for slot in sorted(self._slots))
        body = self.lines or ["    pass"]
        return "\n".join([*head, *body, ""])

    def _node(self, depth: int, subject: _Subject, path: Path, nodes: dict[Path, str]) -> str:
        """The variable holding the object at ``path`` (None when absent or not an object),
        written before its first use at this depth: one ``get`` on its parent's."""
        found = nodes.get(path)
        if found is not None:
            return found
        parent = self._node(depth, subject, path[:-1], nodes)
        variable = nodes[path] = f"{subject.letter}{subject.count}"
        subject.count += 1
        self.emit(
            depth, f"{variable} = None if {parent} is None else {parent}.get({_literal(path[-1])})"
        )
        self.emit(
            depth,
            f"if {variable} is not None and type({variable}) is not dict "
            f"and not isinstance({variable}, Mapping):",
        )
        self.emit(depth + 1, f"{variable} = None")
        return variable

    def _value(self, depth: int, subject: _Subject, path: Path, nodes: dict[Path, str]) -> None:
        parent = self._node(depth, subject, path[:-1], nodes)
        self.emit(depth, f"v = None if {parent} is None else {parent}.get({_literal(path[-1])})")

    def _missing(self, field: Field | Any) -> str:
        """The test of ``v`` that says the field is not provided (``Field.provided``)."""
        if field.check == CHECK_PRESENT:
            return "v is None or (not v.strip() if type(v) is str else _blank(v))"
        if field.check == CHECK_TRUE:
            return "v is not True"
        values = self.name(field.list_values, "L")
        return f"not _has_item(v, {_literal(field.list_key)}, {values})"

    def _rule(self, rule: FieldRule, depth: int, subject: _Subject) -> None:
        rule_name = self.name(rule, "R")
        prefix = _literal(rule.prefix)
        for step in rule.fields:
            field = self.name(step.field, "F")
            self._value(depth, subject, step.path, subject.nodes)
            self.emit(depth, f"if {self._missing(step)}:")
            inner = depth + 1
            if step.alternatives:
                inner = self._options(inner, subject, step.field, rule_name, prefix)
            self._entry(inner, rule, step.description, subject, step.alternatives)
            self.emit(depth, "elif verdicts:")
            self.emit(
                depth + 1, f"x = verdicts.get(({subject.person}, {_literal(step.verify_key)}))"
            )
            self.emit(depth + 1, 'if x is not None and x.status != "verified":')
            self.emit(
                depth + 2,
                f"self._verdict(x, {field}, {subject.root}, {subject.person}, {prefix}, "
                f"{subject.suffix}, {rule_name})",
            )

    def _options(
        self, depth: int, subject: _Subject, field: Field, rule_name: str, prefix: str
    ) -> int:
        """The alternatives of a missing field, first option first (``satisfying_option``):
        ``ok`` is the chosen option's fields, or None; returns the depth of the code that runs
        when none is chosen."""
        self.emit(depth, "ok = None")
        for option in field.alternatives:
            # What an option looks up is looked up only when the options before it failed.
            nodes = dict(subject.nodes)
            self.emit(depth, "while ok is None:")
            for option_field in option:
                self._value(depth + 1, subject, option_field.path, nodes)
                self.emit(depth + 1, f"if {self._missing(option_field)}:")
                self.emit(depth + 2, "break")
            self.emit(depth + 1, f"ok = {self.name(option, 'O')}")
        self.emit(depth, "if ok is not None:")
        self.emit(depth + 1, "if verdicts:")
        self.emit(
            depth + 2,
            f"self._verify_all(ok, {subject.root}, {subject.person}, {prefix}, "
            f"{subject.suffix}, {rule_name})",
        )
        self.emit(depth, "else:")
        return depth + 1

    def _entry(
        self,
        depth: int,
        rule: FieldRule,
        description: str,
        subject: _Subject,
        alternatives: tuple[tuple[str, ...], ...],
    ) -> None:
        """Ask for ``description`` under ``rule``: the first entry of a slot works out what its
        missing fields owe (``EntryCollector.due``), then a new entry without a deadline time
        is one dict literal; the rest goes through ``EntryCollector.put``."""
        slot = rule.slot
        self._slots.add(slot)
        status, minimum, time = f"s{slot}", f"m{slot}", f"t{slot}"
        targets = self.name(rule.targets, "T")
        self.emit(depth, f"if {status} is None:")
        if rule.policy.immediate and self.override is None:
            # Immediate and asked of the user: past due now, for good (``deadline_at``); the
            # current pass's collector dates nothing at the transition (``due``).
            past_due = _literal(PAST_DUE)
            self.emit(depth + 1, f"{status} = {minimum} = {past_due}")
            self.emit(depth + 1, f"{time} = None")
            self.emit(depth + 1, f"out.restricted.update({targets})")
            self.emit(depth + 1, f"out._statuses.add({past_due})")
        else:
            policy = self.name(rule.policy, "P")
            self.emit(
                depth + 1, f"{status}, {minimum}, {time} = due(deadline({policy}), {targets})"
            )
        reason = _literal(self.override or rule.reason)
        text = _literal(description)
        self.emit(depth, f"k = {subject.key(text)}")
        options = "()"
        if alternatives:
            options = self.name(alternatives, "A")
        else:
            if subject.person == "None":
                reference = "None"
            else:
                reference = '{"inquiry": None, "resource": pid, "type": "person"}'
            restricts = ", ".join(
                f'{{"capability": {_literal(capability)}, "configuration": '
                f'{_literal(configuration)}, "deadline": {{"status": {status}}}}}'
                for configuration, capability in rule.targets
            )
            self.emit(depth, f"if {time} is None and k not in entries:")
            self.emit(
                depth + 1,
                f'entries[k] = {{"awaiting_action_from": "user", "description": {text}, '
                f'"errors": [], "impact": {{"restricts_capabilities": [{restricts}]}}, '
                f'"minimum_deadline": {{"status": {minimum}}}, "reference": {reference}, '
                f'"requested_reasons": [{{"code": {reason}}}]}}',
            )
            self.emit(depth, "else:")
            depth += 1
        self.emit(
            depth,
            f'put(k, {text}, {subject.person}, "user", {status}, {minimum}, {time}, '
            f"{targets}, {reason}, {options})",
        )
