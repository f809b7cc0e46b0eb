"""Collection-level curation: near-duplicates and bursts, people, events, picks.

    from pressroom.curate import curate, item
    c = curate([PhotoFacts.from_record(rec), ...])      # catalogue photos, keyed by id
    c = curate([item(key, tags, captured_at, gps, width, height), ...])   # loose values
    c.duplicates   # [[key, ...], ...] groups of 2+, best first
    c.people       # [[(key, face_index), ...], ...] one group per person, biggest first
    c.events       # [[key, ...], ...] in capture order; undated photos last
    c.picks        # [key, ...] the best of each duplicate group, best first
    c.unprintable  # {key: [reason, ...]} for photos whose tags say printable: false

Pure numpy on stored tags (read through pressroom.photos.PhotoFacts, so a missing quality
counts DEFAULT_QUALITY as everywhere): no image is decoded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..photos import PhotoFacts
from .duplicates import duplicate_groups, hamming, rank_key
from .events import events
from .item import CurateOptions, item
from .people import FaceRef, people

__all__ = ["CurateOptions", "Curation", "curate", "hamming", "item"]


@dataclass
class Curation:
    duplicates: list[list[str]] = field(default_factory=list)
    people: list[list[FaceRef]] = field(default_factory=list)
    events: list[list[str]] = field(default_factory=list)
    picks: list[str] = field(default_factory=list)
    unprintable: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["people"] = [[list(ref) for ref in g] for g in self.people]
        return d


def curate(items: Sequence[PhotoFacts], options: CurateOptions | None = None) -> Curation:
    opts = options or CurateOptions()
    groups = duplicate_groups(items, opts)
    best = sorted((g[0] for g in groups), key=lambda i: rank_key(items[i]))
    evs = events(items, opts)
    return Curation(
        duplicates=[[items[i].id for i in g] for g in groups if len(g) > 1],
        people=people(items, evs, opts),
        events=[[items[i].id for i in e] for e in evs],
        picks=[items[i].id for i in best],
        unprintable={
            it.id: list((it.tags.get("printable") or {}).get("reasons", []))
            for it in items
            if not it.printable
        },
    )
