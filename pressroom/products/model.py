"""Products, loaded from the JSON files in data/products/ (layouts: pressroom.products.layout).

Units: millimetres. Page coordinates have their origin at the top-left corner of the trim box
and y pointing down (as layouts and images are drawn); the bleed lies at negative coordinates
and beyond the trim size. Layout frames are fractions of the trim (or of a cover panel).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from pressroom.printers.model import Binding, CoverGeometry, Printer, get_printer

HERE = Path(__file__).resolve().parent
MM_PER_IN = 25.4
PT_PER_MM = 72 / MM_PER_IN


@dataclass(frozen=True)
class Rect:
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

    @property
    def aspect(self) -> float:
        return self.w / self.h

    def inset(self, left: float, top: float, right: float, bottom: float) -> Rect:
        return Rect(self.x + left, self.y + top, self.w - left - right, self.h - top - bottom)

    def intersect(self, o: Rect) -> Rect:
        x, y = max(self.x, o.x), max(self.y, o.y)
        return Rect(x, y, max(0.0, min(self.x1, o.x1) - x), max(0.0, min(self.y1, o.y1) - y))

    def contains(self, o: Rect, tol: float = 1e-6) -> bool:
        return (
            o.x >= self.x - tol
            and o.y >= self.y - tol
            and o.x1 <= self.x1 + tol
            and o.y1 <= self.y1 + tol
        )

    def fit(self, aspect: float) -> Rect:
        """The largest rectangle of `aspect` centred in this one."""
        if self.aspect > aspect:
            w = self.h * aspect
            return Rect(self.x + (self.w - w) / 2, self.y, w, self.h)
        h = self.w / aspect
        return Rect(self.x, self.y + (self.h - h) / 2, self.w, h)

    def scaled(self, s: float) -> Rect:
        """This rectangle scaled by s about its centre."""
        w, h = self.w * s, self.h * s
        return Rect(self.x + (self.w - w) / 2, self.y + (self.h - h) / 2, w, h)

    def to_list(self) -> list[float]:
        return [round(v, 4) for v in (self.x, self.y, self.w, self.h)]

    @classmethod
    def of(cls, v: list[float] | tuple[float, ...]) -> Rect:
        return cls(*(float(c) for c in v))


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    kind: str  # book | print | ornament
    trim_w: float
    trim_h: float
    bleed: float
    safe: float
    gutter: float  # extra safe margin on the binding side of book pages
    target_ppi: float
    min_ppi: float
    pages_min: int
    pages_max: int
    pages_multiple: int
    layouts: tuple[str, ...]
    shape: str = "rect"  # "circle": cut along the circle inscribed in the trim box
    rotatable: bool = False  # loose prints turn to suit each photo
    caliper: float = 0.0  # mm per sheet (two pages)
    spine_extra: float = 0.0  # mm: boards, glue
    cover_bleed: float = 0.0
    cover_layout: str | None = None
    spine_text_min: float = 6.0
    binding: str | None = None  # books: softcover | hardcover | layflat
    construction: Binding | None = None  # how the cover is built (the printer's when named)
    printer: str | None = None  # set by for_printer: bleed, safe zone and cover are its
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_book(self) -> bool:
        return self.kind == "book"

    @property
    def cover_layouts(self) -> tuple[str, ...]:
        """The cover layouts a design may use: the cover's `layouts`, else its one `layout`."""
        cover = self.raw.get("cover") or {}
        return tuple(cover.get("layouts") or ([self.cover_layout] if self.cover_layout else []))

    def for_printer(self, printer: Printer | str | None) -> Product:
        """This product as `printer` makes it: its bleed, the larger safe zone, and for books
        the larger gutter, its cover construction (binding of the same kind) and spine rule."""
        if printer is None:
            return self
        if isinstance(printer, str):
            printer = get_printer(printer)
        changes: dict[str, Any] = {
            "bleed": printer.bleed_mm,
            "safe": max(self.safe, printer.safe_mm),
            "printer": printer.id,
        }
        if self.is_book and self.binding:
            b = printer.binding(self.binding)
            changes.update(
                construction=b,
                gutter=max(self.gutter, b.gutter_mm),  # the larger of the two at the binding
                cover_bleed=b.cover_bleed_mm,
                pages_min=max(self.pages_min, b.pages.min),
                pages_max=min(self.pages_max, b.pages.max),
                pages_multiple=math.lcm(self.pages_multiple, b.pages.multiple),
            )
        return replace(self, **changes)

    def spine_mm(self, pages: int) -> float:
        """Spine width for a page count: the construction's rule (a printer's table, or its
        caliper per leaf of the paper + board allowance), else pages / 2 x caliper + extra."""
        if self.construction is not None:
            return self.construction.spine_mm(pages)
        return pages / 2 * self.caliper + self.spine_extra

    def cover_geometry(self, pages: int) -> CoverGeometry:
        """The flat cover sheet (printers.model.CoverGeometry: sheet, trim, panels, folds)."""
        binding = self.construction or Binding.from_dict(
            self.binding or "softcover",
            {
                "construction": "perfect-bound-wrap",
                "cover_bleed_mm": self.cover_bleed,
                "spine": {
                    "rule": "caliper",
                    "paper": "p",
                    "caliper_mm_per_leaf": {"p": self.caliper},
                    "allowance": self.spine_extra,
                },
                "pages": {
                    "min": self.pages_min,
                    "max": self.pages_max,
                    "multiple": self.pages_multiple,
                },
            },
        )
        return binding.cover(self.trim_w, self.trim_h, pages)

    def cover_size(self, pages: int) -> tuple[float, float]:
        """Cover trim (the bleed goes around it): back + spine + front, and for a case-bound
        cover the hinges and the turn-in all round."""
        g = self.cover_geometry(pages)
        return g.trim.w, g.trim.h

    def cover_panels(self, pages: int) -> CoverPanels:
        """The cover's panels in cover-page mm (origin at the trim's top-left)."""
        g = self.cover_geometry(pages)
        ox, oy = g.trim.x, g.trim.y

        def rect(b: Any) -> Rect:
            return Rect(b.x - ox, b.y - oy, b.w, b.h)

        visible = {"back": rect(g.back), "spine": rect(g.spine), "front": rect(g.front)}
        w, h = g.trim.w, g.trim.h
        sp = visible["spine"]
        art = {  # what a bleeding frame covers: over the hinges and turn-ins to the trim
            "back": Rect(0, 0, sp.x, h),
            "spine": Rect(sp.x, 0, sp.w, h),
            "front": Rect(sp.x1, 0, w - sp.x1, h),
        }
        s = self.safe
        hs = max(s, self.construction.hinge_safe_mm if self.construction else 0.0)
        safe = {
            "back": visible["back"].inset(s, s, hs, s),
            "spine": sp.inset(0, s, 0, s),
            "front": visible["front"].inset(hs, s, s, s),
        }
        return CoverPanels(visible, art, safe, g)

    def cover_construction(self, pages: int) -> dict[str, Any]:
        """What the Book records of its cover: the construction, the lines the preview draws
        as guides (page mm) and the printer it is for."""
        p = self.cover_panels(pages)
        g, v = p.geometry, p.visible
        if g.construction == "case-bound":
            lines = {
                "turn-in": [v["back"].x, v["front"].x1],
                "hinge": [v["back"].x1, v["spine"].x, v["spine"].x1, v["front"].x],
            }
            turn_in_y = [v["front"].y, v["front"].y1]
        else:
            sp = v["spine"]
            lines = {"fold": [sp.x, sp.x1]}
            if g.hinge_mm:
                lines["hinge"] = [sp.x - g.hinge_mm, sp.x1 + g.hinge_mm]
            turn_in_y = []
        return {
            "construction": g.construction,
            "binding": self.binding,
            "printer": self.printer,
            "spine_mm": round(g.spine_mm, 2),
            "hinge_mm": g.hinge_mm,
            "turn_in_mm": g.turn_in_mm,
            "sheet_mm": [round(g.sheet.w, 2), round(g.sheet.h, 2)],
            "panels": {k: r.to_list() for k, r in v.items()},
            "safe": {k: r.to_list() for k, r in p.safe.items()},
            "lines": {k: [round(x, 3) for x in xs] for k, xs in lines.items()},
            "turn_in_y": [round(y, 3) for y in turn_in_y],
        }

    def pages_ok(self, pages: int) -> list[str]:
        """Why a page count breaks this product's rules (empty when it is fine)."""
        out = []
        if pages < self.pages_min:
            out.append(f"{pages} pages < minimum {self.pages_min}")
        if pages > self.pages_max:
            out.append(f"{pages} pages > maximum {self.pages_max}")
        if pages % self.pages_multiple:
            out.append(f"{pages} pages is not a multiple of {self.pages_multiple}")
        return out

    def summary(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "trim_mm": [self.trim_w, self.trim_h],
            "bleed_mm": self.bleed,
            "safe_mm": self.safe,
            "gutter_mm": self.gutter,
            "shape": self.shape,
            "ppi": {"target": self.target_ppi, "min": self.min_ppi},
            "pages": {
                "min": self.pages_min,
                "max": self.pages_max,
                "multiple": self.pages_multiple,
            },
        }
        if self.is_book:
            d["spine_mm"] = {str(n): round(self.spine_mm(n), 2) for n in (self.pages_min, 100)}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Product:
        spine, cover = d.get("spine", {}), d.get("cover", {})
        return cls(
            id=d["id"],
            name=d["name"],
            kind=d["kind"],
            trim_w=float(d["trim_mm"][0]),
            trim_h=float(d["trim_mm"][1]),
            bleed=float(d.get("bleed_mm", 3.0)),
            safe=float(d["safe_mm"]),
            gutter=float(d.get("gutter_mm", 0.0)),
            target_ppi=float(d.get("ppi", {}).get("target", 300)),
            min_ppi=float(d.get("ppi", {}).get("min", 150)),
            pages_min=int(d["pages"]["min"]),
            pages_max=int(d["pages"]["max"]),
            pages_multiple=int(d["pages"].get("multiple", 1)),
            layouts=tuple(d["layouts"]),
            shape=d.get("shape", "rect"),
            rotatable=bool(d.get("rotatable", False)),
            caliper=float(spine.get("caliper_mm", 0.0)),
            spine_extra=float(spine.get("extra_mm", 0.0)),
            cover_bleed=float(cover.get("bleed_mm", d.get("bleed_mm", 3.0))),
            cover_layout=cover.get("layout"),
            spine_text_min=float(cover.get("spine_text_min_mm", 6.0)),
            binding=d.get("binding"),
            construction=(
                Binding.from_dict(d.get("binding", "softcover"), cover["construction"])
                if cover.get("construction")
                else None
            ),
            raw=d,
        )


@dataclass(frozen=True)
class CoverPanels:
    """A cover's panels (cover-page mm): `visible` is what shows (board faces on a case
    cover), `art` what a bleeding picture covers (over hinges and turn-ins), `safe` where
    titles and faces stay (clear of the safe margin and of the hinges)."""

    visible: dict[str, Rect]
    art: dict[str, Rect]
    safe: dict[str, Rect]
    geometry: CoverGeometry


class UnknownProduct(KeyError):
    pass


@cache
def products() -> dict[str, Product]:
    out = {}
    for path in sorted((HERE / "data" / "products").glob("*.json")):
        p = Product.from_dict(json.loads(path.read_text()))
        out[p.id] = p
    return out


def get_product(product_id: str) -> Product:
    try:
        return products()[product_id]
    except KeyError:
        known = ", ".join(products())
        raise UnknownProduct(f"unknown product {product_id!r} (known: {known})") from None
