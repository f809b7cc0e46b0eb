# ruff: noqa: F811  (the `library` fixture is imported, then requested by name)
"""A corpus of bad print files, each made inside the test from a good pressroom output by
patching one thing with pikepdf (issue 15 item 6), and the finding code preflight must give
for it; the good files it patches pass `--strict` for their printer."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from pressroom.cli import main
from pressroom.preflight import preflight
from pressroom.printers import get_printer
from pressroom.products import design
from pressroom.products.model import PT_PER_MM, get_product
from pressroom.render.print import render_book
from tests.test_book_fixtures import Library, library  # noqa: F401

X1A, X4, RGB = "offset-fogra39", "gelato", "lulu"  # X-1a CMYK, X-4 CMYK, X-4 RGB press
PRODUCT = "print-7x5"


@pytest.fixture(scope="module")
def good(library: Library, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two 7x5 in prints (photos well over 300 ppi) made for each printer."""
    out = {}
    root = tmp_path_factory.mktemp("good")
    for printer in (X1A, X4, RGB):
        book = design(library.photos(["jolla.jpg", "pug.heic"]), PRODUCT, printer=printer)
        made = render_book(book, library.store, root / f"{printer}.pdf", printer=printer)
        out[printer] = Path(made.interior)
    return out


def patched(src: Path, dest: Path, change: Callable[[pikepdf.Pdf], None], **save) -> Path:
    with pikepdf.open(src) as pdf:
        change(pdf)
        pdf.save(dest, **save)
    return dest


def append(pdf: pikepdf.Pdf, page: int, data: bytes, **resources: pikepdf.Dictionary) -> None:
    """Draw `data` on top of a page, with extra resources (merged by category)."""
    p = pdf.pages[page]
    p.contents_add(pdf.make_stream(b"q " + data + b" Q"), prepend=False)
    for cat, d in resources.items():
        have = p.Resources.get(f"/{cat}")
        if have is None:
            p.Resources[f"/{cat}"] = d
        else:
            for k, v in d.items():
                have[k] = v


def codes(path: Path, printer: str | None, product: str | None = PRODUCT, level: str = "fail"):
    return set(preflight(path, product, printer=printer).reasons(level))


@pytest.mark.parametrize("printer", [X1A, X4, RGB])
def test_the_good_files_pass_strict_for_their_printer(good: dict[str, Path], printer: str) -> None:
    r = preflight(good[printer], PRODUCT, printer=printer, strict=True)
    assert r.status == "pass" and r.ok, [(f.code, f.message) for f in r.findings]
    assert main(["preflight", "--strict", "--printer", printer, str(good[printer])]) == 0
    # without --product: found from the page size
    assert preflight(good[printer], printer=printer).product == PRODUCT


def test_x1a_with_a_pdf_16_header_and_x4_with_13(good: dict[str, Path], tmp_path: Path) -> None:
    bad = patched(good[X1A], tmp_path / "x1a16.pdf", lambda p: None, force_version="1.6")
    assert "pdf_version" in codes(bad, X1A)
    bad = patched(good[X4], tmp_path / "x413.pdf", lambda p: None, force_version="1.3")
    assert "pdf_version" in codes(bad, X4)
    assert "pdf_version" not in codes(good[X1A], X1A) | codes(good[X4], X4)


def test_rgb_shading_and_lab_fill_in_x1a(good: dict[str, Path], tmp_path: Path) -> None:
    def shading(pdf: pikepdf.Pdf) -> None:
        sh = pikepdf.Dictionary(
            ShadingType=2,
            ColorSpace=pikepdf.Name.DeviceRGB,
            Coords=[0, 0, 100, 0],
            Function=pikepdf.Dictionary(
                FunctionType=2, Domain=[0, 1], C0=[1, 0, 0], C1=[0, 0, 1], N=1
            ),
        )
        append(pdf, 0, b"/ShRGB sh", Shading=pikepdf.Dictionary(ShRGB=sh))

    bad = patched(good[X1A], tmp_path / "shading.pdf", shading)
    r = preflight(bad, PRODUCT, printer=X1A)
    assert "colour_space" in r.reasons()
    assert any("Shading DeviceRGB" in f.message for f in r.findings)

    def lab(pdf: pikepdf.Pdf) -> None:
        space = pikepdf.Array([pikepdf.Name.Lab, pikepdf.Dictionary(WhitePoint=[0.9505, 1, 1.089])])
        append(
            pdf,
            1,
            b"/LabCS cs 50 20 20 sc 10 10 50 50 re f",
            ColorSpace=pikepdf.Dictionary(LabCS=space),
        )

    bad = patched(good[X1A], tmp_path / "lab.pdf", lab)
    r = preflight(bad, PRODUCT, printer=X1A)
    (f,) = [f for f in r.findings if f.code == "colour_space"]
    assert f.pages == [2] and "Lab" in f.message


def test_javascript_and_an_annotation_inside_the_trim(
    good: dict[str, Path], tmp_path: Path
) -> None:
    def js(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )

    assert "javascript" in codes(patched(good[X4], tmp_path / "js.pdf", js), X4)

    def note(pdf: pikepdf.Pdf) -> None:
        for page in pdf.pages:  # on both pages: one finding listing both
            trim = [float(v) for v in page.TrimBox]
            annot = pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Text,
                Rect=[trim[0] + 50, trim[1] + 50, trim[0] + 70, trim[1] + 70],
                Contents=pikepdf.String("fix me"),
            )
            page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))

    r = preflight(patched(good[X4], tmp_path / "annot.pdf", note), PRODUCT, printer=X4)
    (f,) = [f for f in r.findings if f.code == "annotation"]
    assert f.pages == [1, 2] and f.level == "fail"

    def outside(pdf: pikepdf.Pdf) -> None:  # a link far outside the trim is no question
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[-500, -500, -480, -480]
        )
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))

    assert "annotation" not in codes(patched(good[X4], tmp_path / "out.pdf", outside), X4)


def test_info_and_xmp_dates_that_differ(good: dict[str, Path], tmp_path: Path) -> None:
    def later(pdf: pikepdf.Pdf) -> None:
        pdf.trailer.Info.ModDate = pikepdf.String("D:20300101120000Z")

    r = preflight(patched(good[X4], tmp_path / "dates.pdf", later), PRODUCT, printer=X4)
    (f,) = [f for f in r.findings if f.code == "dates"]
    assert "ModDate" in f.message and "ModifyDate" in f.message


def test_the_wrong_x1a_version_key(good: dict[str, Path], tmp_path: Path) -> None:
    def wrong(pdf: pikepdf.Pdf) -> None:  # what pressroom itself wrote before issue 15
        pdf.trailer.Info.GTS_PDFXVersion = pikepdf.String("PDF/X-1a:2003")

    assert "pdfx_version_key" in codes(patched(good[X1A], tmp_path / "key.pdf", wrong), X1A)


def test_a_display_class_output_intent(good: dict[str, Path], tmp_path: Path) -> None:
    def mntr(pdf: pikepdf.Pdf) -> None:
        oi = pdf.Root.OutputIntents[0]
        icc = bytearray(oi.DestOutputProfile.read_bytes())
        icc[12:16] = b"mntr"
        oi.DestOutputProfile.write(bytes(icc))

    r = preflight(patched(good[RGB], tmp_path / "mntr.pdf", mntr), PRODUCT, printer=RGB)
    assert "intent_class" in r.reasons()
    assert any("display (mntr)" in f.message for f in r.findings)


def test_the_wrong_press_and_flavour_for_the_printer(good: dict[str, Path]) -> None:
    assert "wrong_intent" in codes(good[X4], RGB)  # GRACoL CMYK sent to the sRGB press
    assert "pdfx_flavour" in codes(good[X1A], X4)  # X-1a to a printer that asks for X-4
    assert "bleed" in codes(good[X1A], X4)  # 3 mm bleed, Gelato wants 4


def test_a_hardcover_cover_without_a_wrap(good: dict[str, Path], tmp_path: Path) -> None:
    """A paperback wrap (back + spine + front, 3 mm bleed) sent for a case-bound book."""
    prod = get_product("photobook-21x21").for_printer(X1A)
    spine = prod.spine_mm(24)
    w, h, b = (2 * prod.trim_w + spine) * PT_PER_MM, prod.trim_h * PT_PER_MM, 3 * PT_PER_MM

    def wrap(pdf: pikepdf.Pdf) -> None:
        del pdf.pages[1]
        page = pdf.pages[0]
        page.MediaBox = page.BleedBox = [0, 0, w + 2 * b, h + 2 * b]
        page.TrimBox = [b, b, b + w, b + h]

    bad = patched(good[X1A], tmp_path / "wrap.pdf", wrap)
    r = preflight(bad, "photobook-21x21", printer=X1A)
    (f,) = [f for f in r.findings if f.code == "cover_construction"]
    assert "paperback wrap" in f.message and "case-bound" in f.message
    # found as that product's cover from its size alone? No: a wrap fits no case.
    assert preflight(bad, printer=X1A).reasons("warn") == ["no_product"]


def _blank_pages(src: Path, dest: Path, total: int, blank: int) -> Path:
    def pad(pdf: pikepdf.Pdf) -> None:
        while len(pdf.pages) < total:
            pdf.pages.append(pdf.pages[0])
        for page in list(pdf.pages)[-blank:]:
            page.Contents = pdf.make_stream(b"1 1 1 rg 0 0 10 10 re f")  # white: still blank

    return patched(src, dest, pad)


def test_a_book_that_is_mostly_blank(good: dict[str, Path], tmp_path: Path) -> None:
    bad = _blank_pages(good[X4], tmp_path / "blank.pdf", 20, 7)  # 35 %, as in issue 15
    r = preflight(bad)
    (f,) = [f for f in r.findings if f.code == "blank_pages"]
    assert f.level == "fail" and f.pages == list(range(14, 21)) and "35%" in f.message
    few = _blank_pages(good[X4], tmp_path / "few.pdf", 20, 3)  # 15 %: a warning
    assert [f.level for f in preflight(few).findings if f.code == "blank_pages"] == ["warn"]
    assert not [f for f in preflight(good[X4]).findings if f.code == "blank_pages"]


def test_an_ornament_without_a_die_line(library: Library, tmp_path: Path) -> None:
    book = design(library.photos(["obama_biden.jpg"]), "ornament-round-8", printer=X4)
    src = Path(render_book(book, library.store, tmp_path / "orn.pdf", printer=X4).interior)
    assert preflight(src, "ornament-round-8", printer=X4, strict=True).ok

    def cut(pdf: pikepdf.Pdf) -> None:  # the die line's stroke becomes an unpainted path
        for page in pdf.pages:
            data = page.Contents.read_bytes()
            data = re.sub(rb"(/CutContour CS.*?)\bS\b", rb"\1n", data, flags=re.S)
            page.Contents = pdf.make_stream(data)

    r = preflight(patched(src, tmp_path / "nocut.pdf", cut), "ornament-round-8", printer=X4)
    (f,) = [f for f in r.findings if f.code == "no_die_line"]
    assert f.pages == [1]


def test_hairlines_and_ink_over_the_limit(good: dict[str, Path], tmp_path: Path) -> None:
    hair = patched(
        good[X4],
        tmp_path / "hair.pdf",
        lambda p: append(p, 0, b"0 0 0 1 K 0.05 w 100 100 m 200 100 l S"),
    )
    r = preflight(hair, PRODUCT, printer=X4)
    (f,) = [f for f in r.findings if f.code == "hairline"]
    assert "0.050 pt" in f.details[0]
    ink = patched(
        good[X1A], tmp_path / "ink.pdf", lambda p: append(p, 1, b"1 1 1 1 k 100 100 50 50 re f")
    )
    assert "ink_coverage" in codes(ink, X1A)

    def cmyk_image(pdf: pikepdf.Pdf) -> None:  # 380 % in a picture
        img = pdf.make_stream(bytes([255, 255, 255, 200]) * 64 * 64)
        img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        img.Width = img.Height = 64
        img.BitsPerComponent, img.ColorSpace = 8, pikepdf.Name.DeviceCMYK
        append(pdf, 0, b"10 0 0 10 100 100 cm /ImInk Do", XObject=pikepdf.Dictionary(ImInk=img))

    r = preflight(patched(good[X1A], tmp_path / "inkimg.pdf", cmyk_image), PRODUCT, printer=X1A)
    (f,) = [f for f in r.findings if f.code == "ink_coverage"]
    assert "ImInk up to 378 %" in f.details[0]
    assert "ink_coverage" not in codes(good[X1A], X1A) | codes(good[X4], X4)


def test_text_outside_the_safe_zone(good: dict[str, Path], tmp_path: Path) -> None:
    def edge(pdf: pikepdf.Pdf) -> None:
        _type3_text(pdf, 0, 2, 30)  # 2 mm from the left edge

    r = preflight(patched(good[X4], tmp_path / "edge.pdf", edge), PRODUCT, printer=X4)
    (f,) = [f for f in r.findings if f.code == "safe_zone"]
    assert f.pages == [1] and "2.0," in f.details[0]


def _type3_text(pdf: pikepdf.Pdf, page: int, x_mm: float, y_mm: float) -> None:
    """Four glyphs of a minimal Type 3 font at x_mm, y_mm from the trim's bottom-left (glyph
    programs in the file count as embedded)."""
    trim = [float(v) for v in pdf.pages[page].TrimBox]
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type3,
        FontBBox=[0, 0, 1, 1],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
        CharProcs=pikepdf.Dictionary(),
        Encoding=pikepdf.Dictionary(Differences=[65, pikepdf.Name.A]),
        FirstChar=65,
        LastChar=65,
        Widths=[600],
        Resources=pikepdf.Dictionary(),
    )
    x, y = trim[0] + x_mm * PT_PER_MM, trim[1] + y_mm * PT_PER_MM
    body = f"BT /FT3 10 Tf {x:.2f} {y:.2f} Td (AAAA) Tj ET".encode()
    append(pdf, page, body, Font=pikepdf.Dictionary(FT3=font))


@pytest.mark.parametrize("printer", [X1A, RGB, None])
def test_text_in_the_gutter_of_a_book_page(
    library: Library, tmp_path: Path, printer: str | None
) -> None:
    """Book pages keep text off the binding: the printer's safe distance and its gutter more
    on the bound side (offset-fogra39 5 + 10 mm, lulu 12.7 + 5.08 mm; no printer: the
    product's 8 + 10 mm). Page 1 is bound on its left, page 2 on its right: the same text a
    little inside the safe distance from the left edge fails on page 1 only."""
    prod = get_product("photobook-21x21").for_printer(printer)
    book = design(library.photos(["jolla.jpg", "pug.heic"]), prod.id, pad=True, printer=printer)
    book.pages, book.cover = book.pages[:2], None
    src = Path(render_book(book, library.store, tmp_path / "two.pdf").interior)
    safe = get_printer(printer).safe_mm if printer else prod.safe
    gutter = prod.construction.gutter_mm if printer and prod.construction else prod.gutter
    assert gutter >= 5
    x = safe + gutter / 2  # inside the safe distance, in the gutter on a bound side

    def text(page: int) -> Callable[[pikepdf.Pdf], None]:
        return lambda pdf: _type3_text(pdf, page, x, 100)

    for page, fails in ((0, True), (1, False)):
        out = patched(src, tmp_path / f"p{page}.pdf", text(page))
        r = preflight(out, prod.id, printer=printer)
        found = [f for f in r.findings if f.code == "safe_zone"]
        assert bool(found) == fails, (page, [(f.code, f.details) for f in r.findings])
        if fails:
            assert (
                found[0].pages == [1] and f"{gutter:g} mm more at the binding" in found[0].message
            )
            assert f"{x:.1f}," in found[0].details[0]
    # the pages as rendered: captions and titles already stay clear of the gutter
    assert "safe_zone" not in codes(src, printer, prod.id)


def test_low_ppi_warns_and_strict_fails(library: Library, tmp_path: Path, capsys) -> None:
    """A photo under the 300 ppi target but over the 150 minimum: a warning, exit 0; with
    --strict the printer would ask, so exit 1."""
    book = design(library.photos(["obama_portrait.jpg"]), PRODUCT, printer=X4)
    src = Path(render_book(book, library.store, tmp_path / "low.pdf", printer=X4).interior)
    r = preflight(src, PRODUCT, printer=X4)
    assert r.reasons("warn") == ["low_ppi"] and r.ok
    assert main(["preflight", "--printer", X4, "--product", PRODUCT, str(src)]) == 0
    assert main(["preflight", "--strict", "--printer", X4, str(src), "--json"]) == 1
    d = json.loads(capsys.readouterr().out.splitlines()[-1])
    (f,) = d["findings"]
    assert f["code"] == "low_ppi" and f["level"] == "warn" and d["ok"] is False
    assert d["strict"] is True and d["printer"] == X4 and f["pages"]
