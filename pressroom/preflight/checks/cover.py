"""Tell a book's cover file: one page as wide as back + front (and a spine) of a book product.
The spine width then gives away the page count the cover was made for."""

from __future__ import annotations

from ..context import PreflightContext


def find_cover(ctx: PreflightContext) -> None:
    p, pdf = ctx.product, ctx.pdf
    if p is None or not p.is_book or len(pdf.pages) != 1:
        return
    trim = pdf.pages[0].obj.get("/TrimBox") or pdf.pages[0].obj.MediaBox
    width_mm = abs(float(trim[2]) - float(trim[0])) * 25.4 / 72
    if width_mm < 1.5 * p.trim_w:
        return
    spine = width_mm - 2 * p.trim_w
    pages = round((spine - p.spine_extra) * 2 / p.caliper) if p.caliper else 0
    ctx.cover = {"spine_mm": round(spine, 2), "pages": pages}
