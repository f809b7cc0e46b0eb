"""Page geometry in millimetres: trim-relative frames to page rectangles, safe zones."""

from __future__ import annotations

import math
from dataclasses import replace

from ..layout import Frame, Layout, TextBox
from ..model import Product, Rect

GLYPH_EM = 0.6  # a line's glyphs reach this many em from its box's centre (descenders)


def page_size(product: Product, aspect: float | None = None) -> tuple[float, float]:
    """Trim size; products that turn (loose prints) turn to suit the photo."""
    w, h = product.trim_w, product.trim_h
    if product.rotatable and aspect is not None and (aspect < 1) != (w < h) and w != h:
        w, h = h, w
    return w, h


def side(product: Product, number: int) -> str | None:
    """Page 1 is a right-hand page (bound on its left), as in every book."""
    if not product.is_book or number <= 0:
        return None
    return "right" if number % 2 else "left"


def safe_zone(product: Product, w: float, h: float, number: int) -> Rect:
    """Where faces and text may go: trim inset by the safe margin, plus the gutter on the
    binding side; a circle's safe zone is the square inscribed in its safe circle."""
    s = product.safe
    if product.shape == "circle":
        d = min(w, h) - 2 * s
        a = d / math.sqrt(2)
        return Rect((w - a) / 2, (h - a) / 2, a, a)
    g = product.gutter
    which = side(product, number)
    left = s + (g if which == "right" else 0)
    right = s + (g if which == "left" else 0)
    return Rect(0, 0, w, h).inset(left, s, right, s)


def spread_zones(product: Product) -> tuple[Rect, tuple[Rect, Rect]]:
    """A photo across a left page and the right page facing it, in spread mm (the left
    page's trim at x 0, the fold at x = the page width): its frame (both trims and their
    bleed) and the safe zone on each side of the fold, where its faces may go (clear of the
    gutter zone: the safe margin plus the gutter)."""
    w, h = page_size(product)
    b, s = product.bleed, product.safe
    zone = s + product.gutter
    left = Rect(0, 0, w - zone, h).inset(s, s, s, s)
    right = Rect(w + zone, 0, w - zone, h).inset(s, s, s, s)
    return Rect(-b, -b, 2 * w + 2 * b, h + 2 * b), (left, right)


def frame_rect(frame: Frame, area: Rect, bleed: float, trim: Rect) -> Rect:
    """A frame's fractions on `area` (the trim or a cover panel), in page millimetres; a bleed
    frame extends by the bleed over each edge it shares with the trim."""
    r = _drawn(frame, area)
    if not frame.bleed:
        return keep_shape(r, frame.aspect, area)
    eps = 1e-6
    left = bleed if abs(r.x - trim.x) < eps else 0
    top = bleed if abs(r.y - trim.y) < eps else 0
    right = bleed if abs(r.x1 - trim.x1) < eps else 0
    bottom = bleed if abs(r.y1 - trim.y1) < eps else 0
    return r.inset(-left, -top, -right, -bottom)


def _drawn(frame: Frame, area: Rect) -> Rect:
    f = frame.rect
    return Rect(area.x + f.x * area.w, area.y + f.y * area.h, f.w * area.w, f.h * area.h)


CAPTION_GAP = 2.5  # mm between pictures and the caption under them
CENTRED = 0.05  # of the area: a frame this near its centre shrinks about its own centre


def _shrink(lo: float, hi: float, size: float, a0: float, a1: float) -> tuple[float, float]:
    """A span [lo, hi] cut to `size`: about its centre when that is near the area's (a0..a1)
    centre, else kept against its edge nearer that centre (the side its neighbours are on)."""
    c, mid = (lo + hi) / 2, (a0 + a1) / 2
    if abs(c - mid) <= CENTRED * (a1 - a0):
        return c - size / 2, size
    return (hi - size, size) if c < mid else (lo, size)


def keep_shape(r: Rect, aspect: tuple[float, float], area: Rect) -> Rect:
    """A framed (non-bleed) frame keeps the shape its layout declares on every page shape:
    one drawn as a 4:3 landscape on a square page would be square on A4 portrait and a strip
    on 28x21, so it is cut to the nearest aspect in its range, towards its neighbours."""
    lo, hi = aspect
    if r.w <= 0 or r.h <= 0 or lo <= r.aspect <= hi:
        return r
    if r.aspect > hi:  # too wide: narrower
        x, w = _shrink(r.x, r.x1, r.h * hi, area.x, area.x1)
        return Rect(x, r.y, w, r.h)
    y, h = _shrink(r.y, r.y1, r.w / lo, area.y, area.y1)
    return Rect(r.x, y, r.w, h)


def text_box(box: TextBox, trim: Rect, safe: Rect, frames: list[Rect]) -> tuple[Rect, TextBox]:
    """A page text box in page mm, kept inside the safe zone: a printer's safe zone can be
    larger than the product's the layout was drawn for (Lulu's 12.7 mm), so the box moves in
    from the edge it crosses, but not over the frames beside it, and the size shrinks to what
    the box then holds. Inside the safe zone already: the layout's box, unchanged. A caption
    sits CAPTION_GAP under the pictures above it (frames keep their shape, so on some page
    shapes they end well above the layout's caption box); under a bleed picture, which keeps
    its drawn size, it stays where the layout puts it (an opener's band)."""
    r = Rect(trim.x + box.rect.x * trim.w, trim.y + box.rect.y * trim.h,
             box.rect.w * trim.w, box.rect.h * trim.h)  # fmt: skip
    drawn = [f for f in frames if trim.contains(f, 1e-6)]  # bleed frames keep their size
    over = [f.y1 for f in drawn if f.y1 <= r.y + 1e-6 and f.x < r.x1 and f.x1 > r.x]
    if box.role == "caption" and over and max(over) + CAPTION_GAP < r.y:
        r = Rect(r.x, max(over) + CAPTION_GAP, r.w, r.h)
    if safe.contains(r, 1e-6):
        return r, box
    x0, x1 = max(r.x, safe.x), min(r.x1, safe.x1)
    y0, y1 = r.y, r.y1
    if y1 > safe.y1:  # under the safe zone: up, no higher than the frames above it
        above = max((f.y1 for f in frames if f.y1 <= r.y + 1e-6), default=safe.y)
        y0, y1 = max(min(y0, safe.y1 - r.h), above, safe.y), safe.y1
    elif y0 < safe.y:  # above it: down, no lower than the frames below it
        below = min((f.y for f in frames if f.y >= r.y1 - 1e-6), default=safe.y1)
        y0, y1 = safe.y, min(max(y1, safe.y + r.h), below, safe.y1)
    rect = Rect(x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))
    fits = rect.h / 2 / GLYPH_EM * 72 / 25.4  # the largest size whose glyphs stay in the box
    return rect, replace(box, size_pt=min(box.size_pt, math.floor(fits * 100) / 100))


def page_frames(layout: Layout, trim: Rect, bleed: float) -> list[Rect]:
    """A page layout's frames in page millimetres. Where frames were cut to keep their shape
    (keep_shape, each towards its neighbours), the pictures as a block move back to the
    centre of the room the layout drew them in: 3-up-landscape-top, drawn on a square, sank
    to 58 mm under the head and 36 mm over the foot on A4. Layouts with a bleed picture keep
    their framed ones against it."""
    rects = [frame_rect(f, trim, bleed, trim) for f in layout.frames]
    if not rects or any(f.bleed for f in layout.frames):
        return rects
    drawn = [_drawn(f, trim) for f in layout.frames]
    dx = _mid(drawn, "x") - _mid(rects, "x")
    dy = _mid(drawn, "y") - _mid(rects, "y")
    return [Rect(r.x + dx, r.y + dy, r.w, r.h) for r in rects]


def _mid(rects: list[Rect], axis: str) -> float:
    lo: float = min(getattr(r, axis) for r in rects)
    hi: float = max(getattr(r, axis + "1") for r in rects)
    return (lo + hi) / 2


def layout_frames(product: Product, layout: Layout, aspect: float | None = None) -> list[Rect]:
    """A page layout's frames in page millimetres on this product (turned to suit `aspect`
    for loose prints)."""
    w, h = page_size(product, aspect)
    return page_frames(layout, Rect(0, 0, w, h), product.bleed)


def best_ppi(product: Product, layout: Layout, width: int, height: int) -> float:
    """The highest ppi a width x height photo reaches in any frame of the layout (cropped to
    the frame's aspect); 0 for a layout without frames."""
    best = 0.0
    for r in layout_frames(product, layout, width / height):
        crop_w = min(width, height * r.aspect)
        best = max(best, crop_w / (r.w / 25.4))
    return best
