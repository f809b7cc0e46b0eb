"""What auto-design carries through its steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pressroom.photos import capture_datetime
from pressroom.reasons import DesignError

from ..book import Book
from ..model import Product, Rect

__all__ = ["DesignError", "DesignJob", "PhotoInfo"]


@dataclass
class PhotoInfo:
    """One photo as design sees it: a catalogue record's essentials."""

    id: str
    master: str  # blob key
    width: int  # upright master pixels
    height: int
    captured_at: str | None = None
    tags: dict[str, Any] = field(default_factory=dict)
    source_name: str = ""
    state: str = "uploaded"
    reason: str | None = None

    @property
    def aspect(self) -> float:
        return self.width / self.height

    @property
    def time(self) -> datetime | None:
        t = capture_datetime(self.captured_at)
        # local wall time orders a trip's photos best
        return None if t is None else t.replace(tzinfo=None)

    @property
    def faces(self) -> list[Rect]:
        faces = self.tags.get("faces")
        if not isinstance(faces, list):
            return []
        out = []
        for f in faces:
            box = f.get("box") if isinstance(f, dict) else f
            if box and len(box) == 4 and box[2] > 0 and box[3] > 0:
                out.append(Rect.of(box))
        return out

    @property
    def quality(self) -> float:
        q = self.tags.get("quality")
        return float(q) if isinstance(q, (int, float)) else 0.5

    @classmethod
    def from_record(cls, rec: Any) -> PhotoInfo:
        d = rec.data
        return cls(
            id=rec.id,
            master=d.get("master", ""),
            width=int(d.get("width") or 0),
            height=int(d.get("height") or 0),
            captured_at=d.get("captured_at"),
            tags=d.get("tags") or {},
            source_name=d.get("source_name", ""),
            state=rec.state,
            reason=rec.reason,
        )


@dataclass
class PagePlan:
    photos: list[PhotoInfo]
    event: int
    first_of_event: bool = False
    caption: str | None = None
    layout: str | None = None
    assignment: list[int] = field(default_factory=list)  # frame index -> photo index


@dataclass
class DesignJob:
    product: Product
    photos: list[PhotoInfo]
    title: str = ""
    pad: bool = False  # fill the minimum page count with blank pages when photos run short
    events: list[list[PhotoInfo]] = field(default_factory=list)
    plans: list[PagePlan] = field(default_factory=list)
    blank_pages: int = 0
    cover_photos: list[PhotoInfo] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    book: Book | None = None

    def drop(self, photo: PhotoInfo, reason: str) -> None:
        self.dropped.append({"photo_id": photo.id, "reason": reason})
