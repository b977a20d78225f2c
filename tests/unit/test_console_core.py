"""The console's pure parts: roles, listing flags, blind search indexes, password hashing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from gangway.core import passwords
from gangway.core.listing import blind_index, identity_facts, listing_of
from gangway.core.roles import allows, default_live


@pytest.mark.parametrize(
    ("role", "read", "review", "manage"),
    [
        ("viewer", True, False, False),
        ("reviewer", True, True, False),
        ("admin", True, True, True),
        ("superuser", False, False, False),
    ],
)
def test_each_role_allows_what_it_should(role: str, read: bool, review: bool, manage: bool) -> None:
    assert (allows(role, "read"), allows(role, "review"), allows(role, "manage")) == (
        read,
        review,
        manage,
    )


def test_only_admins_see_live_data_by_default() -> None:
    assert [default_live(r) for r in ("viewer", "reviewer", "admin")] == [False, False, True]


def _evaluation(statuses: list[tuple[str, str]], capabilities: list[str]) -> SimpleNamespace:
    entries = [
        {"minimum_deadline": {"status": status}, "awaiting_action_from": who}
        for status, who in statuses
    ]
    return SimpleNamespace(
        requirements={"entries": entries},
        capabilities={"merchant": {f"cap_{i}": {"status": s} for i, s in enumerate(capabilities)}},
    )


def test_listing_flags_follow_the_evaluation() -> None:
    stuck = listing_of(_evaluation([("past_due", "user")], ["restricted"]))
    assert (stuck.currently_due, stuck.past_due, stuck.restricted, stuck.fully_active) == (
        True,
        True,
        True,
        False,
    )
    waiting = listing_of(_evaluation([("eventually_due", "stripe")], ["pending"]))
    assert waiting.pending_verification and not waiting.currently_due
    done = listing_of(_evaluation([("eventually_due", "user")], ["active", "active"]))
    assert done.fully_active and not done.restricted
    nothing = listing_of(_evaluation([], []))
    assert not nothing.fully_active  # nothing requested is not "fully active"


def test_blind_indexes_ignore_case_and_spacing_and_depend_on_the_key() -> None:
    one = blind_index(b"k1", "email", "Jenny.Rosen@Example.com ")
    assert one == blind_index(b"k1", "email", "jenny.rosen@example.com")
    assert one != blind_index(b"k2", "email", "jenny.rosen@example.com")
    assert one != blind_index(b"k1", "name", "jenny.rosen@example.com")
    assert blind_index(b"k1", "name", "  Dunder   Mifflin") == blind_index(
        b"k1", "name", "dunder mifflin"
    )
    assert blind_index(b"k1", "name", "") is None and blind_index(b"k1", "name", None) is None
    assert "jenny" not in (one or "")


def test_identity_facts_tolerate_odd_documents() -> None:
    assert identity_facts({"identity": {"country": "us", "entity_type": "company"}}) == (
        "US",
        "company",
    )
    assert identity_facts({"identity": None}) == (None, None)
    assert identity_facts({"identity": {"country": 7}}) == (None, None)


def test_passwords_hash_with_argon2id_and_verify() -> None:
    stored = passwords.hashed("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert passwords.verified(stored, "correct horse battery")
    assert not passwords.verified(stored, "correct horse battery!")
    assert not passwords.verified("not a hash", "x")
    assert passwords.hashed("same") != passwords.hashed("same")  # salted
    assert len(passwords.generated()) == 32
