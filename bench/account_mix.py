"""Varied account facts for the requirements benchmarks (a helper module, not a benchmark).

``build_pool(rules, size, seed)`` returns ``size`` distinct ``Sample``s (facts, the instant to
evaluate at, and labels describing the mix), drawn over every country in the rule files:

* entity type: the country's own (individual, company, non-profit where supported);
* configurations: merchant, recipient, or both (each with its usual capabilities);
* Persons (companies and non-profits): 0 to 4, with representative / owner / director roles;
* fill: ``fresh`` (what a platform sends at creation), ``partial`` (a random 30-90 % of what
  the rules ask for), ``complete`` (everything, found by filling what the engine asks for until it
  asks for nothing);
* verifications: none, some pending, or some failed (which raises the rules' ``on_failure``
  fields);
* a test-mode trigger, now and then a test-mode block;
* the evaluation instant: 1 minute to 1 year after creation, so scheduled requirements are
  eventually, currently or past due.

Values are written at the paths the rule files read, so the documents have the wire shape the
server stores (plus the usual display name, contact email and responsibilities). Nothing here
imports the test suite: the benchmarks run as plain scripts.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gangway.requirements import AccountFacts, RuleBook, Verification, evaluate
from gangway.requirements.fields import CHECK_LIST_ITEM, CHECK_TRUE, Field
from gangway.requirements.rules import CountryRules

__all__ = ["CREATED_MS", "DAY_MS", "Sample", "Template", "build_pool", "describe_mix", "templates"]

CREATED_MS = 1_767_225_600_000  # 2026-01-01T00:00:00.000Z
DAY_MS = 86_400_000

MERCHANT = {
    "applied": True,
    "capabilities": {
        "card_payments": {"requested": True},
        "stripe_balance": {"payouts": {"requested": True}},
    },
}
RECIPIENT = {
    "applied": True,
    "capabilities": {
        "stripe_balance": {"stripe_transfers": {"requested": True}, "payouts": {"requested": True}}
    },
}
CONFIGURATIONS: tuple[tuple[str, ...], ...] = (
    ("merchant",),
    ("recipient",),
    ("merchant", "recipient"),
)
#: The relationships of the first, second, ... Person of a company.
PERSON_ROLES: tuple[dict[str, bool], ...] = (
    {"representative": True},
    {"owner": True},
    {"director": True},
    {"owner": True, "director": True},
)
#: Time after creation at which a sample is evaluated.
AGES: tuple[tuple[str, int], ...] = (
    ("1 minute", 60_000),
    ("10 days", 10 * DAY_MS),
    ("20 days", 20 * DAY_MS),
    ("45 days", 45 * DAY_MS),
    ("1 year", 365 * DAY_MS),
)
FILLS = ("fresh", "partial", "complete")
VERDICTS = ("none", "pending", "failed")
_FAR_MS = CREATED_MS + 3650 * DAY_MS  # everything due, so a fill finds every field


@dataclass(frozen=True)
class Template:
    """A fresh account of one kind and what completing it takes, step by step."""

    country: str
    entity: str
    configurations: tuple[str, ...]
    document: dict[str, Any]
    persons: list[dict[str, Any]]
    steps: list[tuple[Any, ...]]
    """``("person", document)`` adds a Person; ``("field", person id or None, Field)`` fills."""


@dataclass(frozen=True)
class Sample:
    facts: AccountFacts
    now_ms: int
    labels: Mapping[str, str] = field(default_factory=dict)


def templates(rules: RuleBook) -> list[Template]:
    """One template per country, entity type, configuration set and starting number of Persons."""
    found: list[Template] = []
    for country in sorted(rules.countries):
        country_rules = rules.countries[country]
        for entity in sorted(country_rules.entity_types):
            index = _field_index(country_rules, entity)
            counts = range(5) if entity != "individual" else (0,)
            for configurations in CONFIGURATIONS:
                for count in counts:
                    found.append(_template(rules, index, country, entity, configurations, count))
    return found


def build_pool(rules: RuleBook, size: int, seed: int = 1) -> list[Sample]:
    rng = random.Random(seed)
    by_kind: dict[str, dict[str, list[Template]]] = {}
    for template in templates(rules):
        by_entity = by_kind.setdefault(template.country, {})
        by_entity.setdefault(template.entity, []).append(template)
    countries = sorted(by_kind)
    pool = []
    for number in range(size):
        # Countries in turn; then an entity type, then configurations and Persons, uniformly.
        by_entity = by_kind[countries[number % len(countries)]]
        entity = rng.choice(sorted(by_entity))
        pool.append(sample(rng, rng.choice(by_entity[entity]), number))
    return pool


def sample(
    rng: random.Random,
    template: Template,
    number: int,
    *,
    fill: str | None = None,
    age: tuple[str, int] | None = None,
) -> Sample:
    """One account drawn from ``template``: fill, verdicts, trigger and age picked by ``rng``."""
    fill = fill or rng.choice(FILLS)
    if fill == "fresh":
        steps: Sequence[tuple[Any, ...]] = ()
    elif fill == "complete":
        steps = template.steps
    else:
        share = rng.uniform(0.3, 0.9)
        steps = [step for step in template.steps if rng.random() < share]
    document, persons, filled = apply_steps(template, steps)
    verdict = rng.choice(VERDICTS) if filled else "none"
    verifications: dict[tuple[str | None, str], Verification] = {}
    if verdict != "none":
        raising = [key for key, f in filled if f.raises] if verdict == "failed" else []
        candidates = raising or [key for key, _ in filled]
        for key in rng.sample(candidates, k=min(len(candidates), rng.randint(1, 3))):
            if verdict == "pending":
                verifications[key] = Verification("pending")
            else:
                error = {"code": "verification_failed_keyed_identity", "description": "No match."}
                verifications[key] = Verification("failed", (error,))
    age_label, age_ms = age or rng.choice(AGES)
    triggered_ms = blocked_ms = None
    roll = rng.random()
    if roll < 0.15 and age_ms > DAY_MS:
        triggered_ms = CREATED_MS + DAY_MS
        if roll < 0.03:
            blocked_ms = CREATED_MS + DAY_MS
    labels = {
        "country": template.country,
        "entity": template.entity,
        "configurations": "+".join(template.configurations),
        "persons": str(len(persons)),
        "fill": fill,
        "verifications": verdict,
        "trigger": "blocked" if blocked_ms else "triggered" if triggered_ms else "none",
        "age": age_label,
    }
    facts = AccountFacts(
        id=f"acct_bench{number:010d}",
        livemode=False,
        created_ms=CREATED_MS,
        document=document,
        persons=persons,
        verifications=verifications,
        triggered_ms=triggered_ms,
        blocked_ms=blocked_ms,
    )
    return Sample(facts, CREATED_MS + age_ms, labels)


def apply_steps(
    template: Template, steps: Sequence[tuple[Any, ...]]
) -> tuple[dict[str, Any], list[dict[str, Any]], list[tuple[tuple[str | None, str], Field]]]:
    """A fresh copy of the template with ``steps`` applied; also the filled fields' keys."""
    document = copy.deepcopy(template.document)
    persons = copy.deepcopy(template.persons)
    by_id = {p["id"]: p for p in persons}
    filled: list[tuple[tuple[str | None, str], Field]] = []
    for step in steps:
        if step[0] == "person":
            person = copy.deepcopy(step[1])
            persons.append(person)
            by_id[person["id"]] = person
            continue
        _, person_id, spec = step
        root = document if person_id is None else by_id.get(person_id)
        if root is not None and _fill(root, spec, template.country):
            filled.append(((person_id, spec.description), spec))
    return document, persons, filled


def describe_mix(samples: Sequence[Sample], rules: RuleBook) -> list[str]:
    """Lines describing the mix: each label's shares, and what the engine answers for it."""
    lines = []
    for name in ("entity", "configurations", "persons", "fill", "verifications", "trigger", "age"):
        counts = Counter(s.labels[name] for s in samples)
        lines.append(f"  {name:15} " + _shares(counts, len(samples)))
    countries = Counter(s.labels["country"] for s in samples)
    lines.append(f"  {'countries':15} {len(countries)} ({', '.join(sorted(countries))})")
    statuses: Counter[str] = Counter()
    entries: list[int] = []
    for s in samples:
        result = evaluate(s.facts, rules, s.now_ms)
        summary = result.requirements["summary"]
        statuses[summary["minimum_deadline"]["status"] if summary else "nothing owed"] += 1
        entries.append(len(result.requirements["entries"]))
    entries.sort()
    lines.append(f"  {'engine answer':15} " + _shares(statuses, len(samples)))
    lines.append(
        f"  {'entries':15} mean {sum(entries) / len(entries):.1f}, "
        f"median {entries[len(entries) // 2]}, max {entries[-1]}"
    )
    return lines


def _shares(counts: Counter[str], total: int) -> str:
    return ", ".join(f"{key} {count / total:.0%}" for key, count in sorted(counts.items()))


# ---- templates ---------------------------------------------------------------------------------


def _field_index(country_rules: CountryRules, entity: str) -> dict[tuple[str | None, str], Field]:
    """``(scope or None for the account, description within the scope)`` -> compiled field."""
    index: dict[tuple[str | None, str], Field] = {}
    for layer in (country_rules.base, *country_rules.futures):
        requirements, _roles = layer.by_entity[entity]
        for rule in requirements:
            for spec in rule.fields:
                for f in (spec, *spec.raises, *(o for option in spec.alternatives for o in option)):
                    index.setdefault((rule.role, f.description), f)
    return index


def _template(
    rules: RuleBook,
    index: Mapping[tuple[str | None, str], Field],
    country: str,
    entity: str,
    configurations: tuple[str, ...],
    count: int,
) -> Template:
    known = {"merchant": MERCHANT, "recipient": RECIPIENT}
    document: dict[str, Any] = {
        "display_name": "Bench Shop",
        "contact_email": "bench@example.com",
        "dashboard": "none",
        "identity": {"country": country, "entity_type": entity},
        "configuration": {name: copy.deepcopy(known[name]) for name in configurations},
        "defaults": {
            "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
        },
        "metadata": {"order": "6735"},
    }
    if entity == "individual":
        document["identity"]["individual"] = {"given_name": "Jenny", "surname": "Rosen"}
    persons = [
        {"id": f"person_test_61bench{n}", "given_name": "Jenny", "relationship": dict(role)}
        for n, role in enumerate(PERSON_ROLES[:count])
    ]
    # Fill what the engine asks for, round after round, until it asks for nothing.
    work_document, work_persons = copy.deepcopy(document), copy.deepcopy(persons)
    steps: list[tuple[Any, ...]] = []
    added = count
    for _ in range(12):
        facts = AccountFacts("acct_fill", False, CREATED_MS, work_document, work_persons)
        result = evaluate(facts, rules, _FAR_MS)
        entries = result.requirements["entries"] + result.future_requirements["entries"]
        progress = False
        for entry in entries:
            description, reference = entry["description"], entry["reference"]
            if reference is None and description.startswith("relationship."):
                flag = description.split(".", 1)[1]
                person = {"id": f"person_test_61bench{added}", "relationship": {flag: True}}
                added += 1
                work_persons.append(copy.deepcopy(person))
                steps.append(("person", person))
                progress = True
                continue
            if reference is None:
                scope, relative, root = None, description, work_document
            else:
                scope, relative = description.split(".", 1)
                root = next(p for p in work_persons if p["id"] == reference["resource"])
            spec = index.get((scope, relative))
            if spec is not None and _fill(root, spec, country):
                steps.append(("field", None if reference is None else root["id"], spec))
                progress = True
        if not progress:
            break
    return Template(country, entity, configurations, document, persons, steps)


def _fill(root: dict[str, Any], spec: Field, country: str) -> bool:
    """Write a value at ``spec.path`` that its check accepts; False when the path is blocked."""
    *parents, leaf = spec.path
    node = root
    for key in parents:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            return False
        node = child
    if spec.check == CHECK_LIST_ITEM:
        items = node.setdefault(leaf, [])
        if not isinstance(items, list):
            return False
        items.append({spec.list_key: sorted(spec.list_values)[0], "value": "000000000"})
    elif spec.check == CHECK_TRUE:
        node[leaf] = True
    else:
        node[leaf] = _value(spec.path, country)
    return True


def _value(path: tuple[str, ...], country: str) -> Any:
    leaf = path[-1]
    if leaf == "front":
        return "file_identity_document_success"
    if leaf == "files":
        return ["file_identity_document_success"]
    if "documents" in path:
        return {"type": "files", "files": ["file_identity_document_success"]}
    if "persons_provided" in path:
        return True
    if len(path) >= 2 and path[-2] == "date_of_birth":
        return 1901 if leaf == "year" else 1
    if len(path) >= 2 and path[-2] == "address" and leaf == "country":
        return country
    values: dict[str, Any] = {
        "executive": False,
        "percent_ownership": "30",
        "nationalities": ["fr"],
        "political_exposure": "none",
        "email": "jenny@example.com",
        "phone": "+33100000000",
        "structure": "free_zone_llc",
        "mcc": "5734",
        "external_account": "ba_123",
        "date": "2026-01-01T00:00:00.000Z",
        "ip": "127.0.0.1",
        "business_url": "https://accessible.stripe.com",
        "line1": "address_full_match",
        "postal_code": "10115",
        "title": "CEO",
        "currency": "usd",
    }
    return values.get(leaf, f"test {leaf}")
