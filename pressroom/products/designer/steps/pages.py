"""Turn page plans into pages of the layout model: frames placed, photos cropped, captions,
chapter openers, spreads (one photo across a left page and the right page facing it, drawn as
one placement per page, each carrying its half of the crop) and blank pages."""

from __future__ import annotations

from pressroom.photos import PhotoFacts

from ...book import Book, Page, Placement, Text
from ...layout import TextBox, layouts
from ...model import Product, Rect
from ..context import DesignContext, PagePlan
from ..crop import place
from ..geometry import page_frames, page_size, safe_zone, side, spread_zones, text_box
from .group import dates


def caption_text(ctx: DesignContext, plan: PagePlan) -> str:
    if not plan.first_of_event or not (0 <= plan.event < len(ctx.chapters)):
        return ""
    ch = ctx.chapters[plan.event]
    return " \u00b7 ".join(s for s in (ch.title, ch.place) if s)


def _book_dates(ctx: DesignContext) -> str:
    """The title page's second line: the book's dates, unless its title already says them."""
    years = {p.time.year for p in ctx.photos if p.time}
    return "" if any(str(y) in ctx.title for y in years) else dates(ctx.photos)


def _text(box: TextBox, text: str, trim: Rect, safe: Rect, frames: list[Rect]) -> Text:
    rect, box = text_box(box, trim, safe, frames)  # inside the (printer's) safe zone
    return Text(rect, text, box.size_pt, box.align, box.rotate, box.colour, box.box)


def build_page(ctx: DesignContext, plan: PagePlan, number: int) -> Page:
    prod = ctx.product
    lay = layouts()[plan.layout or ""]
    w, h = page_size(prod, plan.photos[0].aspect if plan.photos else None)
    trim = Rect(0, 0, w, h)
    safe = safe_zone(prod, w, h, number)
    frames = page_frames(lay, trim, prod.bleed)
    placements = [
        place(plan.photos[pi], r, safe, prod) for r, pi in zip(frames, plan.assignment, strict=True)
    ]
    texts = []
    if plan.kind in ("text", "title"):
        ch = ctx.chapters[plan.event] if 0 <= plan.event < len(ctx.chapters) else None
        words = {
            "chapter": (ch.title or ch.place) if ch else ctx.title,
            "caption": (ch.place if ch.title else "") if ch else _book_dates(ctx),
        }
        texts = [
            _text(b, words.get(b.role, ""), trim, safe, frames)
            for b in lay.texts
            if words.get(b.role)
        ]
    else:
        cap = caption_text(ctx, plan)
        texts = [
            _text(b, cap, trim, safe, frames) for b in lay.texts if b.role == "caption" and cap
        ]
    return Page(number, w, h, prod.bleed, lay.id, placements, texts, safe, side(prod, number))


def _half(pl: Placement, x0: float, x1: float, offset: float) -> Placement:
    """The part of a spread placement between x0 and x1 (spread mm), moved by -offset."""
    img = pl.image
    k = pl.crop.w / img.w  # pixels per mm
    left, right = max(x0, img.x), min(x1, img.x1)
    crop = Rect(pl.crop.x + (left - img.x) * k, pl.crop.y, (right - left) * k, pl.crop.h)
    image = Rect(left - offset, img.y, right - left, img.h)
    frame = pl.frame.intersect(Rect(x0, pl.frame.y, x1 - x0, pl.frame.h))
    faces = [Rect(f.x - offset, f.y, f.w, f.h) for f in pl.faces if f.x >= left and f.x1 <= right]
    return Placement(
        pl.photo_id,
        pl.master,
        pl.src_w,
        pl.src_h,
        Rect(frame.x - offset, frame.y, frame.w, frame.h),
        image,
        crop,
        pl.ppi,
        faces,
        list(pl.flags),
    )


def spread_placement(prod: Product, photo: PhotoFacts) -> Placement:
    """A photo across a left page and the right page facing it, in spread mm (the left
    page's trim at x 0): faces kept clear of the gutter zone on whichever side of the fold
    they fit."""
    frame, sides = spread_zones(prod)
    pl = None
    for safe in sides:
        pl = place(photo, frame, safe, prod)
        if all(safe.contains(f, 1e-6) for f in pl.faces) and "fitted" not in pl.flags:
            break
    assert pl is not None
    return pl


def spread_half(prod: Product, pl: Placement, right: bool) -> Placement:
    """The left or right page's part of a spread placement, in that page's mm."""
    w, b = page_size(prod)[0], prod.bleed
    x0 = w - b if right else -b
    return _half(pl, x0, x0 + w + 2 * b, w if right else 0)


def build_spread(ctx: DesignContext, plan: PagePlan, number: int) -> tuple[Page, Page]:
    """A photo across pages `number` (left) and `number + 1` (right)."""
    prod = ctx.product
    w, h = page_size(prod)
    pl = spread_placement(prod, plan.photos[0])
    lay = plan.layout or "spread-panorama"
    pages = []
    for i in range(2):
        n = number + i
        half = spread_half(prod, pl, right=i == 1)
        pages.append(
            Page(n, w, h, prod.bleed, lay, [half], [], safe_zone(prod, w, h, n), side(prod, n))
        )
    return pages[0], pages[1]


def pages(ctx: DesignContext) -> None:
    prod = ctx.product
    out: list[Page] = []
    plans = ctx.plans
    i = 0
    while i < len(plans):
        plan, n = plans[i], len(out) + 1
        if plan.kind == "spread":
            out.extend(build_spread(ctx, plan, n))
            i += 2
            continue
        if plan.kind == "blank":
            w, h = page_size(prod)
            out.append(
                Page(n, w, h, prod.bleed, "blank", [], [], safe_zone(prod, w, h, n), side(prod, n))
            )
        else:
            out.append(build_page(ctx, plan, n))
        i += 1
    ctx.book = Book(
        product=prod.id,
        title=ctx.title,
        pages=out,
        target_ppi=prod.target_ppi,
        min_ppi=prod.min_ppi,
        dropped=ctx.dropped,
        warnings=ctx.warnings,
    )
