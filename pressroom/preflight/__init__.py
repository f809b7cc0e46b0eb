"""Preflight any PDF, ours or not: PDF/X identification, page boxes and bleed, effective ppi
of every placed image, embedded fonts, colour spaces against the output intent, and the page
count and sizes against a product.

    from pressroom.preflight import preflight
    report = preflight("book.pdf", product="photobook-21x21")
    report.ok, report.status, report.reasons()   # "fail" reasons: low_ppi, no_trimbox, ...

The PDF is only parsed (pikepdf/qpdf), never rendered or executed. The steps are in
pipeline.py; every finding code is a reason in reasons.toml's [preflight.*].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .report import FAIL, PASS, WARN, Finding, PageReport, Report

__all__ = ["FAIL", "PASS", "WARN", "Finding", "PageReport", "Report", "preflight"]


def preflight(path: str | Path, product: str | None = None, **options: Any) -> Report:
    # pikepdf loads on the first preflight, not on import
    from .pipeline import check_file

    return check_file(Path(path), product, **options)
