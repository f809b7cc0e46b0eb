"""Check a design document against the schema, its product and the photos' records: findings
per page, slot and text with stable codes (reasons.toml, domain design_check).

fail: the design cannot print as written (schema, product, layout, slot count, photo, crop,
ppi under the minimum, a glyph no font has, page count). warn: it prints, but a person should
look (ppi under the target, a face at the trim, in the gutter or cut by the crop, a photo
across a spread with its subject on the fold, a text set smaller than asked to fit its box,
spine text left off).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from pressroom.photos import PhotoFacts
from pressroom.products.book import Book, Page, Placement, Text
from pressroom.products.designer.crop import faces_on_page
from pressroom.products.designer.pipeline import rescore
from pressroom.products.designer.subject import subject_on_fold
from pressroom.products.layout import layouts
from pressroom.products.model import PT_PER_MM, Product, Rect, get_product

from .convert import to_book
from .document import schema_errors
from .findings import Findings, Where
from .geometry import Area, box_names, cover_geometry, page_geometry
from .slots import slot_aspect
from .text import fitted_size, font_names, missing_glyphs

ASPECT_TOLERANCE = 0.01  # a crop may differ from its frame's shape by 1% (stretched to fill)
FACE_VISIBLE = 0.98  # a face with less of it inside the crop than this is cut
PPI_SLACK = 0.5  # ppi rounding: 299.6 is 300


def check(doc: Any, photos: Mapping[str, PhotoFacts]) -> tuple[Book | None, Findings]:
    """Any JSON value -> (the Book it renders as, with its layout score, or None; findings)."""
    errors = schema_errors(doc)
    if errors:
        f = Findings()
        for at, what in errors:
            f.add("fail", "invalid", f"{at}: {what}")
        return None, f
    book, f = to_book(doc, photos)
    if book is None:
        return None, f
    product = get_product(book.product).for_printer(book.printer)
    for page, d, areas in _pages(book, doc, photos, product):
        where: Where = page.number or "cover"
        slots = list(d.get("slots") or [])
        for n, slot, pl, area in _pairs(slots, page.placements, areas):
            _slot(f, product, page, where, n, slot, pl, area, photos[slot["photo"]])
        texts = _text_pairs(d, page) if page.number else _cover_texts(page)
        for tn, t in texts:
            _text(f, where, tn, t)
    _folds(f, book, photos)
    rescore(book, list(photos.values()))  # book.score: the document measured as it stands
    return book, f


def _pages(
    book: Book, doc: Mapping[str, Any], photos: Mapping[str, PhotoFacts], product: Product
) -> Iterator[tuple[Page, Mapping[str, Any], tuple[Area, ...]]]:
    lays = layouts()
    for page, d in zip(book.pages, doc["pages"], strict=True):
        first = next((s for s in d.get("slots") or [] if s["photo"] in photos), None)
        aspect = slot_aspect(first, photos[first["photo"]]) if first else None
        geo = page_geometry(product, lays.get(page.layout), page.number, aspect)
        yield page, d, geo.areas
    if book.cover is not None:
        geo = cover_geometry(product, lays[book.cover.layout], len(book.pages))
        yield book.cover, doc["cover"], geo.areas


def _pairs(
    slots: list[Mapping[str, Any]], placements: list[Placement], areas: tuple[Area, ...]
) -> Iterator[tuple[int, Mapping[str, Any], Placement, Area]]:
    """Slots with the placements made of them (slots that could not be placed are skipped)."""
    it = iter(placements)
    nxt = next(it, None)
    for n, (slot, area) in enumerate(zip(slots, areas, strict=False), 1):
        if nxt is not None and nxt.photo_id == slot["photo"] and nxt.frame == area.frame:
            yield n, slot, nxt, area
            nxt = next(it, None)


def _slot(
    f: Findings,
    product: Product,
    page: Page,
    where: Where,
    n: int,
    slot: Mapping[str, Any],
    pl: Placement,
    area: Area,
    photo: PhotoFacts,
) -> None:
    c = pl.crop
    if "crop" in slot and slot.get("fit", "fill") == "fill":
        off = (c.w / c.h) / (pl.frame.w / pl.frame.h) - 1
        if abs(off) > ASPECT_TOLERANCE:
            f.add(
                "fail",
                "crop_aspect",
                f"the crop is {abs(off):.1%} {'wider' if off > 0 else 'taller'} than its frame",
                where,
                n,
            )
    if pl.ppi < product.min_ppi - PPI_SLACK:
        f.add(
            "fail",
            "ppi_min",
            f"photo {pl.photo_id} prints at {pl.ppi:.0f} ppi, under the "
            f"minimum {product.min_ppi:.0f}",
            where,
            n,
        )
    elif pl.ppi < product.target_ppi - PPI_SLACK:
        f.add(
            "warn",
            "ppi_target",
            f"photo {pl.photo_id} prints at {pl.ppi:.0f} ppi, under the"
            f" target {product.target_ppi:.0f}",
            where,
            n,
        )
    bounds = Rect(0, 0, photo.width, photo.height)
    for face in photo.faces:
        box = Rect.of(face.box).intersect(bounds)
        if box.w <= 0 or box.h <= 0:
            continue
        seen = box.intersect(c)
        share = seen.w * seen.h / (box.w * box.h)
        if share <= 0:
            continue
        if share < FACE_VISIBLE:
            f.add(
                "warn",
                "face_cut_crop",
                f"the crop cuts face {face.index} ({share:.0%} of it shows)",
                where,
                n,
            )
            continue
        on_page = faces_on_page([seen], c, pl.image)[0]
        if area.safe.contains(on_page, tol=0.05):
            continue
        gutter = (page.side == "right" and on_page.x < area.safe.x) or (
            page.side == "left" and on_page.x1 > area.safe.x1
        )
        code = "face_cut_gutter" if gutter else "face_cut_trim"
        place = "in the gutter" if gutter else "outside the safe zone, at the trim"
        f.add("warn", code, f"face {face.index} of photo {pl.photo_id} lies {place}", where, n)


def _folds(f: Findings, book: Book, photos: Mapping[str, PhotoFacts]) -> None:
    """A photo across a spread with its subject on the fold, by the rule auto-design keeps
    (products/designer/subject.py), read from the two halves joined in spread mm."""
    for left, right in zip(book.pages, book.pages[1:], strict=False):
        if left.side != "left" or len(left.placements) != 1 or len(right.placements) != 1:
            continue
        a, b = left.placements[0], right.placements[0]
        lay = layouts().get(left.layout)
        if lay is None or lay.kind != "spread" or right.layout != left.layout:
            continue  # a spread is one layout drawn on both facing pages
        if a.photo_id != b.photo_id:
            continue
        w = left.width  # the right page's x 0 is the fold
        whole = replace(
            a,
            frame=Rect(a.frame.x, a.frame.y, b.frame.x1 + w - a.frame.x, a.frame.h),
            image=Rect(a.image.x, a.image.y, b.image.x1 + w - a.image.x, a.image.h),
            crop=Rect(a.crop.x, a.crop.y, b.crop.x1 - a.crop.x, a.crop.h),
        )
        if subject_on_fold(photos[a.photo_id], whole, w):
            pages = f"{left.number}-{right.number}"
            f.add(
                "warn",
                "subject_on_fold",
                f"photo {a.photo_id} across pages {pages} has its subject on the fold",
                left.number,
                1,
            )


def _text_pairs(d: Mapping[str, Any], page: Page) -> Iterator[tuple[int | None, Text]]:
    lay = layouts().get(page.layout)
    names = set(box_names(lay)) if lay else set()
    texts = iter(page.texts)
    for n, t in enumerate(d.get("texts") or [], 1):
        if isinstance(t["box"], str) and t["box"] not in names:
            continue  # an unknown box: already a finding
        made = next(texts, None)
        if made is not None:
            yield n, made


def _cover_texts(page: Page) -> Iterator[tuple[int | None, Text]]:
    for t in page.texts:
        yield None, t


def _text(f: Findings, where: Where, n: int | None, t: Text) -> None:
    if t.font and t.font not in font_names():
        f.add(
            "fail",
            "font_unknown",
            f"no font {t.font!r} (fonts: {', '.join(sorted(font_names()))})",
            where,
            text=n,
        )
    missing = missing_glyphs(t.text, t.font)
    if missing:
        shown = " ".join(f"{ch!r} U+{ord(ch):04X}" for ch in missing[:8])
        f.add("fail", "text_glyph", f"no shipped font has {shown}", where, text=n)
    along, across = (t.rect.h, t.rect.w) if t.rotate else (t.rect.w, t.rect.h)
    size = fitted_size(t.text, t.size_pt, along * 0.96, t.font)
    tall = t.size_pt / PT_PER_MM > across
    if size < t.size_pt - 0.01 or tall:
        why = (
            f"set at {size:.1f} pt instead of {t.size_pt:g}"
            if not tall
            else (f"{t.size_pt:g} pt is taller than its {across:.1f} mm box")
        )
        f.add(
            "warn", "text_overflow", f"{t.text[:40]!r} does not fit its box: {why}", where, text=n
        )
