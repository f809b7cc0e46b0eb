"""Preflight as a named tuple of steps over a PreflightContext, run by the one runner
(pressroom.steps):

    identify -> document (JavaScript, annotations, dates) -> find_product -> find_cover ->
    check_pages (boxes, size, then images, fonts, colour, transparency, ink, hairlines, safe
    zone and die line on each page) -> page_count -> blank_pages

Opening the file is not a step: a PDF that cannot be opened is the whole report
(`encrypted` or `unreadable`), and the open file is closed whatever the steps do.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pikepdf

from pressroom.steps import Hook, Step, run

from ..printers.model import Printer, get_printer
from ..products.model import get_product
from .checks.blank import blank_pages
from .checks.cover import find_cover
from .checks.document import document
from .checks.identify import identify
from .checks.page_count import page_count
from .checks.pages import check_pages
from .checks.product import find_product
from .context import PreflightContext
from .report import FAIL, Report

PREFLIGHT: tuple[Step[PreflightContext], ...] = (
    identify,
    document,
    find_product,
    find_cover,
    check_pages,
    page_count,
    blank_pages,
)


def check_file(
    path: Path,
    product_id: str | None = None,
    hooks: Sequence[Hook] = (),
    *,
    printer: Printer | str | None = None,
    strict: bool = False,
    **options: Any,
) -> Report:
    """Preflight one PDF against a product (named, or found from the file's sizes) and a
    printer (its bleed, safe zone, PDF/X flavour, output intent, ink limit, cover
    construction). strict: warnings fail too. options: warn_ppi, fail_ppi."""
    if isinstance(printer, str):
        printer = get_printer(printer)
    product = get_product(product_id).for_printer(printer) if product_id else None
    report = Report(
        str(path), product=product_id, printer=printer.id if printer else None, strict=strict
    )
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        report.add(FAIL, "encrypted", "the PDF needs a password")
        return report
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        report.add(FAIL, "unreadable", f"not a readable PDF: {str(exc)[:200]}")
        return report
    with pdf:
        ctx = PreflightContext(path, product, report, pdf, printer=printer, options=options)
        run(PREFLIGHT, ctx, hooks)
    return report
