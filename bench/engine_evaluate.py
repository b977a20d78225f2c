"""Microseconds per ``gangway.requirements.evaluate`` call for three representative accounts.

The engine runs on every account create and update and on retrieves that include requirements,
so its cost is part of every such request. The cases are what the API actually hands it:

* a fresh US individual merchant, as ``POST /v2/core/accounts`` stores it (17 entries);
* a fresh US company asking for recipient transfers, with no Persons yet;
* a fully filled US company (merchant and recipient) with three complete Persons (no entries);
* and, for scale, the fresh company once it has added three Persons with nothing filled in.

    .venv/bin/python bench/engine_evaluate.py [--repeat 7] [--number 2000] [--gc] [--cpu]

Each case prints the best of ``--repeat`` timings of ``--number`` calls, in µs per call (the
minimum is the least noisy estimate of the cost on an otherwise idle machine). Like ``timeit``,
it runs with the garbage collector off unless ``--gc`` is given; with it, the cost of collecting
what each evaluation allocates is included, as it is in the server. ``--cpu`` times the
process's CPU time instead of the wall clock, steadier on a shared, loaded machine.
"""

from __future__ import annotations

import argparse
import copy
import functools
import time
import timeit
from collections.abc import Callable
from typing import Any

from gangway.requirements import AccountFacts, evaluate, load_rules

CREATED_MS = 1_767_225_600_000  # 2026-01-01T00:00:00.000Z
NOW_MS = CREATED_MS + 60_000

ADDRESS = {
    "line1": "address_full_match",
    "city": "San Francisco",
    "state": "CA",
    "postal_code": "94110",
    "country": "us",
}
PERSONAL = {
    "given_name": "Jenny",
    "surname": "Rosen",
    "email": "jenny@example.com",
    "phone": "+12025550123",
    "date_of_birth": {"day": 1, "month": 1, "year": 1901},
    "address": ADDRESS,
    "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
    "documents": {
        "primary_verification": {
            "type": "front_back",
            "front_back": {"front": "file_identity_document_success"},
        }
    },
}
MERCHANT = {
    "applied": True,
    "mcc": "5734",
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

#: What ``domain.new_account_document`` stores for bench/api_throughput.py's create body.
FRESH_INDIVIDUAL = {
    "display_name": "Bench Shop",
    "contact_email": "bench@example.com",
    "dashboard": "none",
    "identity": {
        "country": "us",
        "entity_type": "individual",
        "individual": {"given_name": "Jenny", "surname": "Rosen"},
    },
    "configuration": {
        "merchant": {
            "capabilities": {
                "card_payments": {"requested": True},
                "stripe_balance": {"payouts": {"requested": True}},
            },
            "applied": True,
        }
    },
    "defaults": {
        "responsibilities": {"fees_collector": "application", "losses_collector": "application"}
    },
}

#: A company asking for recipient transfers (payouts come with them), nothing else yet.
FRESH_COMPANY = {
    "identity": {"country": "us", "entity_type": "company"},
    "configuration": {"recipient": copy.deepcopy(RECIPIENT)},
}

FILLED_COMPANY = {
    "identity": {
        "country": "us",
        "entity_type": "company",
        "business_details": {
            "registered_name": "Rocket Rides",
            "phone": "+12025550199",
            "address": ADDRESS,
            "id_numbers": [{"type": "us_ein", "value": "000000000"}],
        },
        "attestations": {
            "terms_of_service": {
                "account": {"date": "2026-01-01T00:00:00.000Z", "ip": "127.0.0.1"}
            },
            "persons_provided": {"owners": True},
        },
    },
    "defaults": {"currency": "usd", "profile": {"business_url": "https://accessible.stripe.com"}},
    "external_account": "ba_123",
    "configuration": {"merchant": MERCHANT, "recipient": RECIPIENT},
}


def _person(person_id: str, **relationship: bool) -> dict[str, Any]:
    rel: dict[str, Any] = {"title": "CEO", **relationship}
    if relationship.get("representative"):
        rel["executive"] = True
    return {"id": person_id, **copy.deepcopy(PERSONAL), "relationship": rel}


FILLED_PERSONS = [
    _person("person_1", representative=True),
    _person("person_2", owner=True),
    _person("person_3", owner=True, director=True),
]


def _facts(document: dict[str, Any], persons: list[dict[str, Any]]) -> AccountFacts:
    return AccountFacts(
        id="acct_bench",
        livemode=False,
        created_ms=CREATED_MS,
        document=document,
        persons=persons,
    )


BARE_PERSONS = [
    {"id": "person_1", "relationship": {"representative": True}},
    {"id": "person_2", "relationship": {"owner": True}},
    {"id": "person_3", "relationship": {"owner": True, "director": True}},
]

#: (label, facts, target in µs or None)
CASES: list[tuple[str, AccountFacts, float | None]] = [
    ("fresh US individual, merchant", _facts(FRESH_INDIVIDUAL, []), 80.0),
    ("fresh US company, recipient", _facts(FRESH_COMPANY, []), 150.0),
    ("filled US company, 3 persons", _facts(FILLED_COMPANY, FILLED_PERSONS), 60.0),
    ("fresh US company, 3 bare persons", _facts(FRESH_COMPANY, BARE_PERSONS), None),
]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--gc", action="store_true", help="keep the garbage collector on")
    parser.add_argument("--cpu", action="store_true", help="time CPU, not the wall clock")
    args = parser.parse_args()
    timer = time.process_time if args.cpu else time.perf_counter
    setup = "import gc; gc.enable()" if args.gc else "pass"
    rules = load_rules()
    for label, facts, target in CASES:
        result = evaluate(facts, rules, NOW_MS)
        entries = len(result.requirements["entries"])
        call: Callable[[], object] = functools.partial(evaluate, facts, rules, NOW_MS)
        timings = timeit.repeat(call, setup, timer, repeat=args.repeat, number=args.number)
        best = min(timings) / args.number
        goal = f", target < {target:.0f} µs" if target is not None else ""
        print(f"{label:34} {best * 1e6:7.1f} µs/evaluation  ({entries} entries{goal})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
