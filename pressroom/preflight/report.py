"""What preflight reports: findings (a level and a code from reasons.toml's [preflight.*]),
and per page the boxes, images, fonts and colour spaces it found.

One finding per cause: the same level, code and message found on many pages is one Finding
listing its pages (and, where the cause has specifics per page, its details)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pressroom.reasons import reason

PASS, WARN, FAIL = "pass", "warn", "fail"
WARN_PPI, FAIL_PPI = 300.0, 150.0  # printsafari's thresholds; a product may set its own
MAX_DETAILS = 20  # per finding: enough to find them, not a page of text


@dataclass
class Finding:
    level: str  # warn | fail
    code: str  # stable: low_ppi, no_trimbox, font_not_embedded, ... (reasons.toml)
    message: str
    page: int | None = None  # 1-based: the first page it concerns (None: the document)
    pages: list[int] = field(default_factory=list)  # every page it concerns, ascending
    details: list[str] = field(default_factory=list)  # specifics, e.g. "page 3: Im1 171 ppi"
    count: int = 0  # how many times the cause was found (details stop at MAX_DETAILS)


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
    printer: str | None = None
    strict: bool = False  # warnings fail too (the printer takes the file without questions)
    product_guessed: bool = False  # no product named: the one whose sizes the file has
    pdfx: str | None = None
    pdf_version: str | None = None
    output_intent: str | None = None  # RGB | CMYK | Gray
    pages: list[PageReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._causes: dict[tuple[str, str, str], Finding] = {}  # not a field: not in to_dict

    @property
    def status(self) -> str:
        levels = {f.level for f in self.findings}
        return FAIL if FAIL in levels else WARN if WARN in levels else PASS

    @property
    def ok(self) -> bool:
        return self.status == PASS if self.strict else self.status != FAIL

    def add(
        self,
        level: str,
        code: str,
        message: str,
        page: int | None = None,
        detail: str | None = None,
        cause: str | None = None,
    ) -> Finding:
        """Add a finding, or a page (and detail) to the finding of the same cause: level,
        code and `cause` (default: the message; a check that rewrites its message as pages
        add up names the cause instead)."""
        # Every code is a registered reason: the console and API explain it from there.
        assert reason("preflight", code) is not None, f"unregistered preflight code {code}"
        k = (level, code, message if cause is None else cause)
        f = self._causes.get(k)
        if f is None:
            f = self._causes[k] = Finding(level, code, message)
            self.findings.append(f)
        f.count += 1
        if page is not None and page not in f.pages:
            f.pages = sorted([*f.pages, page])
            f.page = f.pages[0]
        if detail and detail not in f.details and len(f.details) < MAX_DETAILS:
            f.details.append(detail)
        return f

    def reasons(self, level: str = FAIL) -> list[str]:
        return [f.code for f in self.findings if f.level == level]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"], d["ok"] = self.status, self.ok
        return d
