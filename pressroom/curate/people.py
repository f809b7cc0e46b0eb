"""People: face embeddings clustered across a collection (average linkage, one threshold).

Average linkage joins two clusters when their faces are, on average, within `same_person`;
unlike single linkage it does not chain different people through one ambiguous face.
O(n^2) memory in faces: fine for a photobook's few thousand faces.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..photos import PhotoFacts
from .item import CurateOptions

FaceRef = tuple[str, int]  # (item key, index into its tags["faces"])


def collect(items: Sequence[PhotoFacts]) -> tuple[list[FaceRef], np.ndarray]:
    refs: list[FaceRef] = []
    vecs: list[tuple[float, ...]] = []
    for it in items:
        for f in it.faces:  # none when "unavailable"
            if f.embedding:
                refs.append((it.id, f.index - 1))  # Face.index is 1-based
                vecs.append(f.embedding)
    return refs, np.asarray(vecs, np.float64).reshape(len(vecs), -1 if vecs else 128)


def average_linkage(vecs: np.ndarray, threshold: float) -> list[list[int]]:
    n = len(vecs)
    clusters: list[list[int]] = [[i] for i in range(n)]
    if n < 2:
        return clusters
    sq = (vecs**2).sum(1)
    dist = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * vecs @ vecs.T, 0))
    d = dist.copy()  # cluster-to-cluster average distances
    np.fill_diagonal(d, np.inf)
    alive = np.ones(n, bool)
    sizes = np.ones(n)
    while True:
        k = int(np.argmin(d))
        a, b = divmod(k, n)
        if d[a, b] > threshold:
            break
        # merge b into a: the new average distance to every c is a size-weighted mean
        merged = (d[a] * sizes[a] + d[b] * sizes[b]) / (sizes[a] + sizes[b])
        d[a], d[:, a] = merged, merged
        d[a, a] = np.inf
        d[b], d[:, b] = np.inf, np.inf
        sizes[a] += sizes[b]
        alive[b] = False
        clusters[a] += clusters[b]
        clusters[b] = []
    return [sorted(c) for c, ok in zip(clusters, alive, strict=True) if ok]


def people(items: Sequence[PhotoFacts], opts: CurateOptions) -> list[list[FaceRef]]:
    """Groups of faces, one per person, the most photographed person first."""
    refs, vecs = collect(items)
    groups = [[refs[i] for i in c] for c in average_linkage(vecs, opts.same_person)]
    return sorted(groups, key=lambda g: (-len(g), g[0]))
