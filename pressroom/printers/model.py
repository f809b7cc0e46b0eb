"""Printer profiles, loaded from the JSON files under data/ beside this module.

A printer is what a print file is made *for*: bleed and safe zone, PDF/X flavour, the output
intent (a named, characterised print condition and its ICC profile under icc/), colour mode and
ink limit, how it builds covers for each binding, its spine rule and its page rules. Every number
in a printer's JSON names its source in that file's "provenance" (a cited public spec, or
"assumed: ..." with the reason).

Units: millimetres. Cover geometry is laid out on the flat cover sheet with its origin at the
top-left corner of the sheet *including* bleed (the MediaBox/BleedBox), x to the right, y down.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ICC_DIR = HERE / "icc"
MM_PER_IN = 25.4


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    title: str


@dataclass(frozen=True)
class OutputIntent:
    identifier: str  # OutputConditionIdentifier (the ICC registry name where one exists)
    registry: str  # RegistryName
    condition: str  # OutputCondition (human-readable)
    info: str  # Info
    icc: str  # file name under pressroom/printers/icc/

    @property
    def icc_path(self) -> Path:
        return ICC_DIR / self.icc

    def icc_bytes(self) -> bytes:
        return self.icc_path.read_bytes()


@dataclass(frozen=True)
class Colour:
    mode: str  # "cmyk": separate to the intent | "rgb": keep sRGB, the press converts
    intent: OutputIntent
    tac_percent: float  # total area coverage limit: max of C+M+Y+K in %
    max_black_percent: float
    black_point_compensation: bool
    rendering_intent: str  # relative | perceptual | saturation | absolute
    text_black_only: bool  # text and thin lines in K only (cmyk)


@dataclass(frozen=True)
class PageRule:
    min: int
    max: int
    multiple: int

    def check(self, pages: int) -> list[str]:
        """Why a page count breaks this rule (empty when it is fine)."""
        out = []
        if pages < self.min:
            out.append(f"{pages} pages < minimum {self.min}")
        if pages > self.max:
            out.append(f"{pages} pages > maximum {self.max}")
        if pages % self.multiple:
            out.append(f"{pages} pages is not a multiple of {self.multiple}")
        return out


@dataclass(frozen=True)
class SpineRule:
    """Spine width from the page count.

    caliper: leaves (pages / 2) x caliper of the paper + allowance (board/glue for case binding)
    ppi:     pages / pages_per_inch (in inches) + allowance
    table:   the printer's table of page ranges (first matching row; allowance not added)
    """

    kind: str
    caliper_mm: dict[str, float] = field(default_factory=dict)  # paper -> mm per leaf
    paper: str | None = None  # default paper
    pages_per_inch: float = 0.0
    allowance_mm: float = 0.0
    table: tuple[tuple[int, int, float], ...] = ()  # (min pages, max pages, width mm)

    def width_mm(self, pages: int, paper: str | None = None) -> float:
        if self.kind == "caliper":
            key = paper or self.paper
            if key not in self.caliper_mm:
                known = ", ".join(self.caliper_mm)
                raise KeyError(f"no caliper for paper {key!r} (known: {known})")
            return pages / 2 * self.caliper_mm[key] + self.allowance_mm
        if self.kind == "ppi":
            return pages / self.pages_per_inch * MM_PER_IN + self.allowance_mm
        if self.kind == "table":
            for lo, hi, width in self.table:
                if lo <= pages <= hi:
                    return width
            raise ValueError(f"{pages} pages is outside the spine table")
        raise ValueError(f"unknown spine rule {self.kind!r}")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SpineRule:
        unit = MM_PER_IN if d.get("unit") == "in" else 1.0
        return cls(
            kind=d["rule"],
            caliper_mm={k: float(v) for k, v in d.get("caliper_mm_per_leaf", {}).items()},
            paper=d.get("paper"),
            pages_per_inch=float(d.get("pages_per_inch", 0.0)),
            allowance_mm=float(d.get("allowance", 0.0)) * unit,
            table=tuple((int(a), int(b), float(w) * unit) for a, b, w in d.get("table", [])),
        )


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        return self.x + self.w

    @property
    def y1(self) -> float:
        return self.y + self.h

    def to_list(self) -> list[float]:
        return [round(v, 3) for v in (self.x, self.y, self.w, self.h)]


@dataclass(frozen=True)
class CoverGeometry:
    """The flat cover sheet of one book (mm; origin top-left of the sheet incl. bleed)."""

    construction: str
    sheet: Box  # MediaBox = BleedBox
    trim: Box  # TrimBox: the cut cover sheet (incl. turn-in for a case cover)
    back: Box  # visible back panel (board face for a case cover)
    spine: Box
    front: Box
    spine_mm: float
    hinge_mm: float
    turn_in_mm: float
    folds: tuple[float, ...]  # x of fold / score lines (guides, never printed)
    turn_in_lines: tuple[Box, ...] = ()  # where the turn-in folds round the board edges

    def summary(self) -> dict[str, Any]:
        return {
            "construction": self.construction,
            "sheet_mm": [round(self.sheet.w, 3), round(self.sheet.h, 3)],
            "trim": self.trim.to_list(),
            "back": self.back.to_list(),
            "spine": self.spine.to_list(),
            "front": self.front.to_list(),
            "spine_mm": round(self.spine_mm, 3),
            "folds": [round(f, 3) for f in self.folds],
        }


@dataclass(frozen=True)
class Binding:
    kind: str  # softcover | hardcover | layflat
    construction: str  # perfect-bound-wrap | case-bound
    cover_bleed_mm: float
    hinge_mm: float  # softcover: score offset from the spine; case: joint gap added each side
    hinge_safe_mm: float  # keep text this far from the spine folds / joints
    board_overhang_mm: float  # case: board beyond the text block at head, tail and fore-edge
    turn_in_mm: float  # case: cover material wrapped round the board edges
    spine: SpineRule
    pages: PageRule
    gutter_mm: float = 0.0  # interior pages: kept clear of text beyond safe_mm at the binding

    def spine_mm(self, pages: int, paper: str | None = None) -> float:
        return self.spine.width_mm(pages, paper)

    def cover(
        self, trim_w: float, trim_h: float, pages: int, paper: str | None = None
    ) -> CoverGeometry:
        """Cover geometry for a book of trim_w x trim_h mm with `pages` pages."""
        s = self.spine_mm(pages, paper)
        b = self.cover_bleed_mm
        if self.construction == "perfect-bound-wrap":
            w, h = 2 * trim_w + s, trim_h
            sheet = Box(0, 0, w + 2 * b, h + 2 * b)
            back = Box(b, b, trim_w, trim_h)
            spine = Box(b + trim_w, b, s, trim_h)
            front = Box(b + trim_w + s, b, trim_w, trim_h)
            folds = [spine.x, spine.x1]
            if self.hinge_mm:
                folds = [spine.x - self.hinge_mm, *folds, spine.x1 + self.hinge_mm]
            return CoverGeometry(
                self.construction,
                sheet,
                Box(b, b, w, h),
                back,
                spine,
                front,
                s,
                self.hinge_mm,
                0.0,
                tuple(folds),
            )
        if self.construction == "case-bound":
            ov, t, g = self.board_overhang_mm, self.turn_in_mm, self.hinge_mm
            board_w, board_h = trim_w + ov, trim_h + 2 * ov
            visible_w = 2 * board_w + 2 * g + s
            trim = Box(b, b, visible_w + 2 * t, board_h + 2 * t)
            x0, y0 = b + t, b + t
            back = Box(x0, y0, board_w, board_h)
            spine = Box(x0 + board_w + g, y0, s, board_h)
            front = Box(spine.x1 + g, y0, board_w, board_h)
            sheet = Box(0, 0, trim.w + 2 * b, trim.h + 2 * b)
            board_folds = (back.x, back.x1, spine.x, spine.x1, front.x, front.x1)
            edges = (Box(x0, y0, visible_w, board_h),)
            return CoverGeometry(
                self.construction, sheet, trim, back, spine, front, s, g, t, board_folds, edges
            )
        raise ValueError(f"unknown cover construction {self.construction!r}")

    @classmethod
    def from_dict(cls, kind: str, d: dict[str, Any]) -> Binding:
        p = d["pages"]
        return cls(
            kind=kind,
            construction=d["construction"],
            cover_bleed_mm=float(d.get("cover_bleed_mm", 0.0)),
            hinge_mm=float(d.get("hinge_mm", 0.0)),
            hinge_safe_mm=float(d.get("hinge_safe_mm", 0.0)),
            board_overhang_mm=float(d.get("board_overhang_mm", 0.0)),
            turn_in_mm=float(d.get("turn_in_mm", 0.0)),
            spine=SpineRule.from_dict(d["spine"]),
            pages=PageRule(int(p["min"]), int(p["max"]), int(p.get("multiple", 1))),
            gutter_mm=float(d.get("gutter_mm", 0.0)),
        )


@dataclass(frozen=True)
class Printer:
    id: str
    name: str
    sources: tuple[Source, ...]
    bleed_mm: float
    safe_mm: float
    pdfx: str  # "X-4" | "X-1a"
    colour: Colour
    bindings: dict[str, Binding]
    provenance: dict[str, str] = field(compare=False, repr=False)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def intent(self) -> OutputIntent:
        return self.colour.intent

    @property
    def is_cmyk(self) -> bool:
        return self.colour.mode == "cmyk"

    def binding(self, kind: str) -> Binding:
        try:
            return self.bindings[kind]
        except KeyError:
            known = ", ".join(self.bindings)
            raise KeyError(f"printer {self.id!r} has no {kind!r} binding (has: {known})") from None

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def summary(self) -> dict[str, Any]:
        c = self.colour
        return {
            "id": self.id,
            "name": self.name,
            "pdfx": self.pdfx,
            "bleed_mm": self.bleed_mm,
            "safe_mm": self.safe_mm,
            "colour": {
                "mode": c.mode,
                "intent": c.intent.identifier,
                "icc": c.intent.icc,
                "tac_percent": c.tac_percent,
                "bpc": c.black_point_compensation,
                "rendering_intent": c.rendering_intent,
            },
            "bindings": sorted(self.bindings),
            "sources": [s.url for s in self.sources],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Printer:
        c, oi = d["colour"], d["colour"]["output_intent"]
        if d["pdfx"] not in ("X-4", "X-1a"):
            raise ValueError(f"{d['id']}: pdfx must be X-4 or X-1a, not {d['pdfx']!r}")
        if c["mode"] not in ("rgb", "cmyk"):
            raise ValueError(f"{d['id']}: colour mode must be rgb or cmyk, not {c['mode']!r}")
        if d["pdfx"] == "X-1a" and c["mode"] != "cmyk":
            raise ValueError(f"{d['id']}: PDF/X-1a needs colour mode cmyk")
        return cls(
            id=d["id"],
            name=d["name"],
            sources=tuple(Source(s["id"], s["url"], s["title"]) for s in d["sources"]),
            bleed_mm=float(d["bleed_mm"]),
            safe_mm=float(d["safe_mm"]),
            pdfx=d["pdfx"],
            colour=Colour(
                mode=c["mode"],
                intent=OutputIntent(
                    oi["identifier"], oi["registry"], oi["condition"], oi["info"], oi["icc"]
                ),
                tac_percent=float(c["tac_percent"]),
                max_black_percent=float(c.get("max_black_percent", 100)),
                black_point_compensation=bool(c["black_point_compensation"]),
                rendering_intent=c["rendering_intent"],
                text_black_only=bool(c.get("text_black_only", c["mode"] == "cmyk")),
            ),
            bindings={k: Binding.from_dict(k, v) for k, v in d["bindings"].items()},
            provenance=dict(d["provenance"]),
            raw=d,
        )


class UnknownPrinter(KeyError):
    pass


@cache
def printers() -> dict[str, Printer]:
    out = {}
    for path in sorted((HERE / "data").glob("*.json")):
        p = Printer.from_dict(json.loads(path.read_text()))
        out[p.id] = p
    return out


def get_printer(name: str) -> Printer:
    try:
        return printers()[name]
    except KeyError:
        known = ", ".join(printers())
        raise UnknownPrinter(f"unknown printer {name!r} (known: {known})") from None
