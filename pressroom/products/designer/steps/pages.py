"""Turn page plans into pages of the layout model: frames placed, photos cropped, captions."""

from __future__ import annotations

from ...book import Book, Page, Text
from ...model import Rect, layouts
from ..context import DesignContext, PagePlan
from ..crop import place
from ..geometry import frame_rect, page_size, safe_zone, side


def _caption(plan: PagePlan) -> str | None:
    t = plan.photos[0].time
    return f"{t.day} {t:%B %Y}" if plan.first_of_event and t else None


def build_page(ctx: DesignContext, plan: PagePlan, number: int) -> Page:
    prod = ctx.product
    lay = layouts()[plan.layout or ""]
    w, h = page_size(prod, plan.photos[0].aspect)
    trim = Rect(0, 0, w, h)
    safe = safe_zone(prod, w, h, number)
    placements = [
        place(plan.photos[pi], frame_rect(frame, trim, prod.bleed, trim), safe, prod)
        for frame, pi in zip(lay.frames, plan.assignment, strict=True)
    ]
    texts = []
    for box in lay.texts:
        text = _caption(plan) if box.role == "caption" else None
        if text:
            r = frame_rect_text(box.rect, trim)
            texts.append(Text(r, text, box.size_pt, box.align, box.rotate, box.colour, box.box))
    return Page(number, w, h, prod.bleed, lay.id, placements, texts, safe, side(prod, number))


def frame_rect_text(r: Rect, area: Rect) -> Rect:
    return Rect(area.x + r.x * area.w, area.y + r.y * area.h, r.w * area.w, r.h * area.h)


def pages(ctx: DesignContext) -> None:
    prod = ctx.product
    out = [build_page(ctx, plan, i) for i, plan in enumerate(ctx.plans, start=1)]
    for _ in range(ctx.blank_pages):
        n = len(out) + 1
        w, h = page_size(prod)
        out.append(
            Page(n, w, h, prod.bleed, "blank", [], [], safe_zone(prod, w, h, n), side(prod, n))
        )
    ctx.book = Book(
        product=prod.id,
        title=ctx.title,
        pages=out,
        target_ppi=prod.target_ppi,
        min_ppi=prod.min_ppi,
        dropped=ctx.dropped,
        warnings=ctx.warnings,
    )
