"""Which product a file is, when the caller named none but a printer: the one product whose
trim (either way round for loose prints) the first page has, or for a one-page book cover,
the book product whose cover geometry (as that printer builds it) has the page's size.
Without a printer a file is checked as a PDF/X file only, as before."""

from __future__ import annotations

from typing import Any

from ...products.model import PT_PER_MM, Product, products
from ..context import PreflightContext
from ..report import WARN

TOL_MM = 0.5  # size tolerance: rounding in points and in layout tools


def trim_mm(page: Any) -> tuple[float, float] | None:
    box = page.obj.get("/TrimBox") or page.obj.get("/MediaBox")
    if box is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in box)
    return abs(x1 - x0) / PT_PER_MM, abs(y1 - y0) / PT_PER_MM


def fits(p: Product, w: float, h: float) -> bool:
    ok = abs(w - p.trim_w) <= TOL_MM and abs(h - p.trim_h) <= TOL_MM
    return ok or (p.rotatable and abs(w - p.trim_h) <= TOL_MM and abs(h - p.trim_w) <= TOL_MM)


def cover_pages(p: Product, w: float, h: float) -> int | None:
    """The page count whose cover, as `p` is built, is w x h mm (None: none is)."""
    if abs(h - p.cover_size(p.pages_min)[1]) > TOL_MM:
        return None
    best: tuple[float, int] | None = None
    for pages in range(2, 2 * max(p.pages_max, 2) + 1, 2):
        try:
            cw = p.cover_size(pages)[0]
        except (ValueError, KeyError):
            continue  # outside a printer's spine table
        if abs(cw - w) <= TOL_MM and (best is None or abs(cw - w) < best[0]):
            best = (abs(cw - w), pages)
    return best[1] if best else None


def find_product(ctx: PreflightContext) -> None:
    if ctx.product is None and ctx.printer is not None and len(ctx.pdf.pages):
        size = trim_mm(ctx.pdf.pages[0])
        found: list[Product] = []
        for p in products().values():
            try:
                q = p.for_printer(ctx.printer)
            except KeyError:
                continue  # a binding this printer does not offer
            if size and (
                fits(q, *size) or (q.is_book and len(ctx.pdf.pages) == 1 and cover_pages(q, *size))
            ):
                found.append(q)
        if len(found) == 1:
            ctx.product = found[0]
            ctx.report.product, ctx.report.product_guessed = found[0].id, True
        else:
            said = f"{size[0]:.1f} x {size[1]:.1f} mm" if size else "no size"
            which = f" (it fits {', '.join(p.id for p in found)})" if found else ""
            ctx.report.add(
                WARN,
                "no_product",
                f"trim {said} is no single product's{which}: name one with --product "
                "to check sizes, pages and cover",
            )
    ctx.set_ppi_limits()
