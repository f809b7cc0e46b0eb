# ruff: noqa: F811  (the `library` fixture is imported, then requested by name)
"""Auto-design: page rules, events, orientation fit, drops, determinism (from photo records),
and face-safe crops and upright printing on real corpus photos."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pressroom.cli import main
from pressroom.photos import PhotoFacts
from pressroom.products import design, get_product
from pressroom.products.book import Book
from pressroom.reasons import DesignError
from tests.test_book_fixtures import BIG, PEOPLE, Library, library, sh  # noqa: F401


def photo(i: int, w: int = 4032, h: int = 3024, when: str | None = None, **tags) -> PhotoFacts:
    """A photo record as design sees it (design reads metadata only, never pixels)."""
    day, minute = divmod(i, 600)
    when = when or f"2024-07-{1 + day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00"
    return PhotoFacts(
        f"p{i:04d}",
        master=f"masters/p{i:04d}.jpg",
        width=w,
        height=h,
        captured_at=when,
        tags=dict(tags),
        source_name=f"{i}.jpg",
    )


def mixed(n: int) -> list[PhotoFacts]:
    return [photo(i, *((3024, 4032) if i % 3 == 0 else (4032, 3024))) for i in range(n)]


@pytest.mark.parametrize("n", [20, 21, 33, 57, 120])
def test_page_rules_are_met(n: int) -> None:
    book = design(mixed(n), "photobook-21x21")
    prod = get_product("photobook-21x21")
    assert prod.pages_ok(len(book.pages)) == []
    placed = [p.photo_id for p in book.placements() if p not in book.cover.placements]
    assert sorted(placed) == sorted(p.id for p in mixed(n)), "every photo once in the interior"
    assert all(1 <= len(p.placements) <= 4 for p in book.pages)
    assert book.spine_mm == pytest.approx(prod.spine_mm(len(book.pages)))
    # a hardcover is case-bound (issue 15): boards of trim + overhang, a hinge gap either side
    # of the spine board and the turn-in all round, not a paperback's back + spine + front
    c = prod.construction
    assert c is not None and c.construction == "case-bound"
    board = 210 + c.board_overhang_mm
    assert book.cover.width == pytest.approx(
        2 * board + 2 * c.hinge_mm + book.spine_mm + 2 * c.turn_in_mm
    )
    assert book.cover.height == pytest.approx(210 + 2 * c.board_overhang_mm + 2 * c.turn_in_mm)
    assert book.cover.width > 2 * 210 + book.spine_mm + 40  # the old paperback wrap was wrong


def test_too_few_photos_is_an_error_unless_padded() -> None:
    with pytest.raises(DesignError) as e:
        design(mixed(7), "photobook-a4")
    assert e.value.reason == "not_enough_photos"
    book = design(mixed(7), "photobook-a4", pad=True)
    # seven photos fill a page each (landscapes a spread), plus a title page and an opener;
    # the rest are blank, at the endpapers (page 1 and the back), and the book says how many
    # more photos would fill them
    blank = [p.number for p in book.pages if not p.placements and not p.texts]
    assert len(book.pages) == 24 and blank == [1, *range(26 - len(blank), 25)]
    assert book.score["terms"]["more_photos_to_fill"] == len(blank)
    assert any("blank" in w and f"{len(blank)} more photos" in w for w in book.warnings)


def test_too_many_photos_keeps_the_best_within_the_maximum() -> None:
    many = [photo(i, quality=(i % 10) / 10) for i in range(900)]
    book = design(many, "photobook-28x21")
    assert len(book.pages) == 200
    assert sum(d["reason"] == "over_page_limit" for d in book.dropped) == 100


def test_deterministic_whatever_the_input_order() -> None:
    photos = mixed(45)
    a = design(photos, "photobook-21x21", title="T").to_dict()
    random.Random(7).shuffle(photos)
    b = design(photos, "photobook-21x21", title="T").to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert Book.from_dict(a).to_dict() == a


def test_events_start_on_their_own_pages_in_time_order() -> None:
    trip1 = [photo(i, when=f"2024-05-04T10:{i:02d}:00") for i in range(13)]
    trip2 = [photo(100 + i, when=f"2024-08-20T15:{i:02d}:00") for i in range(17)]
    book = design(trip2 + trip1, "photobook-21x21")
    first = {p.id for p in trip1}
    seq = [[pl.photo_id in first for pl in page.placements] for page in book.pages]
    assert all(len(set(s)) == 1 for s in seq), "no page mixes two events"
    flags = [s[0] for s in seq]
    assert flags == sorted(flags, reverse=True), "the May trip comes first"
    # photos in capture order through the book
    order = [pl.photo_id for page in book.pages for pl in page.placements]
    assert order == [p.id for p in trip1 + trip2]
    # the first page of an event carries its date when the layout has a caption box
    captions = [t.text for page in book.pages for t in page.texts]
    assert all(c in ("4 May 2024", "20 August 2024") for c in captions)


def test_layouts_suit_orientations() -> None:
    book = design(mixed(40), "photobook-21x21")
    mismatched = 0
    for pl in book.placements():
        photo_portrait = pl.src_w < pl.src_h
        frame_portrait = pl.frame.w < pl.frame.h
        if pl.frame.w != pl.frame.h and photo_portrait != frame_portrait:
            mismatched += 1
    assert mismatched <= len(book.placements()) // 10


def test_rejected_blurred_duplicate_and_screenshot_photos_are_dropped() -> None:
    ok = [photo(i, phash=f"{i * 0x0F0F0F0F1234567:016x}"[-16:], quality=0.7) for i in range(22)]
    dup = photo(50, phash=ok[3].tags["phash"], quality=0.2)
    blurred = photo(51, printable={"ok": False, "reasons": ["blurred"]}, sharpness=3.0)
    screen = photo(52, screenshot={"score": 0.97})
    rejected = PhotoFacts("bad", state="rejected", reason="corrupt")
    book = design([*ok, dup, blurred, screen, rejected], "photobook-21x21")
    dropped = {d["photo_id"]: d["reason"] for d in book.dropped}
    assert dropped == {
        "p0050": "duplicate",
        "p0051": "blurred",
        "p0052": "screenshot",
        "bad": "corrupt",
    }
    assert {pl.photo_id for pl in book.placements()} == {p.id for p in ok}


def test_loose_prints_turn_to_suit_each_photo() -> None:
    book = design([photo(0, 4032, 3024), photo(1, 3024, 4032)], "print-6x4")
    assert book.cover is None and len(book.pages) == 2
    a, b = book.pages
    assert (a.width, a.height) == pytest.approx((152.4, 101.6))
    assert (b.width, b.height) == pytest.approx((101.6, 152.4))
    for page in book.pages:
        (pl,) = page.placements
        assert pl.frame.w == pytest.approx(page.width + 6) and "low_ppi" not in pl.flags


def _faces_safe(book: Book) -> int:
    n = 0
    for page in ([book.cover] if book.cover else []) + book.pages:
        for pl in page.placements:
            if page.number == 0 and not page.safe.intersect(pl.frame).w:
                continue  # the cover's back photo: its own panel's safe zone, not the front's
            for face in pl.faces:
                assert page.safe.contains(face, tol=1e-6), (page.number, page.layout, face)
                assert pl.frame.contains(face, tol=1e-6) and pl.image.contains(face, tol=1e-6)
                n += 1
    return n


@pytest.mark.parametrize(
    "product",
    sorted(["photobook-21x21", "photobook-28x21", "photobook-a4", "print-6x4", "ornament-round-8"]),
)
def test_faces_stay_inside_the_safe_zone(library: Library, product: str) -> None:
    photos = library.photos(list(PEOPLE) + list(BIG))
    assert sum(len(p.faces) for p in library.photos(list(PEOPLE))) >= 5, "tags found faces"
    book = design(photos, product, pad=True)
    assert _faces_safe(book) >= 5
    # crops never run off the master
    for pl in book.placements():
        assert pl.crop.x >= -1e-6 and pl.crop.y >= -1e-6
        assert pl.crop.x1 <= pl.src_w + 1e-6 and pl.crop.y1 <= pl.src_h + 1e-6
        assert pl.ppi >= 150 - 1e-6


def test_faces_survive_a_hero_frame_at_the_gutter(library: Library) -> None:
    """A wide two-person photo on a full-bleed page: the crop slides so both faces clear the
    gutter and the trim, or the photo is fitted whole inside the safe zone."""
    from pressroom.products.designer.crop import place
    from pressroom.products.designer.geometry import safe_zone
    from pressroom.products.model import Rect

    prod = get_product("photobook-21x21")
    (two,) = library.photos(["obama_biden.jpg"])
    assert len(two.faces) == 2
    for number in (1, 2):
        safe = safe_zone(prod, 210, 210, number)
        pl = place(two, Rect(-3, -3, 216, 216), safe, prod)
        assert len(pl.faces) == 2 and all(safe.contains(f, tol=1e-6) for f in pl.faces)


def test_book_cli_writes_pdf_cover_and_previews(
    library: Library, tmp_path: Path, corpus: Path
) -> None:
    out = tmp_path / "out" / "prints.pdf"
    rc = main(
        [
            "book",
            str(corpus / "people"),
            "--product",
            "print-7x5",
            "-o",
            str(out),
            "--previews",
            str(tmp_path / "pv"),
            "--data",
            str(library.settings.data_dir),
            "--workers",
            "1",
            "--json",
        ]
    )
    assert rc == 0
    assert out.exists() and not (tmp_path / "out" / "prints-cover.pdf").exists()
    # obama_biden.jpg (1126x661) prints under the minimum ppi even uncropped: left out
    assert len(list((tmp_path / "pv").glob("*.png"))) == 4


def test_book_cli_reasons(library: Library, tmp_path: Path, capsys) -> None:
    data = str(library.settings.data_dir)
    rc = main(
        [
            "book",
            library.ids["pug.heic"],
            "--product",
            "photobook-21x21",
            "-o",
            str(tmp_path / "b.pdf"),
            "--data",
            data,
            "--json",
        ]
    )
    assert rc == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "not_enough_photos"
    assert (
        main(["book", "nope", "--product", "photobook-21x21", "-o", "x.pdf", "--data", data]) == 2
    )
    assert (
        main(["book", library.ids["pug.heic"], "--product", "mug", "-o", "x.pdf", "--data", data])
        == 2
    )


def test_phone_photos_with_exif_orientation_print_upright(library: Library, tmp_path: Path) -> None:
    """Landscape_6 stores its pixels turned and says so in EXIF; its print must equal the print
    of Landscape_1 (the same scene stored upright)."""
    import pyvips

    from pressroom.render.print import render_book

    pages = {}
    for name in ("Landscape_1.jpg", "Landscape_6.jpg", "Portrait_1.jpg", "Portrait_8.jpg"):
        book = design(library.photos([name]), "print-6x4")
        out = tmp_path / f"{name}.pdf"
        render_book(book, library.store, out)
        sh("pdftoppm", "-r", "40", "-png", "-singlefile", str(out), str(tmp_path / name))
        pages[name] = pyvips.Image.new_from_file(str(tmp_path / f"{name}.png"))
    land, land6 = pages["Landscape_1.jpg"], pages["Landscape_6.jpg"]
    assert land.width > land.height and (land6.width, land6.height) == (land.width, land.height)
    assert (land - land6).abs().avg() < 4
    port, port8 = pages["Portrait_1.jpg"], pages["Portrait_8.jpg"]
    assert port.width < port.height and (port - port8).abs().avg() < 4
    # and not merely symmetric: the upright page differs from its half-turn
    assert (land - land6.rot180()).abs().avg() > 10
