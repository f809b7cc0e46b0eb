# ruff: noqa: F811  (the `library` fixture is imported, then requested by name)
"""Render exactly: auto-design -> design.json -> `pressroom render` writes the same bytes as
`pressroom book`; edits (a crop, swapped photos, another layout) change the PDF and the
previews exactly there, and the placed image is exactly the design's crop of the master."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
import pytest
from PIL import Image

from pressroom.cli import main
from tests.test_book_fixtures import BIG, DEMO, Library, library  # noqa: F401

PEOPLE = ["obama_portrait.jpg", "biden_portrait.jpg", "obama_biden.jpg", "obama_standing.jpg"]
LANDSCAPES = ["Landscape_1.jpg", "Landscape_6.jpg", "Portrait_1.jpg", "Portrait_8.jpg"]


@pytest.fixture
def env(library: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("PRESSROOM_DATA", str(library.settings.data_dir))
    return tmp_path


def run(*args: str) -> int:
    return main([*args] if args[0] == "check" else [*args, "--workers", "1"])


def render(design: dict[str, Any], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.with_suffix(".json")
    path.write_text(json.dumps(design))
    assert run("render", str(path), "-o", str(out), "--previews", str(out.parent / "pv")) == 0
    return out


def previews(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.png"))}


def placed_image(pdf: Path, page: int) -> np.ndarray:
    with pikepdf.open(pdf) as doc:
        images = list(doc.pages[page].images.values())
        assert len(images) == 1
        return np.asarray(Image.open(io.BytesIO(images[0].read_raw_bytes())).convert("RGB"))


def test_render_of_the_auto_design_is_book_and_a_crop_is_exact(library: Library, env: Path) -> None:
    ids = [library.ids[n] for n in BIG[:3]]
    book = env / "book" / "prints.pdf"
    code = run(
        "book",
        *ids,
        "--product",
        "print-6x4",
        "-o",
        str(book),
        "--previews",
        str(env / "book" / "pv"),
        "--design",
        str(env / "auto.json"),
    )
    assert code == 0
    design = json.loads((env / "auto.json").read_text())
    assert run("check", str(env / "auto.json")) == 0
    same = render(design, env / "same" / "prints.pdf")
    assert same.read_bytes() == book.read_bytes()
    assert previews(env / "same" / "pv") == previews(env / "book" / "pv")

    # A crop the customer chose: the top-left quarter of page 2's photo, at the frame's shape.
    edited = copy.deepcopy(design)
    slot = edited["pages"][1]["slots"][0]
    rec = library.catalogue.get(slot["photo"]).data
    w, h = rec["width"], rec["height"]
    frame_aspect = 158.4 / 107.6 if w > h else 107.6 / 158.4
    cw = 0.5
    ch = cw * w / frame_aspect / h
    slot["crop"] = [0.1, 0.05, cw, ch]
    (env / "edit.json").write_text(json.dumps(edited))
    assert run("check", str(env / "edit.json")) == 0
    out = render(edited, env / "edit" / "prints.pdf")
    pv_before, pv_after = previews(env / "book" / "pv"), previews(env / "edit" / "pv")
    changed = [n for n in pv_before if pv_before[n] != pv_after[n]]
    assert changed == ["page-002.png"]
    # The placed pixels are the master's region [0.1, 0.05, 0.5, ch]: under 450 ppi in the
    # frame, its own blocks cut on the MCU grid (a few pixels more at the left and top, which
    # the frame clips); above, resampled to 300 ppi.
    got = placed_image(out, 1).astype(float)
    master = Image.open(io.BytesIO(library.store.get(rec["master"]))).convert("RGB")
    box = (round(0.1 * w), round(0.05 * h), round(0.6 * w), round((0.05 + ch) * h))
    if got.shape[1] >= box[2] - box[0]:
        assert got.shape[1] - (box[2] - box[0]) < 16 and got.shape[0] - (box[3] - box[1]) < 16
        grid = (box[2] - got.shape[1], box[3] - got.shape[0], box[2], box[3])
        want = np.asarray(master.crop(grid)).astype(float)
    else:
        want = np.asarray(master.crop(box).resize(got.shape[1::-1], Image.LANCZOS)).astype(float)
    assert np.abs(got - want).mean() < 4.0
    # ... and not the auto-design's region of that photo.
    auto = placed_image(book, 1).astype(float)
    assert auto.shape != got.shape or np.abs(auto - got).mean() > 10


def test_swapped_photos_and_a_new_layout_change_exactly_those_pages(
    library: Library, env: Path
) -> None:
    # 19 photos: 19 of the 20 pages filled, one blank page (--pad) to be filled by hand; a
    # book of mostly blank pages would fail preflight (blank_pages) and `render` with it
    ids = [library.ids[n] for n in LANDSCAPES + PEOPLE + list(DEMO[:11])]
    assert (
        run(
            "design",
            *ids,
            "--product",
            "photobook-21x21",
            "--pad",
            "--title",
            "Edits",
            "-o",
            str(env / "auto.json"),
        )
        == 0
    )
    design = json.loads((env / "auto.json").read_text())
    base = render(design, env / "base" / "book.pdf")
    edited = copy.deepcopy(design)
    pages = edited["pages"]
    # Swap the photos of the first two one-photo pages (their own crops stay with neither:
    # each slot keeps no crop, so each photo gets auto-design's crop for its new frame).
    singles = [i for i, p in enumerate(pages) if len(p.get("slots", [])) == 1][:2]
    a, b = (pages[i]["slots"][0] for i in singles)
    a["photo"], b["photo"] = b["photo"], a["photo"]
    a.pop("crop", None), b.pop("crop", None), a.pop("fit", None), b.pop("fit", None)
    a.pop("scale", None), b.pop("scale", None)
    # A blank page becomes a one-photo page with a caption.
    blank = next(i for i, p in enumerate(pages) if p["layout"] == "blank")
    pages[blank] = {
        "layout": "hero-bleed",
        "slots": [{"photo": ids[0]}],
        "texts": [{"text": "Edited by hand", "box": [0.1, 0.85, 0.8, 0.08], "colour": "#ffffff"}],
    }
    (env / "edit.json").write_text(json.dumps(edited))
    assert run("check", str(env / "edit.json")) == 0
    out = render(edited, env / "edit" / "book.pdf")
    before, after = previews(env / "base" / "pv"), previews(env / "edit" / "pv")
    changed = sorted(n for n in before if before[n] != after[n])
    assert changed == sorted(f"page-{i + 1:03d}.png" for i in [*singles, blank])
    assert out.read_bytes() != base.read_bytes()


def test_check_exit_codes(library: Library, env: Path) -> None:
    bad = {
        "version": 1,
        "product": "print-6x4",
        "pages": [{"layout": "print-full", "slots": [{"photo": "nobody-uploaded-this"}]}],
    }
    (env / "bad.json").write_text(json.dumps(bad))
    assert run("check", str(env / "bad.json")) == 1
    (env / "not.json").write_text("{")
    assert run("check", str(env / "not.json")) == 1
    assert main(["check", str(env / "missing.json")]) == 2
    assert main(["render", str(env / "bad.json"), "-o", str(env / "x.pdf")]) == 1
    assert not (env / "x.pdf").exists()


def test_a_page_background_is_painted_to_the_bleed_in_pdf_and_preview(tmp_path: Path) -> None:
    from pressroom.designs.document import colour_rgb
    from pressroom.products.book import Page
    from pressroom.render.print.page_pdf import write_page
    from pressroom.render.print.preview import render_preview
    from tests.system_tools import require

    page = Page(2, 210, 210, 3, "blank", [], background=colour_rgb("#1d3557"))
    preview = render_preview(page, [], 100)
    assert preview.getpoint(2, 2) == preview.getpoint(400, 400) == [29.0, 53.0, 87.0]
    write_page(page, [], tmp_path / "p.pdf")
    import subprocess

    subprocess.run(
        [require("pdftoppm"), "-r", "20", "-png", str(tmp_path / "p.pdf"), str(tmp_path / "p")],
        check=True,
    )
    png = np.asarray(Image.open(tmp_path / "p-1.png").convert("RGB")).astype(int)
    # Every pixel, bleed included (the last row and column are part-pixels of the media box).
    assert np.abs(png[:-1, :-1] - [29, 53, 87]).max() <= 2
