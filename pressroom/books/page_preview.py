"""One page of a design as a picture of a requested size: the live previews an app's editor
shows while the customer edits (pressroom.api's signed page URLs).

The page is laid out exactly as the print files lay it out (designs.to_book) and drawn by the
print previews' own code (render.print.preview: the same placements, glyphs and colours), at
the resolution the requested size needs, from masters decoded with shrink-on-load. What is
shown is the trim: the bleed the printer cuts off is left out.

    book = layout(doc, photos)                    # None: the design cannot be laid out
    page = page_of(book, "cover" | 1..N)
    data = encode_image(draw(page, store, 800, 0), "webp")  # render.thumbnail.steps.encode
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pressroom.photos import PhotoFacts
from pressroom.render import renditions

if TYPE_CHECKING:
    import pyvips

    from pressroom.products.book import Book, Page

PageRef = int | str  # 1-based interior page, or "cover"
VERSION = "2"  # bump when the drawing changes: new cache keys and ETags
MAX_SIDE = 4096  # output pixels on either side, as thumbnails


def parse_page(text: str) -> PageRef | None:
    """ "cover" or a 1-based page number as written in a URL; None otherwise."""
    if text == "cover":
        return "cover"
    if text.isdigit() and len(text) <= 4 and int(text) >= 1:
        return int(text)
    return None


def page_slots(doc: Mapping[str, Any], ref: PageRef) -> list[Mapping[str, Any]] | None:
    """The slots the document gives page `ref`; None when it has no such page."""
    if ref == "cover":
        cover = doc.get("cover")
        return list(cover.get("slots") or []) if isinstance(cover, dict) else None
    pages = doc.get("pages") or []
    if not isinstance(ref, int) or not 1 <= ref <= len(pages):
        return None
    return list(pages[ref - 1].get("slots") or [])


def fingerprint(photos: Mapping[str, PhotoFacts], ids: list[str]) -> str:
    """What of the photos' records a page's pixels depend on: size, master bytes and faces
    (a slot without a crop is placed by them). A remastered or retagged photo: a new key."""
    facts: list[list[Any]] = []  # JSON: id, state, size, master version, face boxes
    for pid in ids:
        p = photos.get(pid)
        if p is None:
            facts.append([pid])
            continue
        faces = [[round(v, 2) for v in f.box] for f in p.faces]
        facts.append([pid, p.state, p.width, p.height, renditions.master_version(p.data), faces])
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:16]


def layout(doc: Mapping[str, Any], photos: Mapping[str, PhotoFacts]) -> Book | None:
    """The design's layout model as the print files have it; None when it has none (an
    unknown product). Findings that do not stop a layout (low ppi, a face at the trim, an
    unknown photo's slot left empty) still give a page to look at."""
    from pressroom.designs import to_book

    book, _ = to_book(doc, photos)
    return book


def page_of(book: Book, ref: PageRef) -> Page | None:
    if ref == "cover":
        return book.cover
    assert isinstance(ref, int)
    return book.pages[ref - 1] if 1 <= ref <= len(book.pages) else None


def size_for(page: Page, width: int, height: int, limit: int = MAX_SIDE) -> tuple[int, int]:
    """The trim's pixels inside a width x height box (0 = follow the other side), neither
    side over `limit`."""
    aspect = page.width / page.height
    width, height = min(width, limit), min(height, limit)
    if not height and width / aspect > limit:
        width, height = 0, limit
    elif not width and height * aspect > limit:
        width, height = limit, 0
    if width and height:
        if width / height > aspect:
            width = 0
        else:
            height = 0
    if width:
        return width, max(1, round(width / aspect))
    return max(1, round(height * aspect)), height


def draw(page: Page, store: Any, width: int, height: int) -> pyvips.Image:
    """The page's trim at exactly the size `size_for` gives (sRGB, 3 bands). Raises
    storage.BlobNotFound when a placed photo's master is gone."""
    from pressroom.render.print.images import prepare
    from pressroom.render.print.preview import render_preview

    out_w, out_h = size_for(page, width, height)
    ppi = out_w / (page.width / 25.4)
    # Pictures at the preview's resolution (never above the master's own pixels).
    images = [prepare(pl, store.get(pl.master), ppi) for pl in page.placements]
    img = render_preview(page, images, ppi)
    bleed = round(page.bleed / 25.4 * ppi)
    w, h = min(out_w, img.width - bleed), min(out_h, img.height - bleed)
    img = img.crop(bleed, bleed, w, h)
    if (w, h) != (out_w, out_h):  # a pixel lost to rounding: repeat the edge
        img = img.gravity("north-west", out_w, out_h, extend="copy")
    return img
