"""Preflight as a named tuple of steps over a PreflightContext, run by the one runner
(pressroom.steps):

    identify -> find_cover -> check_pages (boxes, size, then images, fonts, colour and
    transparency on each page) -> page_count

Opening the file is not a step: a PDF that cannot be opened is the whole report
(`encrypted` or `unreadable`), and the open file is closed whatever the steps do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pikepdf

from pressroom.steps import Hook, Step, run

from ..products.model import get_product
from .checks.cover import find_cover
from .checks.identify import identify
from .checks.page_count import page_count
from .checks.pages import check_pages
from .context import PreflightContext
from .report import FAIL, FAIL_PPI, WARN_PPI, Report

PREFLIGHT: tuple[Step[PreflightContext], ...] = (identify, find_cover, check_pages, page_count)


def check_file(
    path: Path, product_id: str | None = None, hooks: Sequence[Hook] = (), **options: Any
) -> Report:
    """Preflight one PDF (against a product when given); options: warn_ppi, fail_ppi."""
    product = get_product(product_id) if product_id else None
    report = Report(str(path), product=product_id)
    warn_ppi, fail_ppi = (product.target_ppi, product.min_ppi) if product else (WARN_PPI, FAIL_PPI)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        report.add(FAIL, "encrypted", "the PDF needs a password")
        return report
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        report.add(FAIL, "unreadable", f"not a readable PDF: {str(exc)[:200]}")
        return report
    with pdf:
        ctx = PreflightContext(
            path,
            product,
            report,
            pdf,
            warn_ppi=float(options.get("warn_ppi", warn_ppi)),
            fail_ppi=float(options.get("fail_ppi", fail_ppi)),
        )
        run(PREFLIGHT, ctx, hooks)
    return report
