"""The cover spread (books): bleed + back + spine + front + bleed, with the cover layout's
frames and texts anchored to the spine edges.

The front photo is the best photo whose faces stay clear of everything that hides or cuts
them: the trim's safe margin, the spine, and the hinge (the cover construction's safe zone,
Product.cover_panels, starts the front panel's safe area clear of it). The title goes in the
layout's band (bottom of the front), or the same band mirrored to the top when a person
(a face with its headroom, down to BODY face heights below it) lies under it; a photo whose
people block both bands loses to one that leaves room. The back gets the next best photo.
"""

from __future__ import annotations

import math

from pressroom.photos import PhotoFacts

from ...book import Page, Placement, Text
from ...model import Rect, TextBox, layouts
from ..context import DesignContext
from ..crop import HEADROOM, place
from ..geometry import frame_rect

TRY = 12  # best-ranked photos tried for the front
BODY = 3.0  # face heights below a face that are still the person (the title stays off them)


def _rank(p: PhotoFacts, aspect: float) -> tuple[float, str]:
    s = p.quality + (0.5 if p.faces else 0.0) - 0.3 * abs(math.log(p.aspect / aspect))
    s += 0.2 * min(1.0, min(p.width, p.height) / 2400)  # resolution for a full front panel
    return (-round(s, 6), p.id)


def _box(box: TextBox, area: Rect, top: bool = False) -> Rect:
    r = box.rect
    y = (1 - r.y - r.h) if top else r.y
    return Rect(area.x + r.x * area.w, area.y + y * area.h, r.w * area.w, r.h * area.h)


def _clear(r: Rect, pl: Placement) -> bool:
    """No person under the text box: each face with its headroom, widened by half a face
    each side and run BODY face heights down (shoulders, crossed arms, a held child)."""
    for f in pl.faces:
        top = f.y - HEADROOM * f.h
        person = Rect(f.x - f.w / 2, top, 2 * f.w, f.y + f.h * (1 + BODY) - top)
        hit = person.intersect(r)
        if hit.w > 0 and hit.h > 0:
            return False
    return True


def cover(ctx: DesignContext) -> None:
    prod, book = ctx.product, ctx.book
    if not prod.is_book or book is None or not prod.cover_layout:
        return
    pages = len(book.pages)
    spine = prod.spine_mm(pages)
    w, h = prod.cover_size(pages)
    b = prod.cover_bleed
    trim = Rect(0, 0, w, h)
    # The construction's panels (products.model.cover_panels): `art` is what a bleeding picture
    # covers, `safe` keeps faces and titles off the margins and the hinges beside the spine.
    cp = prod.cover_panels(pages)
    panels, art, safe = cp.visible, cp.art, cp.safe
    lay = layouts()[prod.cover_layout]
    title_box = next((t for t in lay.texts if (t.panel or "front") == "front"), None)
    ranked = sorted(ctx.photos, key=lambda p: _rank(p, prod.trim_w / h))
    front_frame = next((f for f in lay.frames if (f.panel or "front") == "front"), None)
    chosen: list[PhotoFacts] = []
    title_top = False
    if front_frame is not None:
        r = frame_rect(front_frame, (art if front_frame.bleed else panels)["front"], b, trim)
        for photo in ranked[:TRY]:
            pl = place(photo, r, safe["front"], prod)
            if "fitted" in pl.flags or not all(safe["front"].contains(f, 1e-6) for f in pl.faces):
                continue
            if pl.ppi < (prod.target_ppi + prod.min_ppi) / 2:  # the cover is seen up close
                continue
            band = _box(title_box, panels["front"]) if title_box else None
            if band is None or not ctx.title or _clear(band, pl):
                chosen, title_top = [photo], False
                break
            if title_box and _clear(_box(title_box, panels["front"], top=True), pl):
                chosen, title_top = [photo], True
                break
    rest = [p for p in ranked if p not in chosen]
    order = chosen + rest if chosen else ranked
    ctx.cover_photos = order[:2]
    placements = []
    for frame, photo in zip(lay.frames, order, strict=False):
        panel = frame.panel or "front"
        area = (art if frame.bleed else panels)[panel]
        placements.append(place(photo, frame_rect(frame, area, b, trim), safe[panel], prod))
    texts = []
    for box in lay.texts:
        panel = box.panel or "front"
        if not ctx.title or (panel == "spine" and spine < prod.spine_text_min):
            continue
        r = _box(box, panels[panel], top=title_top and box is title_box)
        texts.append(Text(r, ctx.title, box.size_pt, box.align, box.rotate, box.colour, box.box))
    book.cover = Page(0, w, h, b, lay.id, placements, texts, safe["front"], None)
    book.spine_mm = spine
    book.cover_construction = prod.cover_construction(pages)
    book.printer = prod.printer
