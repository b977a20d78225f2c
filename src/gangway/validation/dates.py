"""Dates of birth and registration dates, given as the v2 API's ``{day, month, year}`` triples.

``today`` is always passed in (the caller's clock), so the checks are pure and a test-mode
account whose clock was moved forward ages correctly.
"""

from __future__ import annotations

import datetime

from gangway.validation._common import fail

__all__ = ["MINIMUM_AGE", "MINIMUM_BIRTH_YEAR", "date_of_birth", "registration_date"]

#: Stripe refuses persons younger than 13 outright (``date_of_birth_age_restriction``); stricter
#: country rules (18 for representatives...) are requirements, not format.
MINIMUM_AGE = 13
#: The earliest year accepted. Stripe's test dates 1900-01-01, 1901-01-01 and 1902-01-01 sit at
#: the very edge of it on purpose.
MINIMUM_BIRTH_YEAR = 1900


def date_of_birth(
    day: int | str, month: int | str, year: int | str, *, today: datetime.date
) -> tuple[int, int, int]:
    """A real calendar date, not in the future, in or after 1900, at least 13 years ago.

    Returns ``(day, month, year)`` as integers. Digit strings are accepted too, since the hosted
    form posts text.
    """
    born = _calendar_date(day, month, year, "date_of_birth_invalid", "date of birth")
    if born.year < MINIMUM_BIRTH_YEAR:
        fail(
            "date_of_birth_invalid",
            f"The date of birth is before {MINIMUM_BIRTH_YEAR}; check the year.",
            minimum_year=MINIMUM_BIRTH_YEAR,
        )
    if born > today:
        fail("date_of_birth_invalid", "The date of birth is in the future.")
    if _age(born, today) < MINIMUM_AGE:
        fail(
            "date_of_birth_age_restriction",
            f"The person must be at least {MINIMUM_AGE} years old; the date of birth given is"
            f" less than {MINIMUM_AGE} years ago.",
            minimum_age=MINIMUM_AGE,
        )
    return born.day, born.month, born.year


def registration_date(
    day: int | str, month: int | str, year: int | str, *, today: datetime.date
) -> tuple[int, int, int]:
    """A real calendar date that is not in the future -> ``(day, month, year)``."""
    registered = _calendar_date(day, month, year, "registration_date_invalid", "registration date")
    if registered > today:
        fail("registration_date_invalid", "The registration date is in the future.")
    return registered.day, registered.month, registered.year


def _calendar_date(
    day: int | str, month: int | str, year: int | str, code: str, what: str
) -> datetime.date:
    parts = [
        _whole_number(v, code, what, name)
        for v, name in ((day, "day"), (month, "month"), (year, "year"))
    ]
    d, m, y = parts
    try:
        return datetime.date(y, m, d)
    except ValueError:
        # The date itself is personal data (for a birth date), so the message does not repeat it.
        fail(code, f"The {what} is not a real calendar date: check the day, month and year.")


def _whole_number(value: int | str, code: str, what: str, name: str) -> int:
    # bool is an int subclass; True as a day is a client bug, not the 1st.
    if isinstance(value, bool):
        fail(code, f"The {name} of the {what} must be a whole number.")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    fail(code, f"The {name} of the {what} must be a whole number.")


def _age(born: datetime.date, today: datetime.date) -> int:
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)
