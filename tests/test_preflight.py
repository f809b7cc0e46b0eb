# ruff: noqa: F811  (the `library` fixture is imported, then requested by name)
"""Preflight on our files and on files made elsewhere: low ppi from content-stream transforms
(forms, rotations, inline images), PDF/X identification, boxes and bleed, fonts, colour, page
rules; the CLI's exit codes and JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pikepdf
import pytest
import pyvips

from pressroom.cli import main
from pressroom.preflight import preflight
from pressroom.products.book import Book, Page, Placement
from pressroom.products.model import Rect
from pressroom.render.print import render_book
from tests.test_book_fixtures import Library, library  # noqa: F401


def manual(lib: Library, name: str, ppi: float, pages: int = 1, bleed: float = 3.0) -> Book:
    """Pages with one photo placed whole at `ppi` (an order a person laid out by hand)."""
    rec = lib.record(name)
    w, h = rec.data["width"], rec.data["height"]
    r = Rect(5, 5, w / ppi * 25.4, h / ppi * 25.4)
    out = []
    for n in range(1, pages + 1):
        pl = Placement(rec.id, rec.data["master"], w, h, r, r, Rect(0, 0, w, h), ppi)
        out.append(Page(n, 210, 210, bleed, "manual", [pl]))
    return Book("photobook-21x21", "manual", out)


def test_a_100_ppi_image_fails_with_that_reason(library: Library, tmp_path: Path, capsys) -> None:
    out = tmp_path / "low.pdf"
    render_book(manual(library, "obama_portrait.jpg", 100), library.store, out)
    report = preflight(out)
    assert report.status == "fail" and report.reasons() == ["low_ppi"]
    (img,) = report.pages[0].images
    assert img["ppi"] == pytest.approx(100, abs=0.5)
    assert "100 ppi < 150" in report.findings[0].message
    assert main(["preflight", str(out), "--json"]) == 1
    d = json.loads(capsys.readouterr().out)
    assert d["status"] == "fail" and d["findings"][0]["code"] == "low_ppi"


def test_between_150_and_300_ppi_warns_and_passes(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "mid.pdf"
    render_book(manual(library, "biden_portrait.jpg", 200), library.store, out)
    report = preflight(out)
    assert report.status == "warn" and report.ok and report.reasons("warn") == ["low_ppi"]
    assert main(["preflight", str(out)]) == 0


def _image_stream(pdf: pikepdf.Pdf, w: int, h: int) -> pikepdf.Stream:
    img = pdf.make_stream(bytes(range(256)) * (w * h // 256) + bytes(w * h % 256))
    img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    img.Width, img.Height, img.BitsPerComponent = w, h, 8
    img.ColorSpace = pikepdf.Name.DeviceGray
    return img


def test_ppi_follows_forms_rotations_and_scales(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(600, 600))
    page = pdf.pages[0]
    form = pdf.make_stream(b"q 72 0 0 72 0 0 cm /Im0 Do Q")
    form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
    form.BBox = [0, 0, 72, 72]
    form.Matrix = [2, 0, 0, 2, 0, 0]  # the form doubles: the image is 2 x 2 in
    form.Resources = pikepdf.Dictionary(
        XObject=pikepdf.Dictionary(Im0=_image_stream(pdf, 300, 200))
    )
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=form))
    # rotated a quarter turn and moved: rotation must not change the ppi
    page.Contents = pdf.make_stream(b"q 0 1 -1 0 300 100 cm /Fm0 Do Q")
    pdf.save(tmp_path / "forms.pdf")
    report = preflight(tmp_path / "forms.pdf")
    (img,) = report.pages[0].images
    assert img["px"] == [300, 200] and img["placed_mm"] == [50.8, 50.8]
    assert img["ppi"] == pytest.approx(100.0)  # 200 px over 2 in
    assert "low_ppi" in report.reasons()


def test_inline_images_count_too(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 300))
    data = bytes(40 * 40)
    pdf.pages[0].Contents = pdf.make_stream(
        b"q 144 0 0 144 10 10 cm BI /W 40 /H 40 /BPC 8 /CS /G ID " + data + b" EI Q"
    )
    pdf.save(tmp_path / "inline.pdf")
    (img,) = preflight(tmp_path / "inline.pdf").pages[0].images
    assert img["name"] == "inline" and img["ppi"] == pytest.approx(20.0)  # 40 px over 2 in


def test_a_plain_pdf_from_elsewhere_fails_for_every_missing_piece(tmp_path: Path) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    png = (pyvips.Image.black(600, 600, bands=3) + [200, 40, 40]).cast("uchar").pngsave_buffer()
    out = tmp_path / "plain.pdf"
    c = Canvas(str(out), pagesize=(595, 842))
    c.setFont("Helvetica", 12)
    c.drawString(72, 72, "Hello")
    c.drawImage(ImageReader(io.BytesIO(png)), 72, 200, 144, 144)  # 600 px over 2 in
    c.showPage()
    c.save()
    report = preflight(out)
    reasons = set(report.reasons())
    assert {
        "not_pdfx",
        "no_output_intent",
        "no_trimbox",
        "font_not_embedded",
        "colour_space",
    } <= reasons
    assert "low_ppi" not in reasons | set(report.reasons("warn"))
    assert report.pages[0].images[0]["ppi"] == pytest.approx(300.0)
    assert any(f["name"] == "Helvetica" and not f["embedded"] for f in report.pages[0].fonts)


def test_page_count_size_and_bleed_against_the_product(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "four.pdf"
    render_book(manual(library, "jolla.jpg", 300, pages=4), library.store, out)
    assert preflight(out).ok  # without a product: a good PDF/X file
    assert preflight(out, "photobook-21x21").reasons() == ["page_count"]
    assert set(preflight(out, "photobook-a4").reasons()) == {"size", "page_count"}
    thin = tmp_path / "thin.pdf"
    render_book(manual(library, "jolla.jpg", 300, bleed=1.0), library.store, thin)
    r = preflight(thin, "print-6x4")
    assert "bleed" in r.reasons() and r.pages[0].bleed_mm == pytest.approx(1.0, abs=0.01)


def test_unreadable_and_missing_files(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\nthis is not a pdf at all")
    r = preflight(junk)
    assert r.status == "fail" and r.reasons() == ["unreadable"]
    jpeg = tmp_path / "photo.pdf"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + bytes(100))
    assert preflight(jpeg).reasons() == ["unreadable"]
    assert main(["preflight", str(jpeg)]) == 1
    assert main(["preflight", str(tmp_path / "absent.pdf")]) == 2
    assert main(["preflight", str(jpeg), "--product", "mug"]) == 2


def test_pdfx_1a_allows_no_transparency(library: Library, tmp_path: Path) -> None:
    out = tmp_path / "x1a.pdf"
    render_book(manual(library, "jolla.jpg", 300), library.store, out, pdfx="1a")
    assert preflight(out).ok and preflight(out).pdfx == "PDF/X-1a:2003"
    with pikepdf.open(out) as pdf:  # someone adds a translucent fill afterwards
        page = pdf.pages[0]
        page.Resources.ExtGState = pikepdf.Dictionary(GS0=pikepdf.Dictionary(ca=0.5))
        pdf.save(tmp_path / "x1a-alpha.pdf")
    report = preflight(tmp_path / "x1a-alpha.pdf")
    assert report.reasons() == ["transparency"]


def test_every_finding_code_is_a_registered_reason() -> None:
    """The console and the API explain a finding from reasons.toml: no check may report a code
    missing there (Report.add also refuses one)."""
    import ast

    from pressroom import reasons

    src = Path(__file__).resolve().parent.parent / "pressroom" / "preflight"
    used = {
        node.args[1].value
        for path in src.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") == "add"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
    }
    assert len(used) >= 20
    assert used <= set(reasons.codes("preflight"))
