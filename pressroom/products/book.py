"""The layout model both renderings read: the print PDF and the preview PNGs.

A Book is plain data (JSON round-trip) so a print job can carry it to another machine. All
lengths are millimetres in page coordinates (origin at the trim's top-left, y down).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .model import Rect


@dataclass
class Placement:
    photo_id: str
    master: str  # blob key of the upright sRGB master
    src_w: int  # master pixels
    src_h: int
    frame: Rect  # the layout frame on the page (may run into the bleed)
    image: Rect  # where the cropped pixels land: the frame, or smaller for low-res photos
    crop: Rect  # master pixels shown in `image`
    ppi: float  # effective resolution of the placement
    faces: list[Rect] = field(default_factory=list)  # face boxes on the page, mm
    flags: list[str] = field(default_factory=list)  # low_ppi, shrunk, fitted, ...

    def target_px(self, target_ppi: float) -> tuple[int, int]:
        """Pixels the PDF gets: the crop resampled to target ppi, never upsampled."""
        w = min(self.crop.w, self.image.w / 25.4 * target_ppi)
        h = min(self.crop.h, self.image.h / 25.4 * target_ppi)
        scale = min(w / self.crop.w, h / self.crop.h)
        # Up to the next whole pixel, so the placement never lands under the target ppi.
        px = (
            min(self.crop.w, math.ceil(self.crop.w * scale - 1e-6)),
            min(self.crop.h, math.ceil(self.crop.h * scale - 1e-6)),
        )
        return max(1, round(px[0])), max(1, round(px[1]))

    def to_dict(self) -> dict[str, Any]:
        return {
            "photo_id": self.photo_id,
            "master": self.master,
            "src": [self.src_w, self.src_h],
            "frame": self.frame.to_list(),
            "image": self.image.to_list(),
            "crop": self.crop.to_list(),
            "ppi": round(self.ppi, 1),
            "faces": [f.to_list() for f in self.faces],
            "flags": list(self.flags),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Placement:
        return cls(
            d["photo_id"],
            d["master"],
            int(d["src"][0]),
            int(d["src"][1]),
            Rect.of(d["frame"]),
            Rect.of(d["image"]),
            Rect.of(d["crop"]),
            float(d["ppi"]),
            [Rect.of(f) for f in d.get("faces", [])],
            list(d.get("flags", [])),
        )


@dataclass
class Text:
    rect: Rect
    text: str
    size_pt: float = 11
    align: str = "centre"
    rotate: int = 0
    colour: tuple[float, float, float] = (0.15, 0.15, 0.15)
    box: tuple[float, float, float, float] | None = None
    font: str | None = None  # a shipped font's name (design documents); None: the default

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "rect": self.rect.to_list(),
            "text": self.text,
            "size_pt": self.size_pt,
            "align": self.align,
            "rotate": self.rotate,
            "colour": list(self.colour),
            "box": list(self.box) if self.box else None,
        }
        if self.font:  # only when set: books without fonts keep their JSON (and book ids)
            d["font"] = self.font
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Text:
        return cls(
            Rect.of(d["rect"]),
            d["text"],
            float(d.get("size_pt", 11)),
            d.get("align", "centre"),
            int(d.get("rotate", 0)),
            tuple(d.get("colour", (0.15, 0.15, 0.15))),
            tuple(d["box"]) if d.get("box") else None,
            d.get("font"),
        )


@dataclass
class Page:
    number: int  # 1-based interior page number; 0 for the cover
    width: float  # trim, mm
    height: float
    bleed: float
    layout: str
    placements: list[Placement] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    safe: Rect | None = None  # where faces and text must stay (gutter excluded)
    side: str | None = None  # books: "right" (binding on the left) or "left"
    background: tuple[float, float, float] | None = None  # sRGB 0..1; None: the paper

    @property
    def media(self) -> Rect:
        b = self.bleed
        return Rect(-b, -b, self.width + 2 * b, self.height + 2 * b)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "size": [self.width, self.height],
            "bleed": self.bleed,
            "layout": self.layout,
            "side": self.side,
            "safe": self.safe.to_list() if self.safe else None,
            "placements": [p.to_dict() for p in self.placements],
            "texts": [t.to_dict() for t in self.texts],
            **({"background": list(self.background)} if self.background else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Page:
        return cls(
            int(d["number"]),
            float(d["size"][0]),
            float(d["size"][1]),
            float(d["bleed"]),
            d["layout"],
            [Placement.from_dict(p) for p in d.get("placements", [])],
            [Text.from_dict(t) for t in d.get("texts", [])],
            Rect.of(d["safe"]) if d.get("safe") else None,
            d.get("side"),
            tuple(d["background"]) if d.get("background") else None,
        )


@dataclass
class Book:
    product: str
    title: str
    pages: list[Page]
    cover: Page | None = None
    spine_mm: float | None = None
    target_ppi: float = 300
    min_ppi: float = 150
    dropped: list[dict[str, Any]] = field(default_factory=list)  # {photo_id, reason}
    warnings: list[str] = field(default_factory=list)
    # The layout score (products/designer/score.py): weights, terms, goodness, every page.
    score: dict[str, Any] = field(default_factory=dict)
    printer: str | None = None  # designed for this printer's bleed, safe zone and covers
    # The cover's construction (Product.cover_construction): panels, folds, hinges, turn-ins.
    cover_construction: dict[str, Any] | None = None

    def placements(self) -> list[Placement]:
        pages = ([self.cover] if self.cover else []) + self.pages
        return [p for page in pages for p in page.placements]

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "title": self.title,
            "spine_mm": None if self.spine_mm is None else round(self.spine_mm, 3),
            "ppi": {"target": self.target_ppi, "min": self.min_ppi},
            "pages": [p.to_dict() for p in self.pages],
            "cover": self.cover.to_dict() if self.cover else None,
            "dropped": self.dropped,
            "warnings": self.warnings,
            "score": self.score,
            # only when set: books without them keep their JSON (and book ids)
            **({"printer": self.printer} if self.printer else {}),
            **({"cover_construction": self.cover_construction} if self.cover_construction else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Book:
        return cls(
            d["product"],
            d.get("title", ""),
            [Page.from_dict(p) for p in d["pages"]],
            Page.from_dict(d["cover"]) if d.get("cover") else None,
            d.get("spine_mm"),
            float(d.get("ppi", {}).get("target", 300)),
            float(d.get("ppi", {}).get("min", 150)),
            list(d.get("dropped", [])),
            list(d.get("warnings", [])),
            dict(d.get("score") or {}),
            d.get("printer"),
            d.get("cover_construction"),
        )
