"""Blank pages of a book: pages that draw nothing but white (no image, no visible text, no
coloured fill, stroke or shading). A few are endpapers and openers; a book that is mostly
blank is a mistake. Thresholds, of the interior pages: over 10 % warns, over 25 % fails."""

from __future__ import annotations

from ..context import PreflightContext
from ..report import FAIL, WARN

WARN_SHARE, FAIL_SHARE = 0.10, 0.25


def blank_pages(ctx: PreflightContext) -> None:
    n = len(ctx.pdf.pages)
    if n < 2 or ctx.cover is not None or (ctx.product is not None and not ctx.product.is_book):
        return
    blank = [i for i, s in sorted(ctx.scans.items()) if s.marks == 0]
    share = len(blank) / n
    level = FAIL if share > FAIL_SHARE else WARN if share > WARN_SHARE else None
    if level:
        limit = FAIL_SHARE if level == FAIL else WARN_SHARE
        f = ctx.report.add(
            level, "blank_pages", f"{len(blank)} of {n} pages are blank ({share:.0%} > {limit:.0%})"
        )
        f.pages, f.page = blank, blank[0]
