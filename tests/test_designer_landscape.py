"""Issue 16: the 28x21 landscape book from the `make demo` catalogue (demo/photos, phone
photos at 2560 px) reads like a designer made it. Those portraits reach 301 ppi alone in
l-1-up-portrait-bleed-right's 160 mm frame and 369 ppi in 2-up-portraits' 120 mm ones; the
page plan, held to ceil(44 / 2) = 22 pages, spent its spare pages on six of them alone on a
page, half of it white, and opened two chapters on a picture cut towards square on white
(1-up-square, drawn for the square page)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressroom.photos import PhotoFacts
from pressroom.products import design, get_product, layouts
from pressroom.products.book import Book
from pressroom.products.designer.geometry import best_ppi
from pressroom.products.designer.score import face_ok
from pressroom.products.designer.steps.select import page_layouts
from tests.test_book_fixtures import OPENERS, Library

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo" / "photos"
_LIB: list[Library] = []


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[PhotoFacts]:
    """The demo catalogue: demo/photos ingested and tagged as `pressroom demo` does."""
    if not _LIB:
        lib = Library(tmp_path_factory.mktemp("demo-catalogue"))
        for f in sorted(DEMO_DIR.iterdir()):
            if f.suffix.lower() != ".md":
                lib.add(f)
        _LIB.append(lib)
    return _LIB[0].photos(list(_LIB[0].ids))


def lone_portraits(book: Book, by_id: dict[str, PhotoFacts]) -> list[tuple[int, str]]:
    """Pages of one portrait that are not a chapter opener's (whose caption fills the side
    the picture leaves)."""
    return [
        (p.number, p.layout)
        for p in book.pages
        if len(p.placements) == 1
        and p.layout not in OPENERS
        and p.layout != "spread-panorama"
        and by_id[p.placements[0].photo_id].aspect < 0.85
    ]


def captions(book: Book) -> list[str]:
    return [t.text for p in book.pages if p.placements for t in p.texts if t.text]


def test_28x21_pairs_portraits_and_opens_chapters_on_a_designed_page(
    photos: list[PhotoFacts],
) -> None:
    by_id = {p.id: p for p in photos}
    book = design(photos, "photobook-28x21")
    assert [p.number for p in book.pages if not p.placements and not p.texts] == []
    # portraits go in pairs (2-up-portraits, a landscape beside them): no page of a lone
    # portrait with half the page white (six of 22 pages before)
    lone = lone_portraits(book, by_id)
    assert len(lone) <= 1, lone
    assert book.score["layouts"].get("2-up-portraits", 0) >= 3, book.score["layouts"]
    # a chapter opens on its photo with the caption: never a picture cut towards square on
    # white (the square statue bleeds off three edges beside its caption)
    openers = [p for p in book.pages if p.placements and any(t.text for t in p.texts)]
    assert len(openers) >= 7
    assert [(p.number, p.layout) for p in openers if p.layout == "1-up-square"] == []
    # every chapter keeps its caption, the first one too when page 1 is the title page
    assert any(c.startswith("9 October 2016") for c in captions(book)), captions(book)
    # faces whole with headroom; every photo at 300 ppi where a layout for as many photos as
    # its page holds takes it there (a lone 2560-px landscape reaches 264 ppi at most alone:
    # it keeps its shape instead of being squared to reach 276)
    prod = get_product("photobook-28x21")
    table = layouts()
    for page in book.pages:
        k = len(page.placements)
        same = [table[i] for i in page_layouts(prod) if len(table[i].frames) == k]
        for pl in page.placements:
            assert all(all(face_ok(f, pl, page)) for f in pl.faces), (page.number, pl.photo_id)
            p = by_id[pl.photo_id]
            if page.layout != "spread-panorama" and max(
                best_ppi(prod, lay, p.width, p.height) for lay in same
            ) >= 300:
                assert pl.ppi >= 299.5, (page.number, page.layout, pl.photo_id, pl.ppi)
    assert book.score["terms"]["crop_loss"] < 0.15, book.score["terms"]


def test_asked_page_count_is_kept_and_the_plan_chooses_it_otherwise(
    photos: list[PhotoFacts],
) -> None:
    """Not asked, the page count is the plan's: pages enough for the photos as a designer
    groups them (from the product minimum up to one page for two photos). Asked for, it is
    kept, and spare pages go to a title page before any lone portrait."""
    usable = design(photos, "photobook-28x21")
    n = len(usable.placements())
    assert 20 <= len(usable.pages) <= -(-n // 2) + 1
    asked = design(photos, "photobook-28x21", pages=22)
    assert len(asked.pages) == 22 and not asked.pages[0].placements  # the title page
    assert asked.pages[1].placements and captions(asked)[0].startswith("9 October 2016")


def into_the_fold(book: Book) -> list[tuple[int, str]]:
    """Pages where a photo bleeds off the binding edge but not the outer one (a spread's
    photo is one picture across both pages: it crosses the fold by design)."""
    out = []
    for p in book.pages:
        for pl in p.placements:
            left, right = pl.frame.x < 0, pl.frame.x1 > p.width
            binding = left if p.side == "right" else right
            outer = right if p.side == "right" else left
            if binding and not outer and p.layout != "spread-panorama":
                out.append((p.number, p.layout))
    return out


@pytest.mark.parametrize("pages", [None, 22, 24])
def test_single_page_photos_bleed_off_the_outer_edge_never_into_the_binding(
    photos: list[PhotoFacts], pages: int | None
) -> None:
    """A chapter opens on a right-hand page, whose binding is on the left: l-opener-portrait
    bled its portrait off the left edge into the fold (all three openers of the demo book),
    where a designer bleeds it off the outer edge (l-opener-portrait-right)."""
    book = design(photos, "photobook-28x21", pages=pages)
    assert into_the_fold(book) == []
    sides = {p.side for p in book.pages if p.layout in OPENERS and p.placements}
    assert "right" in sides  # the case that went wrong is exercised


@pytest.mark.parametrize("product", ["photobook-21x21", "photobook-28x21", "photobook-a4"])
def test_no_picture_floats_inside_its_frame(photos: list[PhotoFacts], product: str) -> None:
    """A photo too small to fill its frame at the minimum ppi is drawn smaller, on white
    inside the frame: A4's last page put a 975-px photo at 150 ppi in its 185-mm frame over
    a 2048-px one that reaches 281 ppi there. The sharper photo takes the big frame."""
    book = design(photos, product)
    floating = [
        (p.number, p.layout, pl.photo_id)
        for p in book.pages
        for pl in p.placements
        if "shrunk" in pl.flags or "fitted" in pl.flags
    ]
    assert floating == []
