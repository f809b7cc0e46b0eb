"""What curation reads about each photo: its key (a path or a photo id), tags and record facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from pressroom.photos import capture_datetime


@dataclass
class Item:
    key: str  # input path or catalogue photo id: what the Curation refers to
    tags: dict[str, Any]  # pressroom.tags output
    captured_at: str | None = None  # ISO 8601, as the ingest record stores it
    gps: dict[str, float] | None = None  # {"lat", "lon"[, "alt"]}
    width: int = 0  # upright master pixels
    height: int = 0

    @classmethod
    def from_record(cls, key: str, data: dict[str, Any]) -> Item:
        """From an ingest record's data (or any dict with the same keys and `tags`)."""
        return cls(
            key=key,
            tags=data.get("tags") or {},
            captured_at=data.get("captured_at"),
            gps=data.get("gps"),
            width=int(data.get("width") or 0),
            height=int(data.get("height") or 0),
        )

    @property
    def timestamp(self) -> float | None:
        """Seconds since the epoch; a time without offset is read as UTC (wall clock)."""
        t = capture_datetime(self.captured_at)
        if t is None:
            return None
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()

    @property
    def quality(self) -> float:
        return float(self.tags.get("quality") or 0.0)

    @property
    def printable(self) -> bool:
        return bool((self.tags.get("printable") or {}).get("ok", True))


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
    # Average-linkage distance between face embeddings for one person (dlib's rule: 0.6;
    # measured: the same person 0.05-0.40, different people 0.83-0.89).
    same_person: float = 0.6
    event_gap_hours: float = 3.0  # a new event after this long without a photo
    event_jump_km: float = 25.0  # ... or when consecutive geotagged photos are this far apart
    extra: dict[str, Any] = field(default_factory=dict)
