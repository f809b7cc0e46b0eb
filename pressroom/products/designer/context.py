"""What auto-design carries through its steps: the photos (as `pressroom.photos.PhotoFacts`,
the one typed reading of a catalogue record), the chapters, the page plans, and the book."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pressroom.photos import PhotoFacts

from ..book import Book
from ..model import Product, Rect

__all__ = ["Chapter", "DesignContext", "PagePlan", "face_rects"]


_FACES: dict[tuple[str, int, int, int], list[Rect]] = {}


def face_rects(photo: PhotoFacts) -> list[Rect]:
    """The photo's faces as boxes in upright master pixels, the geometry crops work in.
    Cached by photo (parsing a record's faces, embeddings included, costs more than a crop)."""
    raw = photo.tags.get("faces")
    key = (photo.id, photo.width, photo.height, id(raw))
    if key not in _FACES:
        if len(_FACES) > 100_000:
            _FACES.clear()
        _FACES[key] = [Rect.of(f.box) for f in photo.faces]
    return _FACES[key]


@dataclass
class Chapter:
    """One or more events of the curation, opened with a caption (dates, place)."""

    photos: list[PhotoFacts]
    title: str = ""  # dates: "5-12 January 2020"
    place: str = ""  # "Los Angeles, United States" from the photos' GPS


@dataclass
class PagePlan:
    photos: list[PhotoFacts]
    event: int  # chapter index
    first_of_event: bool = False
    kind: str = "photos"  # photos | spread (one photo across this page and the next) | text | blank
    caption: str | None = None
    layout: str | None = None
    assignment: list[int] = field(default_factory=list)  # frame index -> photo index


@dataclass
class DesignContext:
    product: Product
    photos: list[PhotoFacts]
    title: str = ""
    pad: bool = False  # fill the minimum page count with blank pages when photos run short
    pages: int | None = None  # the page count asked for (books), else from the photos
    events: list[list[PhotoFacts]] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    plans: list[PagePlan] = field(default_factory=list)
    blank_pages: int = 0
    more_photos: int = 0  # how many more photos would fill the blank pages
    reach: dict[str, float] = field(default_factory=dict)  # best face-safe ppi, by photo id
    cover_photos: list[PhotoFacts] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    book: Book | None = None

    def drop(self, photo: PhotoFacts, reason: str) -> None:
        self.dropped.append({"photo_id": photo.id, "reason": reason})
