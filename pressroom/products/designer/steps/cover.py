"""The cover spread (books): bleed + back + spine + front + bleed, with the cover layout's
frames and texts anchored to the spine edges. The cover photo is the best photo (faces and
quality first, then an aspect close to the front panel's); the back gets the next best."""

from __future__ import annotations

import math

from pressroom.photos import PhotoFacts

from ...book import Page, Text
from ...model import Rect, layouts
from ..context import DesignContext
from ..crop import place
from ..geometry import frame_rect


def _score(p: PhotoFacts, aspect: float) -> tuple[float, str]:
    s = p.quality + (0.25 if p.faces else 0.0) - 0.3 * abs(math.log(p.aspect / aspect))
    s += 0.2 * min(1.0, min(p.width, p.height) / 2400)  # resolution for a full front panel
    return (-round(s, 6), p.id)


def cover(ctx: DesignContext) -> None:
    prod, book = ctx.product, ctx.book
    if not prod.is_book or book is None or not prod.cover_layout:
        return
    pages = len(book.pages)
    spine = prod.spine_mm(pages)
    w, h = prod.cover_size(pages)
    b = prod.cover_bleed
    trim = Rect(0, 0, w, h)
    panels = {
        "back": Rect(0, 0, prod.trim_w, h),
        "spine": Rect(prod.trim_w, 0, spine, h),
        "front": Rect(prod.trim_w + spine, 0, prod.trim_w, h),
    }
    safe = {
        name: r.inset(prod.safe, prod.safe, prod.safe, prod.safe) if name != "spine" else r
        for name, r in panels.items()
    }
    ranked = sorted(ctx.photos, key=lambda p: _score(p, prod.trim_w / h))
    ctx.cover_photos = ranked[:2]
    lay = layouts()[prod.cover_layout]
    placements = []
    for frame, photo in zip(lay.frames, ranked, strict=False):
        panel = frame.panel or "front"
        r = frame_rect(frame, panels[panel], b, trim)
        placements.append(place(photo, r, safe[panel], prod))
    texts = []
    for box in lay.texts:
        panel = box.panel or "front"
        if not ctx.title or (panel == "spine" and spine < prod.spine_text_min):
            continue
        a = panels[panel]
        r = Rect(a.x + box.rect.x * a.w, a.y + box.rect.y * a.h, box.rect.w * a.w, box.rect.h * a.h)
        texts.append(Text(r, ctx.title, box.size_pt, box.align, box.rotate, box.colour, box.box))
    book.cover = Page(0, w, h, b, lay.id, placements, texts, safe["front"], None)
    book.spine_mm = spine
