"""The blob-store interface. Backends move bytes by key and know nothing of images."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

# Keys are relative, slash-separated, with no empty, "." or ".." segments: a key can never
# name a place outside the store, whatever the backend.
_SEGMENT = re.compile(r"^[A-Za-z0-9._=+-]+$")


class BlobNotFound(KeyError):
    """The key holds nothing."""


class InvalidKey(ValueError):
    """The key could escape the store or is malformed."""


def check_key(key: str) -> str:
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") or not _SEGMENT.match(p) for p in parts):
        raise InvalidKey(f"invalid blob key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A listing prefix is valid when some valid key could start with it ("", "a/", "a/b")."""
    # Appending one safe character turns a prefix of a valid key into a valid key, so prefixes
    # obey exactly the key rules: "../" or "/abs" cannot point a listing outside the store.
    try:
        check_key(prefix + "x")
    except InvalidKey:
        raise InvalidKey(f"invalid blob key prefix: {prefix!r}") from None
    return prefix


class BlobStore(Protocol):
    # True when get() reads a local file, cheap enough to call on an event loop: a
    # page-cache hit takes microseconds, less than the hop to a thread and back.
    inline_reads: bool

    def put(
        self, key: str, data: bytes, content_type: str | None = None, *, durable: bool = True
    ) -> None:
        """Store atomically: readers see the old object or the whole new one, never a part.
        durable=False: a cache entry that can be made again (a thumbnail result), which a
        crash may lose; a local store then skips its fsyncs (~0.3 ms of CPU a put, by hand). After
        a power cut such a file can read back empty: readers of cache entries take an empty
        blob as missing."""

    def get(self, key: str) -> bytes:
        """Raise BlobNotFound when absent."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Idempotent: deleting an absent key is not an error."""

    def keys(self, prefix: str = "") -> Iterator[str]: ...
