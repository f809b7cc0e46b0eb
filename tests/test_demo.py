"""`pressroom demo` (what `make demo` runs): the 47 vendored photos plus the PDF it names
scan-of-receipt.jpg, into a fresh data folder. The story it prints must be true of what it
wrote: the catalogue's records, the PDF/X files (qpdf --check, pdfinfo page counts), the
previews, the design document (checked against the catalogue by `pressroom check`) and the
book store the console reads."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pressroom.catalogue import open_catalogue
from pressroom.catalogue.books import book_id_for
from pressroom.config import Settings
from pressroom.storage import open_store
from tests.system_tools import require

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = sorted(p for p in (ROOT / "demo" / "photos").iterdir() if p.suffix != ".md")
PRESSROOM = Path(sys.executable).with_name("pressroom")
SCREENSHOT = "E2078879-A29C-4D6F-BACB-E3BBE6C3EB91.jpeg"  # a PNG screenshot named .jpeg
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|38;[25])[;m]")  # foreground colours
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Demo:
    def __init__(self, data: Path, proc: subprocess.CompletedProcess[str]) -> None:
        self.data, self.proc = data, proc
        self.raw = proc.stdout
        self.text = ANSI.sub("", proc.stdout)
        self.out = data / "demo"
        self.design = json.loads((self.out / "design.json").read_text())

    def row(self, label: str) -> str:
        """The story's row for a label, with its continuation lines."""
        m = re.search(rf"^{label}\s+(.*?)(?=^\S|\Z)", self.text, re.M | re.S)
        assert m, f"no {label} row in:\n{self.text}"
        return " ".join(m.group(1).split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    data = tmp_path_factory.mktemp("demo-data")
    # FORCE_COLOR makes rich style a pipe as it would a terminal; NO_COLOR must still win.
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "1", "COLUMNS": "400"}
    env.pop("PRESSROOM_DATA", None)
    proc = subprocess.run(
        [str(PRESSROOM), "demo", "--data", str(data)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    return Demo(data, proc)


def pdf_pages(path: Path) -> int:
    out = subprocess.run([require("pdfinfo"), str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))  # type: ignore[union-attr]


def qpdf_ok(path: Path) -> None:
    out = subprocess.run([require("qpdf"), "--check", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_exit_zero(demo: Demo) -> None:
    """Every product's files pass preflight (warnings allowed)."""
    assert demo.proc.returncode == 0, demo.text + demo.proc.stderr


def test_no_colour(demo: Demo) -> None:
    assert "\x1b[1m" in demo.raw  # styled (bold labels): FORCE_COLOR reached rich
    assert not COLOUR.search(demo.raw), "NO_COLOR set, yet the story has colours"


def test_uploads_judged_with_the_receipt_rejected(demo: Demo) -> None:
    n = len(PHOTOS) + 1
    said = f"{n} judged by their content: {n - 1} accepted, 1 rejected"
    assert demo.row("uploads").startswith(said)
    assert "rejected scan-of-receipt.jpg: not_an_image (The file is not an image.)" in demo.text
    receipt = demo.data / "inbox" / "scan-of-receipt.jpg"
    assert receipt.read_bytes().startswith(b"%PDF-")
    catalogue = open_catalogue(Settings(data_dir=demo.data))
    records = {r.data.get("source_name"): r for r in catalogue.list()}
    assert records["scan-of-receipt.jpg"].state == "rejected"
    assert records["scan-of-receipt.jpg"].reason == "not_an_image"
    assert sorted(k for k, r in records.items() if r.state == "uploaded") == sorted(
        p.name for p in PHOTOS
    )


def test_duplicates_screenshot_people_events(demo: Demo) -> None:
    # The edit and its original are one group; the book keeps one of them.
    assert "IMG_1994_edited.jpeg = IMG_1994.JPG" in demo.row("duplicates")
    book = demo.row("photobook")
    assert re.search(r"left out \(duplicate\): IMG_1994(_edited\.jpeg|\.JPG)", book)
    assert f"left out (screenshot): {SCREENSHOT}" in book
    people = demo.row("people")
    assert re.match(r"\d+ (person|people) seen in more than one photo: person 1 in \d+", people)
    # The model of wedding.jpg is in 48349797706_..._O.JPG too (../shared/demo-photos/README.md).
    groups = re.findall(r"person \d+ in \d+ \(([^)]*)\)", people)
    assert any(
        {"wedding.jpg", "48349797706_66AB5DAAFB_O.JPG"} <= set(g.split(", ")) for g in groups
    )
    events = demo.row("events")
    n = int(events.split()[0])
    captions = [t["text"] for p in demo.design["pages"] for t in p.get("texts", [])
                if t.get("box") == "caption"]  # fmt: skip
    assert n >= len(captions) >= 2
    assert f"the book makes {len(captions)} chapters of them: " + "; ".join(captions) in events
    assert any(" · " in c for c in captions), "no chapter named its place (GPS in the photos)"


def book_report(demo: Demo) -> dict[str, Any]:
    store = open_store(Settings(data_dir=demo.data))
    book_id = book_id_for(demo.design)
    assert f"/console/books/{book_id}" in demo.row("console")
    assert "PRESSROOM_CONSOLE_TOKEN=demo" in demo.row("console")
    assert json.loads(store.get(f"books/{book_id}/design.json")) == demo.design
    return json.loads(store.get(f"books/{book_id}/book.json"))


def test_photobook_pdf_cover_previews_and_design(demo: Demo) -> None:
    pages = len(demo.design["pages"])
    assert demo.design["product"] == "photobook-21x21" and pages >= 20 and pages % 2 == 0
    assert f"photobook-21x21: {pages} pages from {len(PHOTOS)} photos" in demo.row("photobook")
    interior, cover = demo.out / "book.pdf", demo.out / "book-cover.pdf"
    for pdf in (interior, cover):
        qpdf_ok(pdf)
        assert re.search(
            rf"{re.escape(str(pdf))} PDF/X preflight: (pass|warn)", demo.row("photobook")
        )
    assert pdf_pages(interior) == pages and pdf_pages(cover) == 1
    previews = sorted(p.name for p in (demo.out / "previews").iterdir())
    assert previews == ["cover.png"] + [f"page-{n:03d}.png" for n in range(1, pages + 1)]
    check = subprocess.run(
        [str(PRESSROOM), "check", str(demo.out / "design.json"), "--data", str(demo.data)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    assert book_report(demo)


def test_no_low_ppi_it_could_have_avoided(demo: Demo) -> None:
    """Every demo photo has >= 975 px on its long side, enough for a 21x21 book's smaller
    frames at 300 ppi: the designer must choose those rather than print one soft."""
    row = demo.row("photobook")
    assert "every photo at 300 ppi or more" in row
    assert f"{demo.out / 'book.pdf'} PDF/X preflight: pass" in row
    report = book_report(demo)
    assert all(p["ppi"] >= 300 for p in report_placements(report)), report["ppi"]


def report_placements(book: dict[str, Any]) -> list[dict[str, Any]]:
    pages = [*book["pages"], *([book["cover"]] if book.get("cover") else [])]
    return [pl for page in pages for pl in page.get("placements", [])]


def test_prints_and_ornament(demo: Demo) -> None:
    for label, product, count in (("prints", "print-6x4", 6), ("ornament", "ornament-round-8", 1)):
        pdf = demo.out / product / f"{product}.pdf"
        qpdf_ok(pdf)
        assert pdf_pages(pdf) == count
        row = demo.row(label)
        assert row.startswith(f"{product}: {count} page{'s' * (count > 1)} from {count} photo")
        assert f"{pdf} PDF/X preflight: pass" in row
        assert len(list((demo.out / product / "previews").glob("*.png"))) == count


def test_readme_pictures(demo: Demo, tmp_path: Path) -> None:
    """demo/screenshots.py on this demo's data: the spread and the console's book page (in
    Debian's Chromium), each a small PNG of real content."""
    import pyvips

    from tests.system_tools import require_chromium

    require_chromium()
    run = subprocess.run(
        [sys.executable, str(ROOT / "demo" / "screenshots.py"), "--data", str(demo.data),
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    spread = pyvips.Image.new_from_file(str(tmp_path / "demo-spread.png"))
    assert (spread.width, spread.height) == (1000, 500)  # two square pages
    shot = pyvips.Image.new_from_file(str(tmp_path / "console.png"))
    assert (shot.width, shot.height) == (1280, 1240)
    for img in (spread, shot):
        assert img.deviate() > 30  # photos and a page, not a blank or an error page
    for name in ("demo-spread.png", "console.png"):
        assert (tmp_path / name).stat().st_size < 300_000


@pytest.mark.parametrize("product", ["photobook-21x21", "photobook-a4"])
def test_chapters_open_on_text_pages_only_when_photos_run_short(demo: Demo, product: str) -> None:
    """The demo's uploads as `pressroom book` designs them (44 usable photos, 8 chapters, at
    least 24 pages on A4): pages of photos, not pages of dates; at most the title is text.
    (A text opener cost 0.6 against up to 40 for a photo page under half covered: the plan
    opened six of the A4 book's chapters on text pages.)"""
    from pressroom.books.make import auto_design
    from pressroom.catalogue import open_catalogue
    from pressroom.config import Settings

    settings = Settings(data_dir=demo.data)
    ids = [r.id for r in open_catalogue(settings).list(limit=1000) if r.state == "uploaded"]
    _, book = auto_design(settings, ids, product)
    text = [p.number for p in book.pages if not p.placements]
    assert len(text) <= 1, (text, book.score["layouts"])
