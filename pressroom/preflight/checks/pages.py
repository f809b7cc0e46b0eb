"""Every page in turn: its boxes and size, then the checks on what it draws (images, fonts,
colour, transparency, ink, hairlines, safe zone, die line) over one walk of its content. A
page whose content cannot be parsed fails as `content` and the run goes on to the next page."""

from __future__ import annotations

from collections.abc import Callable

import pikepdf

from ..context import PreflightContext
from ..report import FAIL, PageReport
from ..scan import PageScan, scan_page
from .boxes import check_size, page_boxes
from .colour import page_colour, page_transparency
from .fonts import page_fonts
from .images import page_images
from .ink import page_ink
from .marks import page_die_line, page_hairlines, page_safe_zone

PageCheck = Callable[[PreflightContext, PageReport, PageScan], None]

PAGE_CHECKS: tuple[PageCheck, ...] = (
    page_images,
    page_fonts,
    page_colour,
    page_transparency,
    page_ink,
    page_hairlines,
    page_safe_zone,
    page_die_line,
)

# What a malformed content stream raises from pikepdf's parser or our walk of it.
_UNPARSABLE = (pikepdf.PdfError, ValueError, KeyError, AttributeError, TypeError)


def check_pages(ctx: PreflightContext) -> None:
    report = ctx.report
    for i, page in enumerate(ctx.pdf.pages, start=1):
        pr = page_boxes(ctx, i, page)
        check_size(ctx, pr)
        try:
            scan = scan_page(page)
        except _UNPARSABLE as exc:
            report.add(
                FAIL, "content", "page content cannot be parsed", i, f"page {i}: {exc}"[:200]
            )
        else:
            ctx.scans[i] = scan
            for check in PAGE_CHECKS:
                check(ctx, pr, scan)
        report.pages.append(pr)
