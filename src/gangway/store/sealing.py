"""PII at rest: every stored document is sealed with AES-256-GCM before it reaches the database.

The row id is bound in as associated data, so a sealed blob copied onto another row fails to open.
Layout: ``version (1 byte) | nonce (12 bytes) | ciphertext+tag``; the version byte leaves room for
key rotation.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["SealError", "Sealer", "load_or_create_key"]

_VERSION = b"\x01"


class SealError(Exception):
    """A sealed value could not be opened: wrong key, wrong row, or tampered bytes."""


class Sealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the encryption key must be 32 bytes (AES-256)")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, bound_to: str) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext, bound_to.encode())

    def open(self, sealed: bytes, bound_to: str) -> bytes:
        if sealed[:1] != _VERSION:
            raise SealError("unknown sealing version")
        if len(sealed) < 1 + 12 + 16:  # version, nonce, tag
            raise SealError(f"sealed value for {bound_to} is truncated")
        try:
            return self._aead.decrypt(sealed[1:13], sealed[13:], bound_to.encode())
        except InvalidTag as exc:
            raise SealError(f"sealed value for {bound_to} does not open with this key") from exc


def decode_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ValueError("GANGWAY_ENCRYPTION_KEY must be base64") from exc
    if len(key) != 32:
        raise ValueError("GANGWAY_ENCRYPTION_KEY must decode to 32 bytes")
    return key


def load_or_create_key(path: Path) -> bytes:
    """Read the data dir's key, creating it (mode 0600) on first start."""
    if path.exists():
        return decode_key(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = AESGCM.generate_key(bit_length=256)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key
