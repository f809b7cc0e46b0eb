"""Preflight any PDF, ours or not: PDF/X identification, page boxes and bleed, effective ppi
of every placed image, embedded fonts, colour spaces against the output intent, and the page
count and sizes against a product.

    from pressroom.preflight import preflight
    report = preflight("book.pdf", product="photobook-21x21")
    report.ok, report.status, report.reasons()   # "fail" reasons: low_ppi, no_trimbox, ...

The PDF is only parsed (pikepdf/qpdf), never rendered or executed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .job import FAIL, PASS, WARN, Finding, PageReport, Report

__all__ = ["FAIL", "PASS", "WARN", "Finding", "PageReport", "Report", "preflight"]


def preflight(path: str | Path, product: str | None = None, **options: Any) -> Report:
    from .pipeline import run

    return run(Path(path), product, **options)
