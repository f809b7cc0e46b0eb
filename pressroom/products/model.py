"""Products and layouts, loaded from the JSON files beside this module.

Units: millimetres. Page coordinates have their origin at the top-left corner of the trim box
and y pointing down (as layouts and images are drawn); the bleed lies at negative coordinates
and beyond the trim size. Layout frames are fractions of the trim (or of a cover panel).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

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
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_book(self) -> bool:
        return self.kind == "book"

    def spine_mm(self, pages: int) -> float:
        """Spine width for a page count: pages / 2 sheets x caliper + boards allowance."""
        return pages / 2 * self.caliper + self.spine_extra

    def cover_size(self, pages: int) -> tuple[float, float]:
        """Cover trim: back + spine + front (the bleed goes around it)."""
        return 2 * self.trim_w + self.spine_mm(pages), self.trim_h

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
            raw=d,
        )


@dataclass(frozen=True)
class Frame:
    rect: Rect  # fractions of the trim (or of its panel)
    aspect: tuple[float, float]  # photo aspects (w/h) the frame suits
    bleed: bool = False  # runs into the bleed on every trim edge it touches
    panel: str | None = None  # cover layouts: back | spine | front
    role: str | None = None


@dataclass(frozen=True)
class TextBox:
    rect: Rect
    role: str  # title | caption
    size_pt: float = 11
    align: str = "centre"
    rotate: int = 0
    panel: str | None = None
    colour: tuple[float, float, float] = (0.15, 0.15, 0.15)
    box: tuple[float, float, float, float] | None = None  # rgba band behind the text


@dataclass(frozen=True)
class Layout:
    id: str
    name: str
    kind: str  # page | cover
    frames: tuple[Frame, ...]
    texts: tuple[TextBox, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Layout:
        def rect(v: dict[str, Any]) -> Rect:
            return Rect(v["x"], v["y"], v["w"], v["h"])

        frames = tuple(
            Frame(
                rect(f),
                (float(f["aspect"][0]), float(f["aspect"][1])),
                bool(f.get("bleed", False)),
                f.get("panel"),
                f.get("role"),
            )
            for f in d["frames"]
        )
        texts = tuple(
            TextBox(
                rect(t),
                t["role"],
                float(t.get("size_pt", 11)),
                t.get("align", "centre"),
                int(t.get("rotate", 0)),
                t.get("panel"),
                tuple(t.get("colour", (0.15, 0.15, 0.15))),
                tuple(t["box"]) if t.get("box") else None,
            )
            for t in d.get("texts", [])
        )
        return cls(d["id"], d["name"], d.get("kind", "page"), frames, texts)


class UnknownProduct(KeyError):
    pass


@cache
def products() -> dict[str, Product]:
    out = {}
    for path in sorted((HERE / "data" / "products").glob("*.json")):
        p = Product.from_dict(json.loads(path.read_text()))
        out[p.id] = p
    return out


@cache
def layouts() -> dict[str, Layout]:
    out = {}
    for path in sorted((HERE / "data" / "layouts").glob("*.json")):
        lay = Layout.from_dict(json.loads(path.read_text()))
        out[lay.id] = lay
    return out


def get_product(product_id: str) -> Product:
    try:
        return products()[product_id]
    except KeyError:
        known = ", ".join(products())
        raise UnknownProduct(f"unknown product {product_id!r} (known: {known})") from None
