"""People: face embeddings clustered across a collection (average linkage), with the evidence a
collection gives beside the vectors.

dlib's ResNet vectors put one adult's faces 0.05-0.43 apart and different adults 0.61 or more
(corpus people/, the demo photos), so dlib's own rule, 0.6, separates adults. It is known to
mix up children (face_recognition's README: "does not work very well on children ... mix up
children quite easy using the default comparison threshold of 0.6"), and the demo photos show
it: two different girls 0.56 apart, siblings 0.51-0.60 apart (YuNet faces of the pumpkin-farm
photos), while one model photographed twice in one afternoon is 0.55-0.56 apart. So:

- Faces alone join within `same_person` (0.5): under every pair of different children
  measured, above every pair of one person measured outside one event.
- Faces in two photos of one dated event (curate's events: capture times without a long gap
  or a GPS jump) join within `same_person_in_event` (0.6): an event has few people, and
  dlib's rule holds for adults. Their distance is scaled by same_person / same_person_in_event.
- Two faces in one photo are two people (a cannot-link): never in one group, whatever the
  vectors say; a group that holds one of them keeps the other out.
- A face (or group) about as close to two groups known to be different people (cannot-linked)
  is ambiguous and joins neither: the best must be closer than `ambiguity` times the other
  (Lowe's ratio test). Siblings photographed together give exactly that case.

Average linkage joins two clusters when their faces are, on average, within the threshold;
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


def distances(vecs: np.ndarray) -> np.ndarray:
    """Euclidean distances between all pairs of vectors (n x n)."""
    sq = (vecs**2).sum(1)
    dist: np.ndarray = np.sqrt(np.maximum(sq[:, None] + sq[None, :] - 2 * vecs @ vecs.T, 0))
    return dist


def context(
    items: Sequence[PhotoFacts],
    refs: Sequence[FaceRef],
    evs: Sequence[Sequence[int]],
    opts: CurateOptions,
) -> tuple[np.ndarray, np.ndarray]:
    """(scale, apart) for every pair of faces: the factor on their distance (below 1 when
    their photos share a dated event of `evs`, curate's events) and whether they are in one
    photo."""
    event_of: dict[str, int] = {}
    for k, e in enumerate(evs):
        for i in e:
            if items[i].timestamp is not None:  # undated photos share no event
                event_of[items[i].id] = k
    keys = {key: j for j, key in enumerate(dict.fromkeys(key for key, _ in refs))}
    photo = np.array([keys[key] for key, _ in refs], np.int64)
    # undated: a distinct negative label each, so they match no other face
    event = np.array([event_of.get(key, -1 - j) for j, (key, _) in enumerate(refs)], np.int64)
    same_event = event[:, None] == event[None, :]
    factor = opts.same_person / opts.same_person_in_event
    return np.where(same_event, factor, 1.0), photo[:, None] == photo[None, :]


def _ambiguous(
    d: np.ndarray, apart: np.ndarray, alive: np.ndarray, a: int, b: int, ratio: float
) -> bool:
    """True when a is nearly as close to some cluster known to be another person than b (or
    b to one known to be another person than a)."""
    for x, y in ((a, b), (b, a)):
        rivals = alive & apart[y] & ~apart[x]  # not y, not x's own cannot-links
        rivals[[x, y]] = False
        if rivals.any() and d[x, y] > ratio * d[x, rivals].min():
            return True
    return False


def cluster(
    dist: np.ndarray,
    threshold: float,
    apart: np.ndarray | None = None,
    ambiguity: float = 1.0,
) -> list[list[int]]:
    """Average-linkage clusters of a distance matrix, joined while within `threshold`; pairs
    marked in `apart` (cannot-link) never end in one cluster, and a join failing the ratio
    test (`ambiguity` < 1, see _ambiguous) is not made."""
    n = len(dist)
    clusters: list[list[int]] = [[i] for i in range(n)]
    if n < 2:
        return clusters
    d = dist.astype(np.float64)  # cluster-to-cluster average distances
    no = np.zeros((n, n), bool) if apart is None else apart.astype(bool)
    np.fill_diagonal(no, True)  # `no`: cannot-linked, or not to be joined (dead, ambiguous)
    linked = no.copy()  # cannot-links alone: what marks a rival
    alive = np.ones(n, bool)
    sizes = np.ones(n)
    m = np.where(no, np.inf, d)  # the candidates
    while True:
        k = int(np.argmin(m))
        a, b = divmod(k, n)
        if m[a, b] > threshold:
            break
        if ambiguity < 1 and _ambiguous(d, linked, alive, a, b, ambiguity):
            no[a, b] = no[b, a] = True
            m[a, b] = m[b, a] = np.inf
            continue
        # merge b into a: the new average distance to every c is a size-weighted mean
        merged = (d[a] * sizes[a] + d[b] * sizes[b]) / (sizes[a] + sizes[b])
        d[a], d[:, a] = merged, merged
        alive[b] = False
        linked[a] |= linked[b]
        linked[:, a] = linked[a]
        no[a] |= no[b] | ~alive
        no[:, a] = no[a]
        m[a] = m[:, a] = np.where(no[a], np.inf, merged)
        m[b], m[:, b] = np.inf, np.inf
        sizes[a] += sizes[b]
        clusters[a] += clusters[b]
        clusters[b] = []
    return [sorted(c) for c, ok in zip(clusters, alive, strict=True) if ok]


def people(
    items: Sequence[PhotoFacts], evs: Sequence[Sequence[int]], opts: CurateOptions
) -> list[list[FaceRef]]:
    """Groups of faces, one per person, the most photographed person first; `evs`: the
    items' events (curate.events.events)."""
    refs, vecs = collect(items)
    scale, apart = context(items, refs, evs, opts)
    dist = distances(vecs) * scale
    found = cluster(dist, opts.same_person, apart, opts.ambiguity)
    groups = [[refs[i] for i in c] for c in found]
    return sorted(groups, key=lambda g: (-len(g), g[0]))
