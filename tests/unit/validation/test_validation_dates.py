"""Dates of birth and registration dates."""

from __future__ import annotations

import datetime

import pytest

from gangway.core.errors import FieldInvalid
from gangway.validation.dates import date_of_birth, registration_date

TODAY = datetime.date(2026, 5, 15)


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        (1, 1, 1900, (1, 1, 1900)),  # Stripe test values: OFAC alert
        (1, 1, 1901, (1, 1, 1901)),  # match
        (1, 1, 1902, (1, 1, 1902)),  # immediate match
        (29, 2, 2000, (29, 2, 2000)),
        (15, 5, 2013, (15, 5, 2013)),  # 13 today
        ("07", "03", "1985", (7, 3, 1985)),  # the form posts text
    ],
)
def test_date_of_birth_accepts_real_dates(
    day: int | str, month: int | str, year: int | str, expected: tuple[int, int, int]
) -> None:
    assert date_of_birth(day, month, year, today=TODAY) == expected


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        (30, 2, 1990),
        (29, 2, 2001),
        (0, 1, 1990),
        (1, 13, 1990),
        (31, 12, 1899),
        (16, 5, 2026),  # tomorrow
        (1, 1, 3000),
        (True, 1, 1990),
        ("1x", 1, 1990),
        (1.5, 1, 1990),
    ],
)
def test_date_of_birth_refuses_impossible_dates(
    day: int | str, month: int | str, year: int | str
) -> None:
    with pytest.raises(FieldInvalid) as info:
        date_of_birth(day, month, year, today=TODAY)
    assert info.value.code == "date_of_birth_invalid"


@pytest.mark.parametrize(("day", "month", "year"), [(16, 5, 2013), (15, 5, 2026), (1, 1, 2020)])
def test_date_of_birth_under_13_is_an_age_restriction(day: int, month: int, year: int) -> None:
    with pytest.raises(FieldInvalid) as info:
        date_of_birth(day, month, year, today=TODAY)
    assert info.value.code == "date_of_birth_age_restriction"
    assert "13" in info.value.message


def test_date_of_birth_message_does_not_repeat_the_date() -> None:
    with pytest.raises(FieldInvalid) as info:
        date_of_birth(30, 2, 1987, today=TODAY)
    assert "1987" not in info.value.message


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [(15, 5, 2026, (15, 5, 2026)), (1, 7, 1867, (1, 7, 1867)), ("3", "4", "2020", (3, 4, 2020))],
)
def test_registration_date_accepts_past_and_today(
    day: int | str, month: int | str, year: int | str, expected: tuple[int, int, int]
) -> None:
    assert registration_date(day, month, year, today=TODAY) == expected


@pytest.mark.parametrize(("day", "month", "year"), [(16, 5, 2026), (31, 4, 2020), (1, 0, 2020)])
def test_registration_date_refuses_future_and_impossible_dates(
    day: int, month: int, year: int
) -> None:
    with pytest.raises(FieldInvalid) as info:
        registration_date(day, month, year, today=TODAY)
    assert info.value.code == "registration_date_invalid"
