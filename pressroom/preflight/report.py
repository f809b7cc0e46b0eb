"""What preflight reports: findings (a level and a code from reasons.toml's [preflight.*]),
and per page the boxes, images, fonts and colour spaces it found."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pressroom.reasons import reason

PASS, WARN, FAIL = "pass", "warn", "fail"
WARN_PPI, FAIL_PPI = 300.0, 150.0  # printsafari's thresholds; a product may set its own


@dataclass
class Finding:
    level: str  # warn | fail
    code: str  # stable: low_ppi, no_trimbox, font_not_embedded, ... (reasons.toml)
    message: str
    page: int | None = None  # 1-based


@dataclass
class PageReport:
    number: int
    media_mm: list[float]  # width, height
    trim_mm: list[float] | None
    bleed_mm: float | None  # smallest bleed on any side
    images: list[dict[str, Any]] = field(default_factory=list)
    fonts: list[dict[str, Any]] = field(default_factory=list)
    colour_spaces: list[str] = field(default_factory=list)


@dataclass
class Report:
    file: str
    product: str | None = None
    pdfx: str | None = None
    output_intent: str | None = None  # RGB | CMYK | Gray
    pages: list[PageReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        levels = {f.level for f in self.findings}
        return FAIL if FAIL in levels else WARN if WARN in levels else PASS

    @property
    def ok(self) -> bool:
        return self.status != FAIL

    def add(self, level: str, code: str, message: str, page: int | None = None) -> None:
        # Every code is a registered reason: the console and API explain it from there.
        assert reason("preflight", code) is not None, f"unregistered preflight code {code}"
        self.findings.append(Finding(level, code, message, page))

    def reasons(self, level: str = FAIL) -> list[str]:
        return [f.code for f in self.findings if f.level == level]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"], d["ok"] = self.status, self.ok
        return d
