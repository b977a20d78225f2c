"""Clocks and RFC 3339 timestamps with milliseconds, as v2 emits and accepts them."""

from __future__ import annotations

import random

import pytest

from gangway.core.clock import FixedClock, SystemClock, from_rfc3339, to_rfc3339

KNOWN = [
    (0, "1970-01-01T00:00:00.000Z"),
    (1, "1970-01-01T00:00:00.001Z"),
    (999, "1970-01-01T00:00:00.999Z"),
    (1_000, "1970-01-01T00:00:01.000Z"),
    (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
    (951_782_400_000, "2000-02-29T00:00:00.000Z"),
    (1_079_337_347_472, "2004-03-15T07:55:47.472Z"),
    (4_102_444_799_999, "2099-12-31T23:59:59.999Z"),
]


@pytest.mark.parametrize(("ms", "text"), KNOWN)
def test_to_rfc3339_renders_utc_with_milliseconds(ms: int, text: str) -> None:
    assert to_rfc3339(ms) == text


@pytest.mark.parametrize(("ms", "text"), KNOWN)
def test_from_rfc3339_reads_back_the_exact_millisecond(ms: int, text: str) -> None:
    assert from_rfc3339(text) == ms


def test_round_trip_keeps_every_millisecond() -> None:
    # Fixed seed: the same 20,000 instants between 1970 and 2100 every run.
    draws = random.Random(3339)
    instants = [draws.randrange(0, 4_102_444_800_000) for _ in range(20_000)]
    instants += list(range(1_700_000_000_000, 1_700_000_001_000))  # every ms of one second
    lost = [ms for ms in instants if from_rfc3339(to_rfc3339(ms)) != ms]
    assert lost == [], f"{len(lost)} instants changed, e.g. {to_rfc3339(lost[0])}"


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("2023-11-14T22:13:20.123z", 1_700_000_000_123),
        ("2023-11-14T22:13:20.123+00:00", 1_700_000_000_123),
        ("2023-11-15T00:13:20.123+02:00", 1_700_000_000_123),
        ("2023-11-14T17:13:20.123-05:00", 1_700_000_000_123),
        ("2023-11-14T22:13:20Z", 1_700_000_000_000),
        ("2023-11-14T22:13:20.5Z", 1_700_000_000_500),
        ("  2023-11-14T22:13:20.123Z  ", 1_700_000_000_123),
        ("2023-11-14T22:13:20.123", 1_700_000_000_123),  # no offset: read as UTC
    ],
)
def test_from_rfc3339_accepts_any_offset_and_optional_fraction(text: str, ms: int) -> None:
    assert from_rfc3339(text) == ms


@pytest.mark.parametrize("text", ["", "yesterday", "2023-13-01T00:00:00Z", "2023-02-30T00:00:00Z"])
def test_from_rfc3339_refuses_what_is_not_a_timestamp(text: str) -> None:
    with pytest.raises(ValueError):
        from_rfc3339(text)


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(1_700_000_000_000)
    assert clock.now_ms() == clock.now_ms() == 1_700_000_000_000
    clock.advance(86_400_000)
    assert clock.now_ms() == 1_700_086_400_000
    assert to_rfc3339(clock.now_ms()) == "2023-11-15T22:13:20.000Z"


def test_system_clock_is_in_milliseconds_and_does_not_go_back() -> None:
    clock = SystemClock()
    first, second = clock.now_ms(), clock.now_ms()
    assert 1_700_000_000_000 < first <= second < 4_102_444_800_000
