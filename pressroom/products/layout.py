"""Layouts, loaded from the JSON files in data/layouts/: frames (fractions of the trim or of a
cover panel) and text boxes; a layout may be declared as another's mirror image."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from .model import HERE, Rect


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
    opener: bool = False  # for a chapter's first page only (its caption has a place)

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
        return cls(d["id"], d["name"], d.get("kind", "page"), frames, texts, bool(d.get("opener")))


@cache
def layouts() -> dict[str, Layout]:
    paths = sorted((HERE / "data" / "layouts").glob("*.json"))
    raw = {d["id"]: d for d in (json.loads(p.read_text()) for p in paths)}
    return {i: Layout.from_dict(_mirror(d, raw) if "mirror_of" in d else d) for i, d in raw.items()}


def _mirror(d: dict[str, Any], raw: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A layout declared as another's mirror image (`mirror_of`): the other's layout (an
    opener's mirror opens chapters too) with left and right swapped in its frames and texts,
    so a pair cannot drift apart. `order`: the other's frames in this one's order (design
    documents address frames by number: an order never changes)."""
    swap = {"left": "right", "right": "left", "centre": "centre"}
    src = raw[d["mirror_of"]]
    boxes = [src["frames"][i] for i in d.get("order", range(len(src["frames"])))]
    flip = [{**b, "x": round(1 - b["x"] - b["w"], 6)} for b in (*boxes, *src.get("texts", []))]
    for t in flip[len(boxes) :]:
        t["align"] = swap[t.get("align", "centre")]
    return {**src, **d, "frames": flip[: len(boxes)], "texts": flip[len(boxes) :]}
