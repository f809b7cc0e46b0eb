"""What a preflight run carries through its steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from ..printers.model import Printer
from ..products.model import Product
from .report import FAIL_PPI, WARN_PPI, Report
from .scan import PageScan


@dataclass
class PreflightContext:
    path: Path
    product: Product | None  # as the printer makes it, when one is named (for_printer)
    report: Report
    pdf: pikepdf.Pdf
    warn_ppi: float = WARN_PPI
    fail_ppi: float = FAIL_PPI
    printer: Printer | None = None
    # a book's cover file: its construction, spine, the pages it implies, safe panels
    cover: dict[str, Any] | None = None
    xmp: bytes = b""
    scans: dict[int, PageScan] = field(default_factory=dict)  # page number -> its walk
    options: dict[str, Any] = field(default_factory=dict)  # warn_ppi, fail_ppi overrides

    def set_ppi_limits(self) -> None:
        """The product's target and minimum ppi (named or found), unless the caller set them."""
        p = self.product
        warn, fail = (p.target_ppi, p.min_ppi) if p else (WARN_PPI, FAIL_PPI)
        self.warn_ppi = float(self.options.get("warn_ppi", warn))
        self.fail_ppi = float(self.options.get("fail_ppi", fail))
