"""What the book page shows: the pages as spreads, each placed photo's effective ppi, and the
preflight findings beside the page they concern."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..catalogue.books import StoredBook
from .words import dropped, preflight_finding

_PPI = re.compile(r"(?:at|lowest) (\d+(?:\.\d+)?) ppi")  # preflight: "at 182 ppi", "lowest 182 ppi"


@dataclass
class PlacementView:
    photo_id: str
    x: float  # where the pixels land on the page (mm, trim origin)
    y: float
    w: float
    h: float
    ppi: float
    level: str  # ok | low (under target) | bad (under minimum)
    flags: list[str]


@dataclass
class FindingView:
    level: str  # warn | fail
    code: str
    words: str
    message: str
    file: str  # interior | cover


@dataclass
class PageView:
    key: str  # cover | page-001 ...: the preview's name
    number: int  # 0 = cover
    label: str
    layout: str
    width: float  # trim, mm
    height: float
    bleed: float
    side: str | None
    preview: bool
    placements: list[PlacementView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    spine: tuple[float, float] | None = None  # cover: spine's left and right edge (mm)

    @property
    def viewbox(self) -> str:
        b = self.bleed
        return f"{-b:g} {-b:g} {self.width + 2 * b:g} {self.height + 2 * b:g}"

    @property
    def grouped(self) -> list[tuple[FindingView, int]]:
        """Findings that say the same thing once, with how often."""
        seen: dict[tuple[str, str], list[Any]] = {}
        for f in self.findings:
            seen.setdefault((f.level, f.words), [f, 0])[1] += 1
        return [(f, n) for f, n in seen.values()]

    @property
    def level(self) -> str:
        levels = {f.level for f in self.findings}
        return "fail" if "fail" in levels else "warn" if "warn" in levels else ""


@dataclass
class BookView:
    id: str
    summary: dict[str, Any]
    title: str
    product: str
    target_ppi: float
    min_ppi: float
    spine_mm: float | None
    status: str | None  # pass | warn | fail (worst of the files), None without preflight
    spreads: list[list[PageView | None]]  # None: the empty side of a spread
    pages: list[PageView]
    general: list[FindingView]  # findings about a whole file, not one page
    dropped: list[dict[str, Any]]
    warnings: list[str]
    score: float | None  # auto-design's layout score (0-100); None for a customer's design
    score_terms: list[tuple[str, str]]  # what it measured, in words
    files: dict[str, str]
    report_status: dict[str, str]  # file -> pass | warn | fail


def book_view(stored: StoredBook) -> BookView:
    layout = stored.layout
    ppi = layout.get("ppi") or {}
    target, minimum = float(ppi.get("target", 300)), float(ppi.get("min", 150))
    previews = set(stored.summary.get("previews") or [])
    pages: list[PageView] = []
    if layout.get("cover"):
        cover = _page(layout["cover"], "cover", "Cover", previews, target, minimum)
        spine = layout.get("spine_mm")
        if spine:
            mid = cover.width / 2
            cover.spine = (mid - float(spine) / 2, mid + float(spine) / 2)
        pages.append(cover)
    for p in layout.get("pages", []):
        n = int(p["number"])
        pages.append(_page(p, f"page-{n:03d}", f"Page {n}", previews, target, minimum))

    general: list[FindingView] = []
    by_key = {pg.key: pg for pg in pages}
    interior = [pg for pg in pages if pg.number > 0]
    statuses: dict[str, str] = {}
    for file, report in (stored.preflight or {}).items():
        statuses[file] = str(report.get("status") or "")
        for f in report.get("findings") or []:
            view = _finding(f, file, target)
            page = f.get("page")
            target_page = None
            if page is not None:
                if file == "cover":
                    target_page = by_key.get("cover")
                elif 1 <= int(page) <= len(interior):
                    target_page = interior[int(page) - 1]
            (target_page.findings if target_page else general).append(view)

    levels = set(statuses.values())
    status = "fail" if "fail" in levels else "warn" if "warn" in levels else \
        "pass" if levels else None
    return BookView(
        id=stored.id,
        summary=stored.summary,
        title=str(layout.get("title") or ""),
        product=str(layout.get("product") or ""),
        target_ppi=target,
        min_ppi=minimum,
        spine_mm=layout.get("spine_mm"),
        status=status,
        spreads=spreads(pages),
        pages=pages,
        general=general,
        dropped=[
            {"photo_id": str(d.get("photo_id", "")), "words": dropped(str(d.get("reason")))}
            for d in layout.get("dropped") or []
        ],
        warnings=[str(w) for w in layout.get("warnings") or []],
        score=(layout.get("score") or {}).get("total"),
        score_terms=_score_terms((layout.get("score") or {}).get("terms") or {}),
        files={k: str(v) for k, v in (stored.summary.get("files") or {}).items() if v},
        report_status=statuses,
    )


def _score_terms(t: dict[str, Any]) -> list[tuple[str, str]]:
    """The layout score's measures as the console words them (products/designer/score.py)."""
    if not t:
        return []
    rows = [
        ("Page covered", f"{100 * float(t.get('coverage') or 0):.0f}% on average"),
        ("Photo cropped away", f"{100 * float(t.get('crop_loss') or 0):.0f}% on average"),
        ("Faces cut or without headroom",
         f"{int(t.get('faces_cut') or 0) + int(t.get('faces_without_headroom') or 0)}"
         f" of {int(t.get('faces') or 0)}"),
        ("Lowest resolution", f"{t['ppi_min']:.0f} ppi" if t.get("ppi_min") else "-"),
        ("Blank pages", str(int(t.get("blank_pages") or 0))),
        ("Photos out of capture order", str(int(t.get("out_of_order") or 0))),
        ("Distinct layouts", str(int(t.get("distinct_layouts") or 0))),
    ]  # fmt: skip
    return rows


def first_photo(layout: dict[str, Any]) -> str | None:
    """The photo a book's list entry shows when it has no cover preview."""
    pages = ([layout["cover"]] if layout.get("cover") else []) + list(layout.get("pages") or [])
    for pg in pages:
        for pl in pg.get("placements") or []:
            if pl.get("photo_id"):
                return str(pl["photo_id"])
    return None


def spreads(pages: list[PageView]) -> list[list[PageView | None]]:
    """How the book opens: the cover alone, then left + right pages. Page 1 is a right-hand
    page (the left of its spread is the inside of the cover); pages without a side (prints,
    ornaments) are shown one by one."""
    out: list[list[PageView | None]] = []
    current: list[PageView | None] = []
    for pg in pages:
        if pg.number == 0 or pg.side is None:
            if current:
                out.append(current)
                current = []
            out.append([pg])
        elif pg.side == "left":
            if current:
                out.append(current)
            current = [pg]
        else:  # right: closes the spread
            out.append(current + [pg] if current else [None, pg])
            current = []
    if current:
        out.append(current + [None])
    return out


def _page(
    p: dict[str, Any], key: str, label: str, previews: set[str], target: float, minimum: float
) -> PageView:
    w, h = (float(v) for v in p["size"])
    view = PageView(key, int(p["number"]), label, str(p.get("layout", "")), w, h,
                    float(p.get("bleed", 0)), p.get("side"), key in previews)
    for pl in p.get("placements") or []:
        x, y, iw, ih = (float(v) for v in pl["image"])
        ppi = float(pl.get("ppi", 0))
        level = "bad" if ppi < minimum - 0.5 else "low" if ppi < target - 0.5 else "ok"
        view.placements.append(
            PlacementView(str(pl["photo_id"]), x, y, iw, ih, ppi, level, list(pl.get("flags", [])))
        )
    return view


def _finding(f: dict[str, Any], file: str, target: float) -> FindingView:
    code = str(f.get("code", ""))
    message = str(f.get("message", ""))
    said = preflight_finding(code)
    m = _PPI.search(message) if code == "low_ppi" else None
    if m:
        said = (f"A photo prints at {float(m.group(1)):.0f} ppi (target {target:.0f}): "
                "it may look soft up close.")
    return FindingView(str(f.get("level", "warn")), code, said or message, message, file)
