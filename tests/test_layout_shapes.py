"""Issue 16: a layout's frames keep the shape they were drawn for on every book's page shape
(square 21x21, A4 portrait, 28x21 landscape), stay on the page without overlapping, and a
caption sits just under the pictures above it."""

from __future__ import annotations

import itertools

import pytest

from pressroom.products import get_product, layouts
from pressroom.products.designer.fit import SQUARE
from pressroom.products.designer.geometry import (
    CAPTION_GAP,
    keep_shape,
    layout_frames,
    page_size,
    safe_zone,
    text_box,
)
from pressroom.products.designer.steps.layouts import into_binding
from pressroom.products.designer.steps.select import page_layouts
from pressroom.products.layout import Layout
from pressroom.products.model import Rect

BOOKS = ["photobook-21x21", "photobook-a4", "photobook-28x21"]


@pytest.mark.parametrize("product", BOOKS)
def test_frames_keep_their_shape_on_every_page_shape(product: str) -> None:
    prod = get_product(product)
    w, h = page_size(prod)
    trim = Rect(0, 0, w, h)
    for lid in page_layouts(prod):
        lay = layouts()[lid]
        rects = layout_frames(prod, lay)
        for frame, r in zip(lay.frames, rects, strict=True):
            if frame.bleed:
                continue
            lo, hi = frame.aspect
            assert lo - 1e-6 <= r.aspect <= hi + 1e-6, (lid, round(r.aspect, 3), (lo, hi))
            assert trim.contains(r, 1e-6), (lid, r)
        for a, b in itertools.combinations(rects, 2):
            overlap = a.intersect(b)
            assert overlap.w * overlap.h < 1e-6, (lid, a, b)


@pytest.mark.parametrize("product", BOOKS)
def test_one_landscape_stays_landscape_and_one_portrait_portrait(product: str) -> None:
    prod = get_product(product)
    table = layouts()
    land = layout_frames(prod, table["1-up-landscape"])[0]
    port = layout_frames(prod, table["1-up-portrait"])[0]
    assert 1.3 <= land.aspect <= 1.6 and 0.7 <= port.aspect <= 0.8
    w, h = page_size(prod)
    # a single frame stays centred across the page
    assert abs((land.x + land.x1) / 2 - w / 2) < 0.5 and abs((port.x + port.x1) / 2 - w / 2) < 0.5


def test_keep_shape_cuts_towards_the_neighbours() -> None:
    area = Rect(0, 0, 200, 200)
    # a wide frame on the left half loses width on its outer (left) side
    left = keep_shape(Rect(10, 50, 90, 30), (1.0, 2.0), area)
    assert (left.x1, left.w, left.h) == (100, 60, 30)
    # a tall frame in the top half keeps its lower edge, by the frame below it
    top = keep_shape(Rect(20, 10, 60, 90), (1.0, 1.5), area)
    assert (top.y1, top.h) == (100, 60)
    # a centred one shrinks about its centre; one inside its range is unchanged
    mid = keep_shape(Rect(20, 10, 160, 180), (1.2, 1.5), area)
    assert mid.h == pytest.approx(160 / 1.2) and (mid.y + mid.y1) / 2 == pytest.approx(100)
    same = Rect(0, 0, 40, 30)
    assert keep_shape(same, (1.0, 1.5), area) == same


def test_captions_sit_under_the_pictures_on_a4() -> None:
    prod = get_product("photobook-a4")
    w, h = page_size(prod)
    trim, safe = Rect(0, 0, w, h), safe_zone(prod, w, h, 1)
    lay = layouts()["1-up-landscape"]
    frames = layout_frames(prod, lay)
    box = next(t for t in lay.texts if t.role == "caption")
    rect, _ = text_box(box, trim, safe, frames)
    assert rect.y == pytest.approx(frames[0].y1 + CAPTION_GAP)
    # on the square page the layout's own box is already under the picture
    sq = get_product("photobook-21x21")
    sw, sh = page_size(sq)
    sq_frames = layout_frames(sq, lay)
    rect_sq, _ = text_box(box, Rect(0, 0, sw, sh), safe_zone(sq, sw, sh, 1), sq_frames)
    assert sq_frames[0].y1 < rect_sq.y <= sq_frames[0].y1 + CAPTION_GAP + 1e-6


def _cover(prod_id: str, lid: str) -> float:
    prod = get_product(prod_id)
    w, h = page_size(prod)
    trim = Rect(0, 0, w, h)
    shown = [r.intersect(trim) for r in layout_frames(prod, layouts()[lid])]
    return sum(r.w * r.h for r in shown) / (w * h)


@pytest.mark.parametrize("product", BOOKS)
def test_every_layout_is_drawn_for_its_page_shape(product: str) -> None:
    """A layout drawn for a square page and cut to keep its frames' shape on A4 or 28x21 can
    end up as a strip of stamps (four portraits 43 x 78 mm, 0.22 of an A4 page): each book
    lists only layouts whose pictures cover at least 0.38 of its page."""
    sparse = {lid: round(_cover(product, lid), 2) for lid in page_layouts(get_product(product))}
    assert {k: v for k, v in sparse.items() if v < 0.38} == {}


def test_two_landscapes_stacked_on_a4_side_by_side_on_28x21() -> None:
    def two_landscapes(product: str) -> list[Rect]:
        prod = get_product(product)
        for lid in page_layouts(prod):
            lay = layouts()[lid]
            if len(lay.frames) == 2 and all(f.aspect[0] >= 1.0 for f in lay.frames):
                return layout_frames(prod, lay)
        raise AssertionError(f"{product}: no layout for two landscapes")

    a, b = two_landscapes("photobook-a4")
    assert b.y >= a.y1 and a.w > 180  # stacked, each across the page
    a, b = two_landscapes("photobook-28x21")
    assert b.x >= a.x1 and abs(a.y - b.y) < 1e-6 and a.w > 120  # side by side
    # A4's two-by-two portraits and 3-up pages cover about three quarters of the page
    for lid in ("a4-3-up-landscape-portraits", "a4-4-up-mixed", "4-up-grid"):
        assert _cover("photobook-a4", lid) > 0.7, lid


def test_a_lone_photo_covers_more_than_half_of_a4_and_28x21_uncut() -> None:
    """A lone landscape (or square) on A4 portrait bleeds off the head and both sides in a
    landscape frame (not a square on white, not cut 0.33 by an opener's band); a lone
    portrait on 28x21 bleeds off head, foot and one edge on any page, not cut to a square."""
    for prod_id, lid, photo in (
        ("photobook-a4", "a4-1-up-landscape-top", 4 / 3),
        ("photobook-a4", "a4-1-up-landscape-centre", 4 / 3),
        ("photobook-28x21", "l-1-up-portrait-bleed-right", 3 / 4),
    ):
        prod = get_product(prod_id)
        assert lid in page_layouts(prod)
        (frame,) = layout_frames(prod, layouts()[lid])
        loss = 1 - min(photo, frame.aspect) / max(photo, frame.aspect)
        assert _cover(prod_id, lid) > 0.55 and loss < 0.12, (lid, frame.aspect)
        assert (frame.aspect > 1 + SQUARE) == (photo > 1), lid  # same orientation
    assert "1-up-square" not in page_layouts(get_product("photobook-a4"))
    # the head-bleeding landscape is an opener's (its caption fills the foot); elsewhere the
    # lone landscape is a band across the middle of the page, as much white above as below
    assert layouts()["a4-1-up-landscape-top"].opener
    (band,) = layout_frames(get_product("photobook-a4"), layouts()["a4-1-up-landscape-centre"])
    assert band.y == pytest.approx(297 - band.y1) and band.w > 210


@pytest.mark.parametrize("lid", ["a4-3-up-mixed", "a4-3-up-mixed-mirrored"])
def test_a4_mixed_three_leave_no_white_beside_the_smaller_picture(lid: str) -> None:
    top, a, b = layout_frames(get_product("photobook-a4"), layouts()[lid])
    assert top.aspect > 1 + SQUARE and a.y == pytest.approx(b.y) and a.h == pytest.approx(b.h)
    assert sorted(f.aspect < 1 for f in (a, b)) == [False, True]  # a portrait, a landscape
    assert _cover("photobook-a4", lid) > 0.85


def test_28x21_five_of_three_landscapes_and_two_portraits_cut_lightly() -> None:
    """5-up-grid's lower row of three near-squares cut a landscape face photo by 0.41 on the
    demo 28x21 book; l-5-up-landscapes-portraits holds three 4:3 landscapes and two 3:4
    portraits each cut under 0.1, and covers 0.7 of the page."""
    prod = get_product("photobook-28x21")
    lid = "l-5-up-landscapes-portraits"
    assert lid in page_layouts(prod)
    frames = layout_frames(prod, layouts()[lid])
    for frame in frames:
        photo = 4 / 3 if frame.aspect > 1 else 3 / 4
        assert 1 - min(photo, frame.aspect) / max(photo, frame.aspect) < 0.1, frame.aspect
    assert sorted(f.aspect < 1 for f in frames) == [False, False, False, True, True]
    assert _cover("photobook-28x21", lid) > 0.7


@pytest.mark.parametrize(
    ("product", "lid"),
    [
        ("photobook-21x21", "sq-3-up-portrait-small-landscapes-left"),
        ("photobook-21x21", "sq-3-up-portrait-small-landscapes-right"),
        ("photobook-21x21", "sq-3-up-portrait-left"),
        ("photobook-21x21", "sq-3-up-portrait-right"),
        ("photobook-21x21", "sq-4-up-portraits-landscapes"),
        ("photobook-28x21", "l-2-up-mixed"),
        ("photobook-28x21", "l-2-up-mixed-mirrored"),
    ],
)
def test_pictures_sit_centred_on_the_page(product: str, lid: str) -> None:
    """Pages without a caption are most of a book's: drawn with room under them for the
    caption only a chapter's first page has, these left 6-11 mm more white under their
    pictures than above (0.22 of the page against 0.14 for the small-landscapes pair)."""
    prod = get_product(product)
    w, h = page_size(prod)
    rects = layout_frames(prod, layouts()[lid])
    top, bottom = min(r.y for r in rects), h - max(r.y1 for r in rects)
    assert abs(top - bottom) < 1.0, (top, bottom)


def _boxes(lay: Layout, flip: bool = False) -> list[tuple[float, ...]]:
    def x(r: Rect) -> float:
        return round(1 - r.x - r.w if flip else r.x, 4)

    return sorted((x(f.rect), f.rect.y, f.rect.w, f.rect.h, f.bleed) for f in lay.frames)


@pytest.mark.parametrize("product", BOOKS)
def test_a_layout_bleeding_off_one_side_comes_with_its_mirror(product: str) -> None:
    """The search never bleeds a single page's photo into the binding (GUTTER_BLEED), so a
    book that lists a layout bleeding off one side must list its mirror for the other page."""
    prod = get_product(product)
    table = layouts()
    ids = page_layouts(prod)
    for lid in ids:
        lay = table[lid]
        if into_binding(lay, "left") or into_binding(lay, "right"):
            assert any(_boxes(table[o]) == _boxes(lay, flip=True) for o in ids), lid


def test_mirrored_layouts_keep_their_frame_order() -> None:
    """Mirrors are computed from their source (mirror_of), in the frame order their files
    had: design documents address frames by number."""
    table = layouts()
    assert [f.rect.x for f in table["sq-3-up-portrait-right"].frames] == [0.06, 0.06, 0.48]
    assert [f.rect.x for f in table["l-2-up-mixed-mirrored"].frames] == [0.045, 0.505]
    mirrored = table["sq-3-up-portrait-small-landscapes-right"]
    assert [(f.rect.x, f.rect.y) for f in mirrored.frames] == [
        (0.465, 0.18), (0.05, 0.225), (0.05, 0.515)
    ]  # fmt: skip


BOOKS = ["photobook-21x21", "photobook-28x21", "photobook-a4"]


@pytest.mark.parametrize(
    ("product", "lid"),
    [(p, lid) for p in BOOKS for lid in page_layouts(get_product(p))
     if layouts()[lid].frames and not any(f.bleed for f in layouts()[lid].frames)],
)  # fmt: skip
def test_framed_pictures_sit_at_the_optical_centre(product: str, lid: str) -> None:
    """On every book's page shape the pictures of a framed layout sit centred across the
    page and, down it, no lower than its middle and with at most twice the white under them
    that they have above (a book canon's 2:1): 3-up-landscape-top, cut to keep its shapes
    on A4, sank to 58 mm under the head and 36 over the foot; l-2-up-landscapes sat at
    34 mm and 56."""
    prod = get_product(product)
    w, h = page_size(prod)
    rects = layout_frames(prod, layouts()[lid])
    top, bottom = min(r.y for r in rects), h - max(r.y1 for r in rects)
    left, right = min(r.x for r in rects), w - max(r.x1 for r in rects)
    assert top <= bottom + 1.0 and bottom <= 2 * top + 1.0, (top, bottom)
    assert abs(left - right) < 1.5, (left, right)
