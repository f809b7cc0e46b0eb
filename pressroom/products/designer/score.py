"""The layout score: how good a designed book is, per page and for the whole book.

Each term is a goodness in 0..1 (1 = nothing to fix); the book's score is their weighted sum
x 100. The terms and their weights:

| term        | weight | goodness                                                          |
|-------------|--------|-------------------------------------------------------------------|
| coverage    | 0.10   | share of each page's trim covered by pictures, / 0.7, capped at 1   |
| crop        | 0.15   | 1 - mean share of each photo cut away by its crop                  |
| faces       | 0.25   | 1 - share of faces cut (outside picture, trim or safe zone) or     |
|             |        | without headroom (crop.HEADROOM: half a face height above the box, |
|             |        | or all the photo has above it inside the safe zone, when less)     |
| ppi         | 0.20   | mean of min(1, effective ppi / target ppi) over placements         |
| empty       | 0.10   | 1 - share of blank pages (no picture and no text)                  |
| repetition  | 0.05   | 1 - share of spreads laid out exactly like the spread before       |
| chronology  | 0.10   | 1 - share of consecutive dated photos (reading order) out of order |
| events      | 0.05   | 1 - share of pages mixing two chapters (events)                    |

A page's score uses the first five terms (their weights renormalised). The designer searches
layouts with a cost made of the same measures (steps/layouts.py), and this module reports them
from the finished Book, so the numbers are those of what gets printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..book import Book, Page, Placement
from ..model import Rect

WEIGHTS: dict[str, float] = {
    "coverage": 0.10,
    "crop": 0.15,
    "faces": 0.25,
    "ppi": 0.20,
    "empty": 0.10,
    "repetition": 0.05,
    "chronology": 0.10,
    "events": 0.05,
}
PAGE_TERMS = ("coverage", "crop", "faces", "ppi", "empty")
COVERAGE_FULL = 0.7  # a page 70% covered by pictures counts as fully used
HEADROOM = 0.5  # as crop.HEADROOM (kept here so the score reads only the Book)
EPS = 1e-3


def face_ok(face: Rect, pl: Placement, page: Page) -> tuple[bool, bool]:
    """(not cut, has headroom) for a face box on the page (mm)."""
    trim = Rect(0, 0, page.width, page.height)
    shown = pl.image.intersect(trim)
    safe = page.safe.intersect(shown) if page.safe else shown
    whole = safe.contains(face, EPS)
    photo_top = pl.image.y - pl.crop.y * pl.image.h / pl.crop.h
    if pl.crop.y < 0.5:  # the photo's top edge is shown: what it has inside the safe zone
        photo_top = max(photo_top, safe.y)
    need = min(HEADROOM * face.h, max(0.0, face.y - photo_top))
    band = Rect(face.x, face.y - need, face.w, need)
    return whole, whole and safe.contains(band, EPS)


SPREAD = "spread-panorama"  # one photo across facing pages: half of it on each


def crop_loss(pl: Placement, layout: str = "") -> float:
    """Share of the photo cut away; each half of a spread-crossing photo carries half its crop."""
    halves = 2 if layout == SPREAD else 1
    return max(0.0, 1 - halves * (pl.crop.w * pl.crop.h) / (pl.src_w * pl.src_h))


def page_terms(page: Page, target_ppi: float) -> dict[str, Any]:
    trim = Rect(0, 0, page.width, page.height)
    area = sum((r := pl.image.intersect(trim)).w * r.h for pl in page.placements) / (
        trim.w * trim.h
    )
    faces = cut = no_room = 0
    for pl in page.placements:
        for f in pl.faces:
            whole, room = face_ok(f, pl, page)
            faces += 1
            cut += not whole
            no_room += whole and not room
    ppis = [pl.ppi for pl in page.placements]
    losses = [crop_loss(pl, page.layout) for pl in page.placements]
    blank = not page.placements and not page.texts
    good = {
        "coverage": 1.0 if not page.placements else min(1.0, area / COVERAGE_FULL),
        "crop": 1 - (sum(losses) / len(losses) if losses else 0.0),
        "faces": 1 - (cut + no_room) / faces if faces else 1.0,
        "ppi": sum(min(1.0, p / target_ppi) for p in ppis) / len(ppis) if ppis else 1.0,
        "empty": 0.0 if blank else 1.0,
    }
    wsum = sum(WEIGHTS[t] for t in PAGE_TERMS)
    return {
        "number": page.number,
        "layout": page.layout,
        "photos": len(page.placements),
        "coverage": round(area, 3),
        "crop_loss": round(max(losses, default=0.0), 3),
        "faces": faces,
        "faces_cut": cut,
        "faces_without_headroom": no_room,
        "ppi_min": round(min(ppis), 1) if ppis else None,
        "blank": blank,
        "score": round(100 * sum(WEIGHTS[t] * good[t] for t in PAGE_TERMS) / wsum, 1),
        "_good": good,
    }


def _spreads(pages: Sequence[Page]) -> list[tuple[str, ...]]:
    """Layouts of each spread: page 1 alone, then (2, 3), (4, 5), ..., the last even page alone."""
    out, i = [], 1
    while i < len(pages):
        out.append(tuple(p.layout for p in pages[i : i + 2]))
        i += 2
    return out


def score_book(
    book: Book,
    chapter_of: dict[str, int],
    times: dict[str, datetime | None],
    *,
    more_photos: int = 0,
) -> dict[str, Any]:
    """The score as plain data: weights, each term's measure and goodness, every page."""
    pages = [page_terms(p, book.target_ppi) for p in book.pages]
    n = len(pages) or 1
    # a spread's photo counts once (its left half) for ppi and order
    placed = [
        pl for p in book.pages for pl in p.placements if p.layout != SPREAD or p.side == "left"
    ]
    losses = [crop_loss(pl, p.layout) for p in book.pages for pl in p.placements]
    faces = sum(p["faces"] for p in pages)
    bad = sum(p["faces_cut"] + p["faces_without_headroom"] for p in pages)
    spreads = _spreads(book.pages) if any(p.side for p in book.pages) else []  # books only
    repeats = sum(a == b and "blank" not in a for a, b in zip(spreads, spreads[1:], strict=False))
    seq = [times.get(pl.photo_id) for pl in placed]
    dated = [t for t in seq if t is not None]
    pairs = list(zip(dated, dated[1:], strict=False))
    out_of_order = sum(b < a for a, b in pairs)
    mixed = sum(len({chapter_of.get(pl.photo_id) for pl in p.placements}) > 1 for p in book.pages)
    ppis = [pl.ppi for pl in placed]
    good = {
        "coverage": sum(p["_good"]["coverage"] for p in pages) / n,
        "crop": 1 - (sum(losses) / len(losses) if losses else 0.0),
        "faces": 1 - bad / faces if faces else 1.0,
        "ppi": sum(min(1.0, p / book.target_ppi) for p in ppis) / len(ppis) if ppis else 1.0,
        "empty": 1 - sum(p["blank"] for p in pages) / n,
        "repetition": 1 - repeats / max(1, len(spreads) - 1),
        "chronology": 1 - out_of_order / len(pairs) if pairs else 1.0,
        "events": 1 - mixed / n,
    }
    for p in pages:
        del p["_good"]
    histogram: dict[str, int] = {}
    for page in book.pages:
        histogram[page.layout] = histogram.get(page.layout, 0) + 1
    return {
        "total": round(100 * sum(WEIGHTS[t] * good[t] for t in WEIGHTS), 1),
        "weights": dict(WEIGHTS),
        "goodness": {t: round(v, 3) for t, v in good.items()},
        "terms": {
            "coverage": round(sum(p["coverage"] for p in pages) / n, 3),
            "crop_loss": round(sum(losses) / len(losses), 3) if losses else 0.0,
            "faces": faces,
            "faces_cut": sum(p["faces_cut"] for p in pages),
            "faces_without_headroom": sum(p["faces_without_headroom"] for p in pages),
            "ppi_mean": round(sum(ppis) / len(ppis), 1) if ppis else None,
            "ppi_min": round(min(ppis), 1) if ppis else None,
            "under_target_ppi": sum(p < book.target_ppi - 0.5 for p in ppis),
            "blank_pages": sum(p["blank"] for p in pages),
            "more_photos_to_fill": more_photos,
            "repeated_spreads": repeats,
            "out_of_order": out_of_order,
            "pages_mixing_chapters": mixed,
            "distinct_layouts": len(histogram),
        },
        "layouts": dict(sorted(histogram.items())),
        "pages": pages,
    }
