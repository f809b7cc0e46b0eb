"""What a preflight run carries through its steps."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from ..products.model import Product
from .report import FAIL_PPI, WARN_PPI, Report


@dataclass
class PreflightContext:
    path: Path
    product: Product | None
    report: Report
    pdf: pikepdf.Pdf
    warn_ppi: float = WARN_PPI
    fail_ppi: float = FAIL_PPI
    cover: dict[str, Any] | None = None  # a book's cover file: its spine and the pages it implies
