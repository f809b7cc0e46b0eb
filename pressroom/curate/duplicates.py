"""Near-duplicates and bursts: pairs under a pHash distance, joined into groups (union-find)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..photos import PhotoFacts
from .item import CurateOptions


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _distances(hashes: np.ndarray) -> np.ndarray:
    """All pairwise Hamming distances of 64-bit hashes: n x n bytes (4,000 photos: 16 MB,
    where unpacking the bits first needed ~1 GB)."""
    counts: np.ndarray = np.bitwise_count(hashes[:, None] ^ hashes[None, :])
    return counts


def rank_key(item: PhotoFacts) -> tuple[bool, float, int, str]:
    """Best first: printable, higher quality, more pixels, then the key for a stable order."""
    return (not item.printable, -item.quality, -item.width * item.height, item.id)


def duplicate_groups(items: Sequence[PhotoFacts], opts: CurateOptions) -> list[list[int]]:
    """Every item in exactly one group (singletons included), each group best first."""
    n = len(items)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hashed = [i for i, it in enumerate(items) if it.tags.get("phash")]
    if len(hashed) > 1:
        h = np.array([int(items[i].tags["phash"], 16) for i in hashed], dtype=np.uint64)
        d = _distances(h)
        ts = [items[i].timestamp for i in hashed]
        for a, b in zip(*np.nonzero(np.triu(d <= opts.burst, 1)), strict=True):
            close = (
                ts[a] is not None and ts[b] is not None and abs(ts[a] - ts[b]) <= opts.burst_seconds
            )
            if d[a, b] <= opts.near or close:
                parent[root(hashed[a])] = root(hashed[b])
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return [sorted(g, key=lambda i: rank_key(items[i])) for g in groups.values()]
