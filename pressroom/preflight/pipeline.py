"""Preflight as a list of small checks: open -> identify -> per page (boxes, size, images,
fonts, colour) -> page count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf

from ..products.model import get_product
from .checks.boxes import check_size, page_boxes
from .checks.colour import page_colour, page_transparency
from .checks.fonts import page_fonts
from .checks.identify import identify
from .checks.images import page_images
from .job import FAIL, PreflightJob, Report
from .scan import scan_page

PAGE_CHECKS = (page_images, page_fonts, page_colour, page_transparency)


def run(path: Path, product_id: str | None = None, **options: Any) -> Report:
    product = get_product(product_id) if product_id else None
    report = Report(str(path), product=product_id)
    job = PreflightJob(path, product, report)
    if product is not None:
        job.warn_ppi, job.fail_ppi = product.target_ppi, product.min_ppi
    job.warn_ppi = float(options.get("warn_ppi", job.warn_ppi))
    job.fail_ppi = float(options.get("fail_ppi", job.fail_ppi))
    try:
        job.pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        report.add(FAIL, "encrypted", "the PDF needs a password")
        return report
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        report.add(FAIL, "unreadable", f"not a readable PDF: {str(exc)[:200]}")
        return report
    with job.pdf:
        identify(job)
        cover = _cover(job)
        for i, page in enumerate(job.pdf.pages, start=1):
            pr = page_boxes(job, i, page)
            check_size(job, pr, cover)
            try:
                scan = scan_page(page)
            except (pikepdf.PdfError, ValueError, KeyError, AttributeError, TypeError) as exc:
                report.add(FAIL, "content", f"page content cannot be parsed: {exc}"[:200], i)
            else:
                for check in PAGE_CHECKS:
                    check(job, pr, scan)
            report.pages.append(pr)
        _page_count(job, cover)
    return report


def _cover(job: PreflightJob) -> dict[str, Any] | None:
    """A one-page file of a book product as wide as back + front is its cover."""
    p, pdf = job.product, job.pdf
    assert pdf is not None
    if p is None or not p.is_book or len(pdf.pages) != 1:
        return None
    trim = pdf.pages[0].obj.get("/TrimBox") or pdf.pages[0].obj.MediaBox
    width_mm = abs(float(trim[2]) - float(trim[0])) * 25.4 / 72
    if width_mm < 1.5 * p.trim_w:
        return None
    spine = width_mm - 2 * p.trim_w
    pages = round((spine - p.spine_extra) * 2 / p.caliper) if p.caliper else 0
    return {"spine_mm": round(spine, 2), "pages": pages}


def _page_count(job: PreflightJob, cover: dict[str, Any] | None) -> None:
    p, r = job.product, job.report
    if p is None:
        return
    n = len(r.pages)
    if cover is not None:
        # The spine gives away the page count the cover was made for.
        for why in p.pages_ok(max(cover["pages"], 0)):
            r.add(FAIL, "spine", f"cover spine {cover['spine_mm']} mm implies {why}")
        return
    for why in p.pages_ok(n):
        r.add(FAIL, "page_count", why)
