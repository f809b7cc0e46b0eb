"""One slot of a design document on its frame, both ways: a placement as the slot a document
writes (crop fractions, and fit/scale only where auto-design chose them), and a slot placed
exactly as written. A slot equal to what auto-design would choose is placed by auto-design
itself, so a written auto-design gives back the very same floats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pressroom.photos import PhotoFacts
from pressroom.products.book import Placement
from pressroom.products.designer.crop import faces_on_page, place
from pressroom.products.designer.steps.pages import spread_half, spread_placement
from pressroom.products.model import Product, Rect

from .document import DECIMALS
from .geometry import Area, contain_area

SAME = 0.5 * 10**-DECIMALS  # a written fraction stands for anything this close


def r6(v: float) -> float:
    """A fraction as the document writes it (DECIMALS places)."""
    return round(v, DECIMALS)


def slot_of(pl: Placement, area: Area) -> dict[str, Any]:
    W, H = pl.src_w, pl.src_h
    c = pl.crop
    slot: dict[str, Any] = {
        "photo": pl.photo_id,
        "crop": [r6(c.x / W), r6(c.y / H), r6(c.w / W), r6(c.h / H)],
    }
    contain = "fitted" in pl.flags
    base = contain_area(area).fit(c.w / c.h) if contain else area.frame
    if contain:
        slot["fit"] = "contain"
    s = pl.image.w / base.w
    if s < 1 - SAME:
        slot["scale"] = r6(s)
    return slot


def _fracs(c: Rect, W: int, H: int) -> tuple[float, ...]:
    return (c.x / W, c.y / H, c.w / W, c.h / H)


def place_slot(
    slot: Mapping[str, Any],
    photo: PhotoFacts,
    area: Area,
    product: Product,
    auto: Placement | None = None,
) -> Placement:
    """One slot on its frame: exactly its crop, fit and scale; auto-design's when no crop.
    auto: what auto-design places there when it is not the frame's own placement (a spread's
    half)."""
    auto = auto or place(photo, area.frame, area.safe, product)
    if "crop" not in slot:
        return auto
    want = _slot_of(slot)
    have = slot_of(auto, area)
    have_t = (tuple(have["crop"]), have.get("fit", "fill"), have.get("scale", 1.0))
    if (
        all(
            abs(a - b) <= SAME * 1.01
            for a, b in zip(_fracs_of(want), _fracs_of(have_t), strict=True)
        )
        and want[1] == have_t[1]
    ):
        return auto  # what auto-design chose, placed by auto-design: the same floats
    W, H = photo.width, photo.height
    fx, fy, fw, fh = want[0]
    crop = Rect(fx * W, fy * H, fw * W, fh * H)
    flags = []
    if want[1] == "contain":
        image = contain_area(area).fit(crop.w / crop.h)
        flags.append("fitted")
    else:
        image = area.frame
    if want[2] < 1:
        image = image.scaled(want[2])
        flags.append("shrunk")
    ppi = crop.w / (image.w / 25.4)
    if ppi < product.target_ppi - 0.5:
        flags.append("low_ppi")
    faces = [f.intersect(Rect(0, 0, W, H)) for f in (Rect.of(x.box) for x in photo.faces)]
    faces = [f for f in faces if f.w > 0 and f.h > 0]
    return Placement(
        photo.id,
        photo.master,
        W,
        H,
        area.frame,
        image,
        crop,
        ppi,
        faces_on_page(faces, crop, image),
        flags,
    )


def _slot_of(slot: Mapping[str, Any]) -> tuple[tuple[float, ...], str, float]:
    return (
        tuple(float(v) for v in slot["crop"]),
        slot.get("fit", "fill"),
        float(slot.get("scale", 1.0)),
    )


def _fracs_of(t: tuple[tuple[float, ...], str, float]) -> tuple[float, ...]:
    return (*t[0], t[2])


def slot_aspect(slot: Mapping[str, Any], photo: PhotoFacts) -> float:
    """The picture's aspect, which turns loose prints: its crop's, else the photo's."""
    if "crop" in slot and photo.height:
        c = slot["crop"]
        return float((c[2] * photo.width) / (c[3] * photo.height))
    return photo.aspect


def spread_auto(product: Product, lay: Any, photo: PhotoFacts, number: int) -> Placement | None:
    """A spread page's half of auto-design's spread placement (left pages are even)."""
    if lay is None or lay.kind != "spread":
        return None
    return spread_half(product, spread_placement(product, photo), right=number % 2 == 1)
