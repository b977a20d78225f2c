"""Operator passwords: argon2id (memory-hard) through argon2-cffi, with its own tuned defaults.

An operator's password is chosen by a person, so unlike API keys it can be guessed: each guess
must cost real memory and time. A sign-in for an unknown email still runs one verification
(``burn``), so a reply's timing does not say which emails exist.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gangway.core.ids import random_token

__all__ = ["MIN_LENGTH", "burn", "generated", "hashed", "needs_rehash", "verified"]

MIN_LENGTH = 12


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hashed(password: str) -> str:
    return _hasher().hash(password)


def verified(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


@functools.cache
def _decoy() -> str:
    return hashed(random_token(24))


def burn(password: str) -> None:
    """Spend what a real verification spends, for a sign-in that has no hash to check."""
    verified(_decoy(), password)


def generated() -> str:
    """A one-time password to print: 32 base62 characters (~190 bits)."""
    return random_token(32)
