"""Where a design's slots and texts land: the product's page geometry (trim, bleed, safe zone,
gutter, cover panels) applied to a layout, in page millimetres, exactly as auto-design
computes it (the designer's own geometry functions), so a design converts back to the very
Book auto-design made."""

from __future__ import annotations

from dataclasses import dataclass

from pressroom.products.designer.geometry import (
    frame_rect,
    page_frames,
    page_size,
    safe_zone,
    side,
    text_box,
)
from pressroom.products.layout import Layout, TextBox
from pressroom.products.model import Product, Rect


@dataclass(frozen=True)
class Area:
    """One frame of a page: its rectangle and the safe zone faces must stay in."""

    frame: Rect
    safe: Rect


@dataclass(frozen=True)
class PageGeometry:
    number: int  # 0 for the cover
    width: float
    height: float
    bleed: float
    safe: Rect  # the page's safe zone (the cover: the front panel's)
    side: str | None
    areas: tuple[Area, ...]
    boxes: dict[str, tuple[Rect, TextBox]]  # named text boxes: page rectangle, defaults
    panels: dict[str, Rect] | None = None
    spine: float = 0.0


def box_names(layout: Layout) -> list[str]:
    """Text boxes are named by role, numbered when a role repeats: caption, caption-2."""
    seen: dict[str, int] = {}
    names = []
    for box in layout.texts:
        role = box.role if not box.panel or box.panel == "front" else box.panel
        seen[role] = seen.get(role, 0) + 1
        names.append(role if seen[role] == 1 else f"{role}-{seen[role]}")
    return names


def in_area(r: Rect, area: Rect) -> Rect:
    return Rect(area.x + r.x * area.w, area.y + r.y * area.h, r.w * area.w, r.h * area.h)


def page_geometry(
    product: Product, layout: Layout | None, number: int, aspect: float | None
) -> PageGeometry:
    """An interior page (1-based number); layout None: a blank page."""
    w, h = page_size(product, aspect)
    trim = Rect(0, 0, w, h)
    safe = safe_zone(product, w, h, number)
    areas: tuple[Area, ...] = ()
    boxes: dict[str, tuple[Rect, TextBox]] = {}
    if layout is not None:
        frames = page_frames(layout, trim, product.bleed)
        areas = tuple(Area(r, safe) for r in frames)
        for name, box in zip(box_names(layout), layout.texts, strict=True):
            boxes[name] = text_box(box, trim, safe, frames)  # as auto-design sets it
    return PageGeometry(number, w, h, product.bleed, safe, side(product, number), areas, boxes)


def cover_geometry(product: Product, layout: Layout, pages: int) -> PageGeometry:
    """The wrap-around cover of a book of `pages` interior pages: back, spine, front."""
    spine = product.spine_mm(pages)
    w, h = product.cover_size(pages)
    b = product.cover_bleed
    trim = Rect(0, 0, w, h)
    cp = product.cover_panels(pages)  # visible, art (bleeding pictures) and safe panels
    panels, safe = cp.visible, cp.safe
    areas = []
    for f in layout.frames:
        panel = f.panel or "front"
        area = (cp.art if f.bleed else panels)[panel]
        areas.append(Area(frame_rect(f, area, b, trim), safe[panel]))
    boxes = {
        name: (in_area(box.rect, panels[box.panel or "front"]), box)
        for name, box in zip(box_names(layout), layout.texts, strict=True)
    }
    return PageGeometry(0, w, h, b, safe["front"], None, tuple(areas), boxes, panels, spine)


def contain_area(area: Area) -> Rect:
    """Where a `contain` picture goes: the safe part of its frame (the frame if none)."""
    allowed = area.safe.intersect(area.frame)
    return allowed if allowed.w > 0 and allowed.h > 0 else area.frame
