"""What curation reads about each photo: its PhotoFacts (pressroom.photos), keyed by `id` (a
photo id, or an input path for a file that is not in the catalogue); and its options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..photos import PhotoFacts


def item(
    key: str,
    tags: dict[str, Any] | None = None,
    captured_at: str | None = None,
    gps: dict[str, float] | None = None,
    width: int = 0,
    height: int = 0,
) -> PhotoFacts:
    """The PhotoFacts curation reads, from loose values (a tagged file that has no record).
    `key` (an input path or a photo id) is what the Curation refers to it by."""
    return PhotoFacts(
        key, width=width, height=height, captured_at=captured_at, gps=gps, tags=tags or {}
    )


@dataclass
class CurateOptions:
    # pHash Hamming distance at or under which two photos are near-duplicates. Measured on 40
    # corpus photos (README): re-encode/resize/brightness 0-4, 5% crop 0-12, 3% shift 0-14;
    # 780 pairs of distinct photos 18-50 (1st percentile 22).
    near: int = 12
    # Within `burst_seconds` of each other (capture time), up to `burst` is still a burst
    # (6% shift measured 2-22, 80% <= 14).
    burst: int = 16
    burst_seconds: float = 10.0
    # Average-linkage distance between face embeddings for one person (pressroom.curate.people).
    # Measured (corpus people/, demo photos; hog and YuNet faces): one person 0.05-0.43 apart,
    # different adults 0.61+, but different children 0.51-0.60: faces alone join within 0.5;
    # faces in photos of one dated event within dlib's rule, 0.6 (one model twice in an
    # afternoon: 0.55-0.56).
    same_person: float = 0.5
    same_person_in_event: float = 0.6
    # A join is not made when a face is nearly as close (best > ambiguity x rival) to a group
    # known to be someone else (faces in one photo are different people).
    ambiguity: float = 0.9
    event_gap_hours: float = 3.0  # a new event after this long without a photo
    event_jump_km: float = 25.0  # ... or when consecutive geotagged photos are this far apart
    extra: dict[str, Any] = field(default_factory=dict)
