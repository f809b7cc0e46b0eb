"""A book's cover file: one page as wide as back + spine + front of a book product. Its size
must be the cover as the printer builds it for this binding (a case-bound hardcover: boards
with overhang, hinge gaps, spine board and the turn-in all round; a softcover: the wrap),
for some page count: that count is the one the spine implies. A paperback wrap sent for a
hardcover cannot be cased, whatever its spine."""

from __future__ import annotations

from ..context import PreflightContext
from ..report import FAIL
from .product import TOL_MM, cover_pages, trim_mm


def find_cover(ctx: PreflightContext) -> None:
    p, pdf = ctx.product, ctx.pdf
    if p is None or not p.is_book or len(pdf.pages) != 1:
        return
    size = trim_mm(pdf.pages[0])
    if size is None or size[0] < 1.5 * p.trim_w:
        return
    w, h = size
    g0 = p.cover_geometry(p.pages_min)
    pages = cover_pages(p, w, h)
    ctx.cover = {"construction": g0.construction, "bleed": g0.trim.x, "pages": pages}
    if pages is None:
        wrap = 2 * p.trim_w
        paperback = abs(h - p.trim_h) <= TOL_MM and w > wrap
        if g0.construction == "case-bound" and paperback:
            why = (
                f"a paperback wrap (back + spine + front, {w:.1f} x {h:.1f} mm) for a "
                f"case-bound {p.binding}: no turn-in or board overhang to wrap the boards"
            )
        else:
            why = f"cover trim {w:.1f} x {h:.1f} mm fits no page count"
        need = (
            f"{p.id}{' for ' + p.printer if p.printer else ''} is {g0.construction}: "
            f"{g0.trim.h:.2f} mm high, {g0.trim.w:.2f} mm wide at {p.pages_min} pages "
            f"(turn-in {g0.turn_in_mm:g} mm, hinge {g0.hinge_mm:g} mm)"
        )
        ctx.report.add(FAIL, "cover_construction", f"{why}; {need}")
        return
    g = p.cover_geometry(pages)
    panels = p.cover_panels(pages)
    ctx.cover.update(
        spine_mm=round(g.spine_mm, 2),
        safe=[r for r in panels.safe.values()],
    )
