"""The design document: schema round trip, unknown fields refused, auto-design -> document ->
Book gives the very same Book, and every check finding code from a design with that defect.
Photos are catalogue facts here (design and check read metadata only, never pixels)."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from pressroom.designs import DesignInvalid, check, dumps, from_book, parse, schema, to_book
from pressroom.photos import PhotoFacts
from pressroom.products import design
from pressroom.reasons import codes


def photo(
    i: int, w: int = 4032, h: int = 3024, faces: list[list[float]] | None = None, **kw: Any
) -> PhotoFacts:
    tags: dict[str, Any] = {"faces": [{"box": b, "score": 0.9} for b in faces or []]}
    return PhotoFacts(
        f"p{i:04d}",
        master=f"masters/p{i:04d}.jpg",
        width=w,
        height=h,
        captured_at=f"2024-07-01T08:{i % 60:02d}:00",
        tags=tags,
        **kw,
    )


def mixed(n: int) -> list[PhotoFacts]:
    return [photo(i, *((3024, 4032) if i % 3 == 0 else (4032, 3024))) for i in range(n)]


def by_id(photos: list[PhotoFacts]) -> dict[str, PhotoFacts]:
    return {p.id: p for p in photos}


def same(a: Any, b: Any) -> bool:
    da, db = a.to_dict(), b.to_dict()
    for d in (da, db):
        for k in ("dropped", "warnings", "score"):  # what auto-design says about its choices
            d.pop(k, None)
    return da == db


@pytest.mark.parametrize(
    ("product", "n"),
    [("photobook-21x21", 33), ("photobook-a4", 30), ("print-6x4", 5), ("ornament-round-8", 3)],
)
def test_auto_design_round_trips_to_the_same_book(product: str, n: int) -> None:
    photos = mixed(n)
    book = design(photos, product, pad=True)
    doc = from_book(book)
    text = dumps(doc)
    assert parse(text) == doc  # the schema accepts what auto-design writes
    again, findings = to_book(parse(text), by_id(photos))
    assert findings.ok and same(book, again)
    assert "master" not in text and "mm" not in text and "ppi" not in text  # nothing derived


def test_a_checked_document_is_scored_as_the_designer_scores_its_books() -> None:
    p = [*mixed(20), photo(99, faces=[[1800, 1000, 400, 500]])]
    book = design(p, "photobook-21x21")
    doc = from_book(book)
    checked, findings = check(doc, by_id(p))
    assert checked is not None and findings.ok
    assert checked.score == book.score and book.score["total"] > 80  # measured again, same
    # The customer crops the face's photo so the crop ends mid-face: the score says so.
    (n, k) = next(
        (n, k)
        for n, pg in enumerate(doc["pages"])
        for k, slot in enumerate(pg.get("slots") or [])
        if slot["photo"] == "p0099"
    )
    slot = doc["pages"][n]["slots"][k]
    _, y, w, h = slot["crop"]
    z = min(1.0, 0.45 / w)  # the same shape, narrow enough to start at the face's middle
    slot["crop"] = [0.5, y, w * z, h * z]
    edited, _ = check(doc, by_id(p))
    assert edited is not None
    assert edited.score["terms"]["faces_cut"] == 1 and edited.score["total"] < book.score["total"]


def test_a_design_for_a_printer_round_trips_with_its_cover_construction() -> None:
    photos = mixed(24)
    book = design(photos, "photobook-21x21", printer="gelato")
    doc = from_book(book)
    again, findings = to_book(parse(dumps(doc)), by_id(photos))
    assert findings.ok and same(book, again)
    assert again is not None and again.printer == "gelato"
    assert again.cover_construction == book.cover_construction
    assert again.cover_construction is not None
    house = design(photos, "photobook-21x21").cover_construction
    assert house is not None and again.cover_construction["spine_mm"] != house["spine_mm"]


def test_low_resolution_and_fitted_slots_round_trip() -> None:
    # Small photos are drawn smaller than their frame (scale); a face that no crop keeps
    # safe makes auto-design fit the whole photo (contain).
    photos = [photo(i, 1000, 750) for i in range(20)] + [
        photo(9, 4000, 1000, faces=[[10, 100, 600, 800], [3390, 100, 600, 800]])
    ]
    book = design(photos, "photobook-21x21", pad=True)
    doc = from_book(book)
    slots = [s for p in doc["pages"] for s in p.get("slots", [])] + doc["cover"]["slots"]
    assert any("scale" in s for s in slots) and any(s.get("fit") == "contain" for s in slots)
    again, findings = to_book(parse(dumps(doc)), by_id(photos))
    assert same(book, again)
    assert {f.code for f in findings.items} <= {"ppi_target"}


def test_unknown_fields_are_refused() -> None:
    doc = from_book(design(mixed(3), "print-6x4"))
    for path in ([], ["pages", 0], ["pages", 0, "slots", 0]):
        bad = copy.deepcopy(doc)
        node = bad
        for k in path:
            node = node[k]
        node["colour_profile"] = "x"
        with pytest.raises(DesignInvalid) as e:
            parse(json.dumps(bad))
        assert "colour_profile" in str(e.value)
        _, findings = check(bad, by_id(mixed(3)))
        assert [f.code for f in findings.items] == ["invalid"]


def test_schema_states_the_conventions_once() -> None:
    s = schema()
    assert "top-left" in s["description"] and "fractions" in s["description"]
    assert s["additionalProperties"] is False
    assert all(
        d.get("additionalProperties") is False
        for d in (s["$defs"]["page"], s["$defs"]["slot"], s["$defs"]["text"])
    )


# --- each finding from a design with that defect -----------------------------------------


def prints(*photos: PhotoFacts) -> dict[str, Any]:
    return from_book(design(list(photos), "print-6x4"))


def codes_of(doc: Any, photos: list[PhotoFacts]) -> set[str]:
    return {f.code for f in check(doc, by_id(photos))[1].items}


def frame_crop(w: int, h: int, aspect: float = 158.4 / 107.6) -> list[float]:
    """The largest crop of the landscape 6x4 frame's aspect (with bleed), centred."""
    if w / h > aspect:
        cw = h * aspect / w
        return [(1 - cw) / 2, 0.0, cw, 1.0]
    ch = w / aspect / h
    return [0.0, (1 - ch) / 2, 1.0, ch]


CASES: dict[str, Any] = {}


def case(code: str):
    def wrap(fn):
        CASES[code] = fn
        return fn

    return wrap


@case("invalid")
def _invalid():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["slots"][0]["crop"] = [0, 0, 1]
    return d, p


@case("unknown_product")
def _unknown_product():
    p = [photo(1)]
    d = prints(*p)
    d["product"] = "poster-a0"
    return d, p


@case("unknown_layout")
def _unknown_layout():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["layout"] = "4-up-grid"  # a book layout, not one of this print's
    return d, p


@case("slot_count")
def _slot_count():
    p = [photo(1), photo(2)]
    d = prints(p[0])
    d["pages"][0]["slots"].append({"photo": p[1].id})
    return d, p


@case("photo_unknown")
def _photo_unknown():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["slots"][0]["photo"] = "never-uploaded"
    return d, p


@case("photo_rejected")
def _photo_rejected():
    d = prints(photo(1))
    return d, [PhotoFacts("p0001", state="rejected", reason="corrupt")]


@case("crop_outside")
def _crop_outside():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["slots"][0]["crop"] = [0.5, 0.0, 0.6, 1.0]
    return d, p


@case("crop_aspect")
def _crop_aspect():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["slots"][0]["crop"] = [0.0, 0.0, 1.0, 1.0]  # 4:3 in a 3:2 frame
    return d, p


@case("ppi_min")
def _ppi_min():
    small = photo(2, 600, 400)
    d = prints(photo(1))  # then the customer swaps in a small photo
    d["pages"][0]["slots"][0] = {"photo": small.id, "crop": frame_crop(600, 400)}  # ~94 ppi
    return d, [small]


@case("ppi_target")
def _ppi_target():
    small = photo(2, 1500, 1000)
    d = prints(photo(1))
    d["pages"][0]["slots"][0] = {"photo": small.id, "crop": frame_crop(1500, 1000)}  # ~235 ppi
    return d, [small]


@case("face_cut_crop")
def _face_cut_crop():
    p = [photo(1, faces=[[1800, 1000, 400, 500]])]  # x 1800-2200: the crop starts at 2016
    d = prints(*p)
    c = frame_crop(4032, 3024)
    d["pages"][0]["slots"][0]["crop"] = [0.5, 0.0, 0.5, c[3] / 2]
    return d, p


@case("face_cut_trim")
def _face_cut_trim():
    face = photo(2, faces=[[20, 1200, 300, 400]])  # at the photo's left edge
    d = prints(photo(1))
    d["pages"][0]["slots"][0] = {"photo": face.id, "crop": [0.0, 0.0, *frame_crop(4032, 3024)[2:]]}
    return d, [face]


@case("face_cut_gutter")
def _face_cut_gutter():
    p = mixed(20)
    face = photo(99, 3024, 4032, faces=[[0, 1500, 300, 400]])  # at the photo's left edge
    d = from_book(design(p, "photobook-21x21"))
    # Page 1 is a right-hand page, bound on its left: a full-bleed photo's left edge is the
    # gutter.
    d["pages"][0] = {
        "layout": "hero-bleed",
        "slots": [{"photo": face.id, "crop": [0.0, 0.1, 1.0, 0.75]}],
    }
    return d, [*p, face]


def panoramas() -> list[PhotoFacts]:
    """Auto-design lays two of the four 2:1 photos across spreads (pages 16-17 and 18-19)."""
    return [*mixed(12), *[photo(90 + i, 4032, 2016) for i in range(4)]]


def with_subject(photos: list[PhotoFacts], pid: str, share: float) -> list[PhotoFacts]:
    """`pid` tagged with `share` of its saliency in its middle eighth (0.5: a cat's face,
    four times the share of its width), the rest even."""
    cols = [share / 4 if 14 <= i < 18 else (1 - share) / 28 for i in range(32)]
    return [
        dataclasses.replace(x, tags={**x.tags, "saliency_cols": cols}) if x.id == pid else x
        for x in photos
    ]


def first_spread(doc: dict[str, Any]) -> str:
    return next(
        s["photo"] for pg in doc["pages"] if pg["layout"] == "spread-panorama" for s in pg["slots"]
    )


@case("subject_on_fold")
def _subject_on_fold():
    p = panoramas()
    d = from_book(design(p, "photobook-21x21"))
    # The customer's editor laid a photo across a spread; its tags say the subject is in the
    # middle, which auto-design would never fold.
    return d, with_subject(p, first_spread(d), 0.5)


def test_fold_finding_names_the_spread_and_spares_even_texture() -> None:
    p = panoramas()
    d = from_book(design(p, "photobook-21x21"))
    pid = first_spread(d)
    left = next(
        n
        for n, pg in enumerate(d["pages"], 1)
        if pg["layout"] == "spread-panorama" and pg["slots"][0]["photo"] == pid
    )
    _, findings = check(d, by_id(with_subject(p, pid, 0.5)))
    fold = [x for x in findings.items if x.code == "subject_on_fold"]
    assert len(fold) == 1 and fold[0].level == "warn" and fold[0].page == left
    assert f"pages {left}-{left + 1}" in fold[0].message and pid in fold[0].message
    # Even texture (a harbour, a field) and a photo tagged before the tag: no finding.
    for photos in (with_subject(p, pid, 4 / 32), p):
        assert "subject_on_fold" not in codes_of(d, photos)
    # The facing page's half in a page layout of its own (the same crop, full bleed) is no
    # spread: nothing is joined across the fold.
    apart = copy.deepcopy(d)
    apart["pages"][left]["layout"] = "hero-bleed"
    assert "subject_on_fold" not in codes_of(apart, with_subject(p, pid, 0.5))
    # Auto-design keeps the rule it checks: given the tag, it folds no such photo.
    tagged = with_subject(p, pid, 0.5)
    assert "subject_on_fold" not in codes_of(from_book(design(tagged, "photobook-21x21")), tagged)


def test_the_check_folds_what_auto_design_would_fold() -> None:
    """Across the threshold, the finding comes exactly where auto-design's own rule
    (paginate.spreadable) refuses the spread: the two halves are measured as one picture.
    (Each half alone would put 0.17 of the saliency in the middle eighth on the fold.)"""
    from pressroom.products import get_product
    from pressroom.products.designer.steps.paginate import spreadable

    p = panoramas()
    d = from_book(design(p, "photobook-21x21"))
    pid = first_spread(d)
    seen = set()
    for share in (0.1, 0.15, 0.16, 0.17, 0.18, 0.19, 0.25):
        photos = with_subject(p, pid, share)
        refused = spreadable(by_id(photos)[pid], get_product("photobook-21x21")) is None
        assert ("subject_on_fold" in codes_of(d, photos)) == refused, share
        seen.add(refused)
    assert seen == {True, False}


@case("text_overflow")
def _text_overflow():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["texts"] = [
        {
            "text": "A caption far too long for a box this narrow, surely",
            "box": [0.1, 0.8, 0.2, 0.1],
            "size_pt": 14,
        }
    ]
    return d, p


@case("text_glyph")
def _text_glyph():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["texts"] = [{"text": "Fun \U0001f600", "box": [0.1, 0.8, 0.8, 0.1]}]
    return d, p


@case("text_box_unknown")
def _text_box_unknown():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["texts"] = [{"text": "Hello", "box": "headline"}]
    return d, p


@case("font_unknown")
def _font_unknown():
    p = [photo(1)]
    d = prints(*p)
    d["pages"][0]["texts"] = [
        {"text": "Hello", "box": [0.1, 0.8, 0.8, 0.1], "font": "Comic Sans MS"}
    ]
    return d, p


@case("page_count")
def _page_count():
    p = mixed(20)
    d = from_book(design(p, "photobook-21x21"))
    d["pages"] = d["pages"][:19]
    return d, p


@case("cover_missing")
def _cover_missing():
    p = mixed(20)
    d = from_book(design(p, "photobook-21x21"))
    del d["cover"]
    return d, p


@case("cover_not_allowed")
def _cover_not_allowed():
    p = [photo(1)]
    d = prints(*p)
    d["cover"] = {"layout": "cover-hero", "slots": []}
    return d, p


@case("spine_too_narrow")
def _spine_too_narrow():
    # The house case binding's spine is 6.6 mm at 20 pages (boards and cloth); Gelato's rule
    # gives 5.6 mm, under the 6 mm that spine text needs.
    p = mixed(20)
    d = from_book(design(p, "photobook-21x21", printer="gelato"))
    assert d["printer"] == "gelato"
    d["cover"]["spine"] = "Summer"
    return d, p


@case("unknown_printer")
def _unknown_printer():
    p = mixed(20)
    d = from_book(design(p, "photobook-21x21"))
    d["printer"] = "no-such-printer"
    return d, p


def test_every_finding_code_has_a_case() -> None:
    assert set(CASES) == set(codes("design_check"))


@pytest.mark.parametrize("code", sorted(CASES))
def test_finding_from_a_design_with_that_defect(code: str) -> None:
    doc, photos = CASES[code]()
    book, findings = check(doc, by_id(photos))
    found = {f.code: f for f in findings.items}
    assert code in found, [f.to_dict() for f in findings.items]
    f = found[code]
    assert f.message
    level = (
        "warn"
        if code.startswith(("face_", "ppi_target", "text_overflow", "spine_", "subject_"))
        else "fail"
    )
    assert f.level == level
    assert findings.ok == (not any(x.level == "fail" for x in findings.items))


def test_a_clean_design_has_no_findings() -> None:
    photos = mixed(20)
    doc = from_book(design(photos, "photobook-21x21"))
    assert check(doc, by_id(photos))[1].items == []
