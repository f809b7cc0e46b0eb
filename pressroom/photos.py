"""A photo as the engine reads it from its catalogue record: one typed `PhotoFacts`, one
`Face`. Thumbnails, curation, the designer and the console all read records through here, so
a missing tag means the same everywhere. Dependency-free (no pyvips, no numpy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# What a photo without a quality tag counts as: the middle of the 0..1 scale, so an untagged
# photo neither wins nor loses a choice between look-alikes on quality alone.
DEFAULT_QUALITY = 0.5


def capture_datetime(stamp: str | None) -> datetime | None:
    """Read back a recorded `captured_at` (ISO 8601, offset when the camera gave one)."""
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None


@dataclass(frozen=True)
class Face:
    """A face box in upright master pixels (x, y from the top-left), as the tagger stores it."""

    box: tuple[float, float, float, float]  # x, y, w, h
    score: float | None = None
    index: int = 0  # 1-based position in the record's list, as people see it
    landmarks: dict[str, tuple[float, float]] = field(default_factory=dict, compare=False)
    embedding: tuple[float, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def x(self) -> float:
        return self.box[0]

    @property
    def y(self) -> float:
        return self.box[1]

    @property
    def w(self) -> float:
        return self.box[2]

    @property
    def h(self) -> float:
        return self.box[3]

    @classmethod
    def parse(cls, raw: Any, index: int = 0) -> Face | None:
        """A stored face (`{"box": [x, y, w, h], "score", ...}` or a bare box); None if unusable."""
        box = raw.get("box") if isinstance(raw, dict) else raw
        if not isinstance(box, (list, tuple)) or len(box) != 4:
            return None
        try:
            x, y, w, h = (float(v) for v in box)
        except (TypeError, ValueError):
            return None
        if w <= 0 or h <= 0:
            return None
        extra = raw if isinstance(raw, dict) else {}
        score = extra.get("score")
        marks = extra.get("landmarks") or {}
        emb = extra.get("embedding")
        return cls(
            (x, y, w, h),
            float(score) if isinstance(score, (int, float)) else None,
            index,
            {k: (float(v[0]), float(v[1])) for k, v in marks.items() if len(v) == 2},
            tuple(float(v) for v in emb) if isinstance(emb, list) else None,
        )


@dataclass(frozen=True)
class PhotoFacts:
    """One photo's record, typed: what every reader of the catalogue needs."""

    id: str
    state: str = "uploaded"  # missing | uploaded | rejected (or "missing" for unknown ids)
    reason: str | None = None
    master: str = ""  # blob key of the upright sRGB master
    width: int = 0  # upright master pixels
    height: int = 0
    format: str | None = None  # source format
    source_name: str = ""
    captured_at: str | None = None  # ISO 8601 with offset when the camera recorded one
    gps: dict[str, float] | None = None  # {"lat", "lon"[, "alt"]}
    tags: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_record(cls, rec: Any) -> PhotoFacts:
        """From a catalogue PhotoRecord (id, state, reason, data)."""
        return cls.from_data(rec.id, rec.data, state=rec.state, reason=rec.reason)

    @classmethod
    def from_data(
        cls, key: str, data: dict[str, Any], state: str = "uploaded", reason: str | None = None
    ) -> PhotoFacts:
        """From a record's data dict (or tag output with the same keys) under any key."""
        gps = data.get("gps")
        return cls(
            id=key,
            state=state,
            reason=reason,
            master=data.get("master") or "",
            width=int(data.get("width") or 0),
            height=int(data.get("height") or 0),
            format=data.get("format"),
            source_name=data.get("source_name") or "",
            captured_at=data.get("captured_at"),
            gps=gps if isinstance(gps, dict) else None,
            tags=data.get("tags") or {},
            data=data,
        )

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 1.0

    @property
    def faces(self) -> list[Face]:
        raw = self.tags.get("faces")
        if not isinstance(raw, list):  # "unavailable" or absent
            return []
        return [f for i, r in enumerate(raw, 1) if (f := Face.parse(r, i)) is not None]

    @property
    def quality(self) -> float:
        q = self.tags.get("quality")
        return float(q) if isinstance(q, (int, float)) else DEFAULT_QUALITY

    @property
    def printable(self) -> bool:
        return bool((self.tags.get("printable") or {}).get("ok", True))

    @property
    def time(self) -> datetime | None:
        """Local wall time of capture (a trip's photos order best by it), or None."""
        t = capture_datetime(self.captured_at)
        return None if t is None else t.replace(tzinfo=None)

    @property
    def timestamp(self) -> float | None:
        """Seconds since the epoch; a time without offset is read as UTC (wall clock)."""
        t = capture_datetime(self.captured_at)
        if t is None:
            return None
        return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()
