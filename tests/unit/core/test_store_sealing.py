"""PII at rest: sealed blobs open only with the right key, on the right row, untouched."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from gangway.store.sealing import Sealer, SealError, decode_key, load_or_create_key

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.mark.parametrize(
    "plaintext",
    [
        b"",
        b"{}",
        b'{"identity":{"individual":{"id_numbers":[{"value":"536904399"}]}}}',
        os.urandom(70_000),
    ],
)
def test_a_sealed_value_opens_to_the_same_bytes(plaintext: bytes) -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal(plaintext, "acct_1")
    assert sealed[:1] == b"\x01"
    assert len(sealed) == 1 + 12 + len(plaintext) + 16
    assert Sealer(KEY).open(sealed, "acct_1") == plaintext


def test_sealed_bytes_do_not_contain_the_plaintext_and_never_repeat() -> None:
    sealer = Sealer(KEY)
    plaintext = b'{"ssn":"536904399","email":"jenny.rosen@example.com"}'
    blobs = {sealer.seal(plaintext, "acct_1") for _ in range(200)}
    assert len(blobs) == 200  # a fresh nonce every time
    for blob in blobs:
        assert b"536904399" not in blob
        assert b"jenny" not in blob


def test_a_blob_moved_to_another_row_fails_to_open() -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal(b"secret", "acct_1")
    with pytest.raises(SealError):
        sealer.open(sealed, "acct_2")
    with pytest.raises(SealError):
        sealer.open(sealed, "acct_1 ")
    assert sealer.open(sealed, "acct_1") == b"secret"


def test_every_tampered_byte_fails_to_open() -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal(b"a short secret", "acct_1")
    for index in range(len(sealed)):
        tampered = bytearray(sealed)
        tampered[index] ^= 0x01
        with pytest.raises(SealError):
            sealer.open(bytes(tampered), "acct_1")


CUTS: dict[str, Callable[[bytes], bytes]] = {
    "last byte cut": lambda b: b[:-1],
    "version and nonce only": lambda b: b[:13],
    "version and half a nonce": lambda b: b[:7],
    "version byte only": lambda b: b[:1],
    "empty": lambda b: b"",
    "byte appended": lambda b: b + b"\x00",
    "unknown version": lambda b: b"\x02" + b[1:],
}


@pytest.mark.parametrize("cut", CUTS.values(), ids=CUTS.keys())
def test_truncated_extended_or_unversioned_blobs_fail_to_open(
    cut: Callable[[bytes], bytes],
) -> None:
    # SealError is the documented failure; a corrupt row must not surface as some other error.
    sealer = Sealer(KEY)
    sealed = sealer.seal(b"secret", "acct_1")
    with pytest.raises(SealError):
        sealer.open(cut(sealed), "acct_1")


def test_the_wrong_key_fails_to_open() -> None:
    sealed = Sealer(KEY).seal(b"secret", "acct_1")
    with pytest.raises(SealError):
        Sealer(OTHER_KEY).open(sealed, "acct_1")


@pytest.mark.parametrize("size", [0, 16, 24, 31, 33, 64])
def test_a_key_that_is_not_32_bytes_is_refused(size: int) -> None:
    with pytest.raises(ValueError):
        Sealer(b"k" * size)


def test_load_or_create_key_creates_a_private_key_file_once_and_rereads_it(tmp_path: Path) -> None:
    path = tmp_path / "data" / "encryption.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert base64.b64decode(path.read_text()) == key
    written = path.read_bytes()
    modified = path.stat().st_mtime_ns

    assert load_or_create_key(path) == key
    assert path.read_bytes() == written
    assert path.stat().st_mtime_ns == modified
    # What one start sealed, the next start opens.
    sealed = Sealer(key).seal(b"pii", "acct_1")
    assert Sealer(load_or_create_key(path)).open(sealed, "acct_1") == b"pii"


def test_separate_data_dirs_get_separate_keys(tmp_path: Path) -> None:
    assert load_or_create_key(tmp_path / "a" / "k") != load_or_create_key(tmp_path / "b" / "k")


def test_load_or_create_key_reads_an_existing_key(tmp_path: Path) -> None:
    path = tmp_path / "encryption.key"
    path.write_text(base64.b64encode(OTHER_KEY).decode() + "\n")
    assert load_or_create_key(path) == OTHER_KEY


@pytest.mark.parametrize(
    "text",
    ["not base64!", base64.b64encode(b"short").decode(), base64.b64encode(bytes(33)).decode(), ""],
)
def test_a_bad_key_file_stops_the_start(tmp_path: Path, text: str) -> None:
    path = tmp_path / "encryption.key"
    path.write_text(text)
    with pytest.raises(ValueError):
        load_or_create_key(path)
    with pytest.raises(ValueError):
        decode_key(text)
