"""The checksum the index's rows and caches carry: a bit flipped on disk must never
reach the user's screen."""
from __future__ import annotations

try:  # the hash alone: hashlib's import loads OpenSSL (3 ms of every run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - every CPython has _blake2
    from hashlib import blake2b


def digest(data: bytes) -> bytes:
    """8 bytes of BLAKE2b of *data*."""
    return blake2b(data, digest_size=8).digest()
