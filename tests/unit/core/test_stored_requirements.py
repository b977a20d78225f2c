"""``StoredRequirements``: what goes in comes out, opened lazily, resealed only when rebuilt,
and fresh exactly under its key, from its evaluation until its next change."""

from __future__ import annotations

import orjson

from gangway.core.stored_requirements import StoredRequirements

REQUIREMENTS = {"entries": [{"description": "a\nb", "errors": []}], "summary": None}
FUTURE = {"entries": [], "summary": None}
CAPABILITIES = {"merchant": {"card_payments": {"status": "pending", "status_details": []}}}
WIRE = {"requirements": {"alternatives": None, **REQUIREMENTS}, "future_requirements": FUTURE}


def stored(next_change_ms: int | None = 2_000) -> StoredRequirements:
    return StoredRequirements.of(
        key="k1",
        evaluated_ms=1_000,
        next_change_ms=next_change_ms,
        capabilities=CAPABILITIES,
        wire_json=(orjson.dumps(WIRE["requirements"]), orjson.dumps(FUTURE)),
        raw_json=(orjson.dumps(REQUIREMENTS), orjson.dumps(FUTURE)),
    )


def test_what_is_sealed_opens_as_it_was_on_first_use_only() -> None:
    opened: list[bytes] = []

    def open_(blob: bytes) -> bytes:
        opened.append(blob)
        return blob[len(b"sealed:") :]

    sealed = stored().seal(lambda plain: b"sealed:" + plain)
    read = StoredRequirements.sealed(sealed, open_)
    assert opened == []  # nothing opened until something is read
    assert read.key == "k1" and read.evaluated_ms == 1_000 and read.next_change_ms == 2_000
    assert read.capabilities == CAPABILITIES
    assert read.wire == WIRE
    assert read.raw == {"requirements": REQUIREMENTS, "future_requirements": FUTURE}
    assert read.wire_json("requirements") == stored().wire_json("requirements")
    assert len(opened) == 1
    assert read.seal(lambda plain: b"resealed") == sealed  # read, not rebuilt: the same bytes


def test_fresh_under_its_key_from_its_evaluation_until_its_next_change() -> None:
    value = stored()
    assert value.is_fresh("k1", 1_000) and value.is_fresh("k1", 1_999)
    assert not value.is_fresh("k1", 2_000)
    assert not value.is_fresh("k1", 999)
    assert not value.is_fresh("k2", 1_500)
    assert stored(None).is_fresh("k1", 10**15)


def test_an_engine_answer_equal_to_the_wire_is_kept_once_and_read_back_equal() -> None:
    wire = (orjson.dumps({"summary": None, "entries": []}), orjson.dumps(FUTURE))
    once = StoredRequirements.of(
        key="k1",
        evaluated_ms=1_000,
        next_change_ms=None,
        capabilities=CAPABILITIES,
        wire_json=wire,
        raw_json=None,
    )
    twice = StoredRequirements.of(
        key="k1",
        evaluated_ms=1_000,
        next_change_ms=None,
        capabilities=CAPABILITIES,
        wire_json=wire,
        raw_json=wire,
    )
    assert len(once.encode()) == len(twice.encode()) - sum(map(len, wire))
    read = StoredRequirements.sealed(once.seal(lambda plain: plain), lambda blob: blob)
    assert (
        read.raw
        == twice.raw
        == {
            "requirements": {"entries": [], "summary": None},
            "future_requirements": FUTURE,
        }
    )
