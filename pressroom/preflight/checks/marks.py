"""What is drawn where: hairlines thinner than 0.1 pt (die lines on their spot separation
excepted: they are cut, not printed), text outside the safe zone (inside the trim by the
printer's safe distance, and on a book's pages by its gutter more at the binding edge; on a
cover, inside the safe part of the back, spine or front panel), and a shaped product's die
line (a stroked CutContour separation)."""

from __future__ import annotations

from ...products.model import PT_PER_MM
from ..context import PreflightContext
from ..report import FAIL, PageReport
from ..scan import PageScan

HAIRLINE_PT = 0.1
DIE = "Separation(CutContour)"
SAFE_TOL_MM = 0.5


def page_hairlines(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    thin = [w for w, space in scan.strokes if space != DIE and w < HAIRLINE_PT - 1e-6]
    if thin:
        ctx.report.add(
            FAIL,
            "hairline",
            f"lines thinner than {HAIRLINE_PT} pt",
            pr.number,
            f"page {pr.number}: {len(thin)} strokes, thinnest {min(thin):.3f} pt",
        )


def page_die_line(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    p = ctx.product
    if p is None or p.shape == "rect":
        return
    if not any(space == DIE for _, space in scan.strokes):
        ctx.report.add(
            FAIL,
            "no_die_line",
            f"{p.id} is cut along a {p.shape}: no stroked CutContour separation",
            pr.number,
        )


def gutter_mm(ctx: PreflightContext) -> float:
    """Book pages: what is kept clear beyond the safe distance at the binding edge, by the
    printer's rule for the product's binding (its `gutter_mm`), else by the product's own;
    0 for loose prints, ornaments and covers."""
    p = ctx.product
    if p is None or not p.is_book or ctx.cover is not None:
        return 0.0
    if ctx.printer is not None:
        return p.construction.gutter_mm if p.construction is not None else 0.0
    return p.gutter


def _safe_rects(ctx: PreflightContext, pr: PageReport) -> list[tuple[float, ...]] | None:
    """Safe areas in mm from the trim's top-left corner (y down). Book pages are bound on the
    left when odd (right-hand pages), on the right when even: the gutter is on that side."""
    if pr.trim_mm is None:
        return None
    if ctx.cover is not None and ctx.cover.get("safe"):
        return [(r.x, r.y, r.x1, r.y1) for r in ctx.cover["safe"]]
    s = ctx.printer.safe_mm if ctx.printer else ctx.product.safe if ctx.product else None
    if s is None:
        return None
    w, h = pr.trim_mm
    g = gutter_mm(ctx)
    left, right = (s + g, s) if pr.number % 2 else (s, s + g)
    return [(left, s, w - right, h - s)]


def page_safe_zone(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    rects = _safe_rects(ctx, pr)
    page = ctx.pdf.pages[pr.number - 1].obj
    trim = page.get("/TrimBox")
    if rects is None or trim is None or not scan.texts:
        return
    x0, top = min(float(trim[0]), float(trim[2])), max(float(trim[1]), float(trim[3]))
    out = []
    for t in scan.texts:
        pts = [((x - x0) / PT_PER_MM, (top - y) / PT_PER_MM) for x, y in t.corners]
        inside = any(
            all(
                r[0] - SAFE_TOL_MM <= px <= r[2] + SAFE_TOL_MM
                and r[1] - SAFE_TOL_MM <= py <= r[3] + SAFE_TOL_MM
                for px, py in pts
            )
            for r in rects
        )
        if not inside:
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            out.append(f"{min(xs):.1f},{min(ys):.1f}-{max(xs):.1f},{max(ys):.1f} mm")
    if out:
        g = gutter_mm(ctx)
        where = (
            "the cover's safe panels"
            if ctx.cover
            else f"the safe zone ({g:g} mm more at the binding)"
            if g
            else "the safe zone"
        )
        ctx.report.add(
            FAIL,
            "safe_zone",
            f"text outside {where}",
            pr.number,
            f"page {pr.number}: text at {', '.join(out[:3])}",
        )
