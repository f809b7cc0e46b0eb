"""What auto-design carries through its steps: the photos (as `pressroom.photos.PhotoFacts`,
the one typed reading of a catalogue record), the page plans, and the book it makes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pressroom.photos import PhotoFacts

from ..book import Book
from ..model import Product, Rect

__all__ = ["DesignContext", "PagePlan", "face_rects"]


def face_rects(photo: PhotoFacts) -> list[Rect]:
    """The photo's faces as boxes in upright master pixels, the geometry crops work in."""
    return [Rect.of(f.box) for f in photo.faces]


@dataclass
class PagePlan:
    photos: list[PhotoFacts]
    event: int
    first_of_event: bool = False
    caption: str | None = None
    layout: str | None = None
    assignment: list[int] = field(default_factory=list)  # frame index -> photo index


@dataclass
class DesignContext:
    product: Product
    photos: list[PhotoFacts]
    title: str = ""
    pad: bool = False  # fill the minimum page count with blank pages when photos run short
    events: list[list[PhotoFacts]] = field(default_factory=list)
    plans: list[PagePlan] = field(default_factory=list)
    blank_pages: int = 0
    cover_photos: list[PhotoFacts] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    book: Book | None = None

    def drop(self, photo: PhotoFacts, reason: str) -> None:
        self.dropped.append({"photo_id": photo.id, "reason": reason})
