# ruff: noqa: F811  (the `library` fixture is imported, then requested by name)
"""Print files of every product, checked by our preflight and by independent tools: qpdf
--check, pdfinfo (PDF/X subtype, boxes), pdffonts (embedded), pdfimages (ppi); a page
rasterised by pdftoppm matches its preview PNG; passthrough and exact resampling."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pikepdf
import pytest
import pyvips

from pressroom.cli import main
from pressroom.preflight import preflight
from pressroom.products import design, get_product, products
from pressroom.products.book import Book, Page, Placement
from pressroom.products.model import PT_PER_MM, Rect
from pressroom.render.print import RenderResult, render_book
from tests.test_book_fixtures import DEMO, PEOPLE, Library, library, sh  # noqa: F401

_RENDERED: dict[str, tuple[Book, RenderResult]] = {}


def rendered(library: Library, product: str, tmp: Path) -> tuple[Book, RenderResult]:
    """Each product's files, rendered once for all the checks below."""
    if product not in _RENDERED:
        # faces, a 12-MP HEIC, a phone JPEG, and enough medium photos to fill every book's
        # minimum pages: no padding (a mostly blank book rightly fails preflight)
        names = [*PEOPLE, "pug.heic", "jolla.jpg", *DEMO]
        if not get_product(product).is_book:
            names = ["obama_biden.jpg", "pug.heic", "Portrait_1.jpg"]
        book = design(library.photos(names), product, title="Test book")
        out = tmp / product / "book.pdf"
        result = render_book(
            book, library.store, out, previews_dir=tmp / product / "previews", workers=2
        )
        _RENDERED[product] = (book, result)
    return _RENDERED[product]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


def files(result: RenderResult) -> list[str]:
    return [result.interior] + ([result.cover] if result.cover else [])


PRODUCTS = sorted(products())


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_product_passes_preflight_and_qpdf(
    library: Library, out_dir: Path, product: str
) -> None:
    book, result = rendered(library, product, out_dir)
    assert (result.cover is not None) == get_product(product).is_book
    for f in files(result):
        report = preflight(f, product)
        assert report.ok, [(x.code, x.message) for x in report.findings]
        assert report.pdfx == "PDF/X-4" and report.output_intent == "RGB"
        check = sh("qpdf", "--check", f)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors" in check.stdout


@pytest.mark.parametrize("product", PRODUCTS)
def test_pdfinfo_reports_pdfx_and_boxes(library: Library, out_dir: Path, product: str) -> None:
    book, result = rendered(library, product, out_dir)
    prod = get_product(product)
    info = sh("pdfinfo", "-box", "-f", "1", "-l", "2", result.interior).stdout
    assert re.search(r"PDF subtype:\s+PDF/X-4", info), info
    assert re.search(rf"Pages:\s+{len(book.pages)}\b", info)
    page = book.pages[0]
    b = prod.bleed * PT_PER_MM
    w, h = page.width * PT_PER_MM, page.height * PT_PER_MM
    trim = [float(v) for v in re.search(r"Page\s+1 TrimBox:\s+(.*)", info).group(1).split()]
    bleed = [float(v) for v in re.search(r"Page\s+1 BleedBox:\s+(.*)", info).group(1).split()]
    media = [float(v) for v in re.search(r"Page\s+1 MediaBox:\s+(.*)", info).group(1).split()]
    assert trim == pytest.approx([b, b, b + w, b + h], abs=0.01)
    assert media == pytest.approx([0, 0, w + 2 * b, h + 2 * b], abs=0.01)
    assert bleed == pytest.approx(media, abs=0.01)
    if result.cover:
        cinfo = sh("pdfinfo", "-box", result.cover).stdout
        ctrim = [float(v) for v in re.search(r"TrimBox:\s+(.*)", cinfo).group(1).split()]
        # hardcovers are case-bound (issue 15): the cover's TrimBox is the whole case sheet,
        # boards (trim + overhang) + hinges + spine board + turn-in all round
        c, spine = prod.construction, prod.spine_mm(len(book.pages))
        assert prod.binding == "hardcover" and c is not None and c.construction == "case-bound"
        board_w, board_h = prod.trim_w + c.board_overhang_mm, prod.trim_h + 2 * c.board_overhang_mm
        want_w = 2 * board_w + 2 * c.hinge_mm + spine + 2 * c.turn_in_mm
        want_h = board_h + 2 * c.turn_in_mm
        assert (ctrim[2] - ctrim[0]) / PT_PER_MM == pytest.approx(want_w, abs=0.01)
        assert (ctrim[3] - ctrim[1]) / PT_PER_MM == pytest.approx(want_h, abs=0.01)


@pytest.mark.parametrize("product", ["photobook-21x21", "print-6x4"])
def test_fonts_embedded_and_images_at_300_ppi(
    library: Library, out_dir: Path, product: str
) -> None:
    book, result = rendered(library, product, out_dir)
    for f in files(result):
        fonts = sh("pdffonts", f).stdout.splitlines()[2:]
        for line in fonts:
            assert " yes yes " in line or re.search(r"\byes\s+yes\s+yes\b", line), line
        assert "Helvetica" not in "\n".join(fonts)
        raw = pikepdf.open(f)
        assert not any(
            "/ASCII85Decode" in str(o.get("/Filter", ""))
            for o in raw.objects
            if isinstance(o, pikepdf.Stream)
        )
    if result.cover:
        assert len(sh("pdffonts", result.cover).stdout.splitlines()) > 2, "the cover has a title"
    rows = [r.split() for r in sh("pdfimages", "-list", result.interior).stdout.splitlines()[2:]]
    placed = [pl for page in book.pages for pl in page.placements]
    assert len(rows) == len(placed)
    own = 0
    for row, pl in zip(rows, placed, strict=True):
        x_ppi, y_ppi = int(row[12]), int(row[13])
        assert row[5] == "icc" and row[8] == "jpeg"
        own_ppi = max(pl.crop.w / (pl.image.w / 25.4), pl.crop.h / (pl.image.h / 25.4))
        if "low_ppi" in pl.flags:  # flagged by design: as many pixels as the photo has
            assert 150 <= min(x_ppi, y_ppi) < 300
        elif own_ppi <= 450:  # the master's own pixels (up to 1.5x the target): not resampled
            assert min(x_ppi, y_ppi) >= 300 and abs(max(x_ppi, y_ppi) - own_ppi) <= 1
            own += 1
        else:
            assert min(x_ppi, y_ppi) >= 300 and max(x_ppi, y_ppi) <= 301  # resampled to 300
    if product == "photobook-21x21":  # both kinds of picture are checked
        assert 0 < own < len(placed)


@pytest.mark.parametrize("product", ["photobook-28x21", "ornament-round-8"])
def test_pdftoppm_page_matches_its_preview(library: Library, out_dir: Path, product: str) -> None:
    book, result = rendered(library, product, out_dir)
    # the first page with a photo (page 1 of a book may be its title page)
    first = next(i for i, p in enumerate(book.pages) if p.placements)
    pairs = [(result.interior, first + 1, result.previews[first + (1 if result.cover else 0)])]
    if result.cover:
        pairs.append((result.cover, 1, result.previews[0]))
    for pdf, page, png in pairs:
        prefix = out_dir / f"{product}-{Path(png).stem}"
        r = sh(
            "pdftoppm",
            "-r",
            "100",
            "-f",
            str(page),
            "-l",
            str(page),
            "-png",
            "-singlefile",
            pdf,
            str(prefix),
        )
        assert r.returncode == 0, r.stderr
        ras = pyvips.Image.new_from_file(f"{prefix}.png")
        pre = pyvips.Image.new_from_file(png)
        assert abs(ras.width - pre.width) <= 1 and abs(ras.height - pre.height) <= 1
        ras = ras.resize(pre.width / ras.width, vscale=pre.height / ras.height)
        diff = (ras.cast("float") - pre.cast("float")).abs().avg()
        assert diff < 5, (png, diff)
        assert pre.deviate() > 20, "a real picture, not a blank page"


def _manual_book(
    lib: Library,
    name: str,
    image_mm: tuple[float, float],
    crop: Rect | None = None,
    bleed: float = 3.0,
) -> Book:
    rec = lib.record(name)
    w, h = rec.data["width"], rec.data["height"]
    r = Rect(10, 10, *image_mm)
    c = crop or Rect(0, 0, w, h)
    pl = Placement(rec.id, rec.data["master"], w, h, r, r, c, c.w / (r.w / 25.4))
    return Book("photobook-21x21", "manual", [Page(1, 210, 210, bleed, "1-up-square", [pl])])


def test_jpeg_passthrough_when_no_crop_or_resample(library: Library, tmp_path: Path) -> None:
    rec = library.record("jolla.jpg")
    w, h = rec.data["width"], rec.data["height"]
    # placed exactly at 300 ppi: the master's bytes go into the PDF untouched
    book = _manual_book(library, "jolla.jpg", (w / 300 * 25.4, h / 300 * 25.4))
    result = render_book(book, library.store, tmp_path / "p.pdf")
    assert result.passthrough == 1
    pdf = pikepdf.open(tmp_path / "p.pdf")
    (img,) = pdf.pages[0].Resources.XObject.values()
    assert img.read_raw_bytes() == library.store.get(rec.data["master"])


def test_crop_and_resample_to_exactly_target_ppi(library: Library, tmp_path: Path) -> None:
    rec = library.record("olympus_12mp_42_IndexError.jpg")
    w, h = rec.data["width"], rec.data["height"]
    crop = Rect(500, 300, 2000, 1500)
    book = _manual_book(library, "olympus_12mp_42_IndexError.jpg", (80, 60), crop)
    render_book(book, library.store, tmp_path / "r.pdf")
    pdf = pikepdf.open(tmp_path / "r.pdf")
    (img,) = pdf.pages[0].Resources.XObject.values()
    assert (int(img.Width), int(img.Height)) == (945, 709)  # ceil(80|60 mm / 25.4 * 300)
    assert [str(f) for f in img.Filter] == ["/DCTDecode"] and w > 945 and h > 709
    # the right pixels: the crop of the master, resampled
    got = pyvips.Image.new_from_buffer(img.read_raw_bytes(), "")
    master = pyvips.Image.new_from_buffer(library.store.get(rec.data["master"]), "")
    want = master.crop(500, 300, 2000, 1500).resize(945 / 2000, vscale=709 / 1500)
    assert (got.cast("float") - want.cast("float")).abs().avg() < 4


def test_without_libturbojpeg_a_crop_is_re_encoded_and_said(
    library: Library, tmp_path: Path, caplog: pytest.LogCaptureFixture, no_libturbojpeg: None
) -> None:
    """The crop below is cut from the master's blocks (the next test); without libturbojpeg
    the picture is decoded and re-encoded instead, and the print path says so, once."""
    crop = Rect(511, 303, 2500, 1875)
    size = (2500 / 350 * 25.4, 1875 / 350 * 25.4)
    book = _manual_book(library, "olympus_12mp_42_IndexError.jpg", size, crop)
    with caplog.at_level(logging.WARNING, logger="pressroom.capabilities"):
        result = render_book(book, library.store, tmp_path / "l.pdf")
    assert result.passthrough == 0
    said = [r.getMessage() for r in caplog.records if r.name == "pressroom.capabilities"]
    assert len(said) == 1 and said[0].startswith("pressroom: libturbojpeg is missing, so")


def test_lossless_crop_keeps_the_masters_blocks(library: Library, tmp_path: Path) -> None:
    """A crop that gives 350 ppi in its frame (under 1.5x the target): the master's own DCT
    blocks, cut on the MCU grid (4:2:2: 16 x 8 px) without decoding, drawn at the same scale
    and clipped to the frame. The print and its preview agree; nothing spills out."""
    rec = library.record("olympus_12mp_42_IndexError.jpg")
    crop = Rect(511, 303, 2500, 1875)  # the grid is 15 px (1.1 mm in the frame) to the left
    size = (2500 / 350 * 25.4, 1875 / 350 * 25.4)
    book = _manual_book(library, "olympus_12mp_42_IndexError.jpg", size, crop)
    result = render_book(book, library.store, tmp_path / "l.pdf", previews_dir=tmp_path / "pv")
    assert result.passthrough == 1
    pdf = pikepdf.open(tmp_path / "l.pdf")
    (img,) = pdf.pages[0].Resources.XObject.values()
    assert (int(img.Width), int(img.Height)) == (3011 - 496, 2178 - 296)
    got = pyvips.Image.new_from_buffer(img.read_raw_bytes(), "").cast("int")
    master = pyvips.Image.new_from_buffer(library.store.get(rec.data["master"]), "")
    want = master.crop(496, 296, got.width, got.height).cast("int")
    # identical but for chroma upsampling at the new edges, which have no neighbours now
    assert (got - want).crop(16, 16, got.width - 32, got.height - 32).abs().max() == 0
    pdf_path, png_root = str(tmp_path / "l.pdf"), str(tmp_path / "r")
    r = sh("pdftoppm", "-r", "100", "-png", "-singlefile", pdf_path, png_root)
    assert r.returncode == 0, r.stderr
    ras = pyvips.Image.new_from_file(str(tmp_path / "r.png"))
    pre = pyvips.Image.new_from_file(str(result.previews[0]))
    ras = ras.resize(pre.width / ras.width, vscale=pre.height / ras.height)
    assert (ras.cast("float") - pre.cast("float")).abs().avg() < 5
    # the frame starts 13 mm in (10 mm + 3 mm bleed): just outside it the paper is white
    edge = 13 / 25.4 * pre.width / (216 / 25.4)  # preview pixels
    assert ras.crop(int(edge) - 3, int(edge) + 20, 2, 40).min() >= 250
    assert ras.crop(int(edge) + 2, int(edge) + 20, 2, 40).max() < 250  # and the photo inside


def test_pdfx_1a_is_cmyk(library: Library, tmp_path: Path) -> None:
    book = design(library.photos(["pug.heic", "jolla.jpg"]), "print-6x4")
    out = tmp_path / "cmyk.pdf"
    result = render_book(book, library.store, out, previews_dir=tmp_path / "pv", pdfx="1a")
    report = preflight(out, "print-6x4")
    assert report.ok and report.pdfx == "PDF/X-1a:2003" and report.output_intent == "CMYK"
    # X-1a:2003 is version key PDF/X-1:2003 (ISO 15930-4, which poppler names) plus the
    # conformance key PDF/X-1a:2003 (which poppler does not print: read it from the Info dict)
    info = sh("pdfinfo", str(out)).stdout
    assert re.search(r"PDF subtype:\s+PDF/X-1:2003\n", info), info
    assert re.search(r"Standard:\s+ISO 15930-4\n", info) and "(PDF/X-1a)" in info, info
    with pikepdf.open(out) as doc:
        assert str(doc.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1:2003"
        assert str(doc.docinfo["/GTS_PDFXConformance"]) == "PDF/X-1a:2003"
    rows = sh("pdfimages", "-list", str(out)).stdout.splitlines()[2:]
    assert rows and all(r.split()[5] == "cmyk" for r in rows)
    # CMYK JPEGs are easy to print inverted: the raster must still look like the preview
    sh("pdftoppm", "-r", "60", "-png", "-singlefile", str(out), str(tmp_path / "ras"))
    ras = pyvips.Image.new_from_file(str(tmp_path / "ras.png"))
    pre = pyvips.Image.new_from_file(result.previews[0]).resize(60 / 100)
    ras = ras.resize(pre.width / ras.width, vscale=pre.height / ras.height)
    # (poppler converts CMYK without the profile, libvips with it: colours differ a little;
    # an inverted picture would differ by ~100)
    assert (ras.cast("float") - pre.cast("float")).abs().avg() < 20
    assert (ras.cast("float") - (255 - pre.cast("float"))).abs().avg() > 60


def test_print_jobs_one_failure_does_not_stop_the_others(
    library: Library, tmp_path: Path, corpus: Path, capsys
) -> None:
    jobs = [
        {
            "order_id": "a",
            "product": "print-6x4",
            "photos": [library.ids["pug.heic"]],
            "output": "out/a.pdf",
        },
        {
            "order_id": "b",
            "product": "photobook-21x21",
            "photos": [library.ids["jolla.jpg"]],
            "output": "out/b.pdf",
        },  # one photo cannot fill a 20-page book
        {
            "job_id": "c",  # the old name of order_id, still read
            "product": "ornament-round-8",
            "photos": [str(corpus / "people" / "obama_portrait.jpg")],
            "output": "out/c.pdf",
            "previews": "out/c-previews",
        },
    ]
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"jobs": jobs}))
    rc = main(
        ["print", str(path), "--data", str(library.settings.data_dir), "--workers", "2", "--json"]
    )
    assert rc == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    results = {r["order_id"]: r for r in lines}
    assert sorted(results) == ["a", "b", "c"] and all(r["job_id"] == r["order_id"] for r in lines)
    assert results["a"]["ok"] and results["c"]["ok"]
    assert results["a"]["state"] == results["c"]["state"] == "ready"
    b = results["b"]
    assert not b["ok"] and b["state"] == "failed" and b["reason"] == "not_designed"
    assert "needs at least 20 pages" in b["message"] and "more photos" in b["message"], b
    assert (tmp_path / "out" / "a.pdf").exists() and (tmp_path / "out" / "c.pdf").exists()
    # previews are the published book's page JPEGs (the console's): one page, no cover
    (pv,) = (tmp_path / "out" / "c-previews").iterdir()
    assert pv.name == "page-001.jpg" and pyvips.Image.new_from_file(str(pv)).width > 300
    assert not (tmp_path / "out" / "b.pdf").exists()


def test_same_book_same_bytes(library: Library, tmp_path: Path, monkeypatch) -> None:
    """With SOURCE_DATE_EPOCH fixed (as reproducible builds do) a book renders to identical
    files: same design, same pixels, same object numbers, same /ID."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outs = []
    for i in range(2):
        book = design(library.photos(["jolla.jpg", "obama_biden.jpg"]), "print-6x4")
        render_book(book, library.store, tmp_path / f"{i}.pdf")
        outs.append((tmp_path / f"{i}.pdf").read_bytes())
    assert outs[0] == outs[1]
    assert b"/CreationDate (D:20231114221320Z)" in outs[0]


def test_titles_are_words_not_markup(library: Library, tmp_path: Path) -> None:
    """libvips draws text as Pango markup: a customer's "&" or "<b>" must not break a book."""
    photos = library.photos(["pug.heic", "jolla.jpg"])
    plain = design(photos, "photobook-21x21", title="Tom and Jerry", pad=True)
    marked = design(photos, "photobook-21x21", title="Tom & Jerry <b>2026</b>", pad=True)
    a = render_book(plain, library.store, tmp_path / "a.pdf", previews_dir=tmp_path / "a")
    b = render_book(marked, library.store, tmp_path / "b.pdf", previews_dir=tmp_path / "b")
    assert len(b.previews) == len(a.previews) > 0
