"""Page boxes: TrimBox and BleedBox on every page, nested inside the MediaBox; the trim size
against the product (either way round for products that turn), and the bleed around it."""

from __future__ import annotations

import pikepdf

from ...products.model import PT_PER_MM
from ..context import PreflightContext
from ..report import FAIL, WARN, PageReport

TOL_MM = 0.5  # size tolerance: rounding in points and in layout tools


def _box(page: pikepdf.Page, key: str) -> list[float] | None:
    v = page.obj.get(f"/{key}")
    if v is None:
        return None
    x0, y0, x1, y1 = (float(c) for c in v)
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def _size(b: list[float]) -> list[float]:
    return [round((b[2] - b[0]) / PT_PER_MM, 2), round((b[3] - b[1]) / PT_PER_MM, 2)]


def page_boxes(ctx: PreflightContext, number: int, page: pikepdf.Page) -> PageReport:
    r = ctx.report
    media = _box(page, "MediaBox") or [0, 0, 0, 0]
    trim = _box(page, "TrimBox")
    bleed_box = _box(page, "BleedBox")
    pr = PageReport(number, _size(media), _size(trim) if trim else None, None)
    if trim is None:
        r.add(FAIL, "no_trimbox", "pages without a TrimBox", number)
        return pr
    if bleed_box is None:
        r.add(FAIL, "no_bleedbox", "pages without a BleedBox", number)
        bleed_box = media
    inside = all(media[i] - 0.01 <= bleed_box[i] for i in (0, 1)) and all(
        bleed_box[i] <= media[i] + 0.01 for i in (2, 3)
    )
    if not inside:
        r.add(FAIL, "boxes", "the BleedBox is not inside the MediaBox", number)
    reach = [min(bleed_box[2], media[2]), min(bleed_box[3], media[3])]
    start = [max(bleed_box[0], media[0]), max(bleed_box[1], media[1])]
    sides = [trim[0] - start[0], trim[1] - start[1], reach[0] - trim[2], reach[1] - trim[3]]
    pr.bleed_mm = round(min(sides) / PT_PER_MM, 2)
    want = ctx.product.bleed if ctx.product else ctx.printer.bleed_mm if ctx.printer else 3.0
    if ctx.cover is not None:  # the cover sheet's own bleed (none beyond a case turn-in)
        want = ctx.cover["bleed"]
    if pr.bleed_mm < want - 0.05:
        level = FAIL if ctx.product or ctx.printer else WARN
        r.add(
            level, "bleed", f"bleed under {want:g} mm", number, f"page {number}: {pr.bleed_mm:g} mm"
        )
    return pr


def check_size(ctx: PreflightContext, pr: PageReport) -> None:
    p, r = ctx.product, ctx.report
    if p is None or pr.trim_mm is None:
        return
    w, h = pr.trim_mm
    if ctx.cover is not None:  # the cover's construction is checked as a whole (cover.py)
        return
    ok = abs(w - p.trim_w) <= TOL_MM and abs(h - p.trim_h) <= TOL_MM
    if p.rotatable:
        ok = ok or (abs(w - p.trim_h) <= TOL_MM and abs(h - p.trim_w) <= TOL_MM)
    if not ok:
        r.add(
            FAIL,
            "size",
            f"trim {w:g} x {h:g} mm, {p.id} is {p.trim_w:g} x {p.trim_h:g} mm",
            pr.number,
        )
