"""The cover spread (books): bleed + back + spine + front + bleed, with the cover layout's
frames and texts anchored to the spine edges.

The front photo is the best-ranked photo (people first: a face of a fair size, then quality
and resolution) whose faces stay clear of everything that hides or cuts them: the trim's safe
margin, the spine, and the hinge (the cover construction's safe zone, Product.cover_panels,
starts the front panel's safe area clear of it). Its layout is the first of the product's
cover layouts that keeps the title off every person (a face with its headroom, down to BODY
face heights below it): the title over the photo at the foot (cover-hero) or the head
(cover-hero-top) of a full-bleed front, else the photo framed on the board with the title on
the plain board below it (cover-band), which a person never blocks. The back gets the next
best photo.

A picture framed on the board (not bleeding) that falls a little short of the target ppi is
drawn slightly smaller than its frame, about the frame's centre (down to SHARPEN of it), so it
reaches the target: the board around it simply shows a little more. The design document writes
that as the slot's scale, and reads it back through cover_place.
"""

from __future__ import annotations

import math
from dataclasses import replace

from pressroom.photos import PhotoFacts

from ...book import Page, Placement, Text
from ...layout import Frame, Layout, TextBox, layouts
from ...model import CoverPanels, Product, Rect
from ..context import DesignContext, face_rects
from ..crop import HEADROOM, faces_on_page, place
from ..geometry import frame_rect

TRY = 12  # best-ranked photos tried for the front
BODY = 3.0  # face heights below a face that are still the person (the title stays off them)
SHARPEN = 0.9  # a framed picture may be drawn down to this share of its frame to reach target


def _rank(p: PhotoFacts, aspect: float) -> tuple[float, str]:
    face = max((f.box[3] / p.height for f in p.faces if p.height), default=0.0)
    s = p.quality + 0.6 * min(1.0, face / 0.1)  # people: a face a tenth of the photo's height
    s -= 0.3 * abs(math.log(p.aspect / aspect))
    s += 0.2 * min(1.0, min(p.width, p.height) / 2400)  # resolution for a full front panel
    return (-round(s, 6), p.id)


def _box(box: TextBox, area: Rect) -> Rect:
    r = box.rect
    return Rect(area.x + r.x * area.w, area.y + r.y * area.h, r.w * area.w, r.h * area.h)


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


def cover_place(
    photo: PhotoFacts, frame: Frame, rect: Rect, safe: Rect, prod: Product
) -> Placement:
    """A cover frame's placement: crop.place, and for a frame on the board (no bleed) a little
    short of the target ppi, the same crop drawn smaller about the frame's centre until it
    reaches the target (the scale a multiple of 1e-6, as the design document writes it)."""
    pl = place(photo, rect, safe, prod)
    if frame.bleed or pl.flags != ["low_ppi"] or pl.ppi <= 0:
        return pl
    s = math.floor(pl.ppi / prod.target_ppi * 1e6) / 1e6
    if s < SHARPEN:
        return pl
    image = pl.frame.scaled(s)
    whole = Rect(0, 0, photo.width, photo.height)
    faces = [f.intersect(whole) for f in face_rects(photo)]
    faces = [f for f in faces if f.w > 0 and f.h > 0]
    ppi = pl.crop.w / (image.w / 25.4)
    flags = ["shrunk"] + (["low_ppi"] if ppi < prod.target_ppi - 0.5 else [])
    return replace(
        pl, image=image, ppi=ppi, faces=faces_on_page(faces, pl.crop, image), flags=flags
    )


def _front(ctx: DesignContext, lay: Layout, photo: PhotoFacts, cp: CoverPanels, trim: Rect) -> bool:
    """Does `photo` suit `lay`'s front: faces safe, sharp enough, the title off its people?"""
    prod = ctx.product
    frame = next((f for f in lay.frames if (f.panel or "front") == "front"), None)
    if frame is None:
        return True
    r = frame_rect(frame, (cp.art if frame.bleed else cp.visible)["front"], prod.cover_bleed, trim)
    pl = cover_place(photo, frame, r, cp.safe["front"], prod)
    if "fitted" in pl.flags or not all(cp.safe["front"].contains(f, 1e-6) for f in pl.faces):
        return False
    if pl.ppi < (prod.target_ppi + prod.min_ppi) / 2:  # the cover is seen up close
        return False
    title = next((t for t in lay.texts if (t.panel or "front") == "front"), None)
    if title is None or not ctx.title:
        return True
    band = _box(title, cp.visible["front"])
    over = band.intersect(r)
    return over.w <= 0 or over.h <= 0 or _clear(band, pl)


def cover(ctx: DesignContext) -> None:
    prod, book = ctx.product, ctx.book
    if not prod.is_book or book is None or not prod.cover_layouts:
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
    all_lays = layouts()
    choices = [all_lays[n] for n in prod.cover_layouts]
    lay = choices[0]
    ranked = sorted(ctx.photos, key=lambda p: _rank(p, panels["front"].aspect))
    chosen: list[PhotoFacts] = []
    for photo in ranked[:TRY]:
        fits = next((c for c in choices if _front(ctx, c, photo, cp, trim)), None)
        if fits is not None:
            chosen, lay = [photo], fits
            break
    rest = [p for p in ranked if p not in chosen]
    order = chosen + rest if chosen else ranked
    ctx.cover_photos = order[:2]
    placements = []
    for frame, photo in zip(lay.frames, order, strict=False):
        panel = frame.panel or "front"
        area = (art if frame.bleed else panels)[panel]
        r = frame_rect(frame, area, b, trim)
        placements.append(cover_place(photo, frame, r, safe[panel], prod))
    texts = []
    for box in lay.texts:
        panel = box.panel or "front"
        if not ctx.title or (panel == "spine" and spine < prod.spine_text_min):
            continue
        r = _box(box, panels[panel])
        texts.append(Text(r, ctx.title, box.size_pt, box.align, box.rotate, box.colour, box.box))
    book.cover = Page(0, w, h, b, lay.id, placements, texts, safe["front"], None)
    book.spine_mm = spine
    book.cover_construction = prod.cover_construction(pages)
    book.printer = prod.printer
