"""Captions in any script: shaped by HarfBuzz, set in the shipped Noto fonts, embedded as
subsets, extractable with pdftotext (right-to-left in logical order), and drawn with the same
glyphs in the preview. Checked on real PDFs with poppler and on the preview's pixels."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
import pyvips

from pressroom.products.book import Page, Text
from pressroom.products.model import Rect
from pressroom.reasons import ConfigError
from pressroom.render.print.page_pdf import write_page
from pressroom.render.print.preview import render_preview, save_preview
from pressroom.text import covers, fit_size, fits, measure, shape
from pressroom.text.bidi import levels
from pressroom.text.faces import FontFace
from tests.system_tools import require

CAPTIONS = {
    "greek": ("Καλημέρα από την Αθήνα", "latin"),
    "cyrillic": ("Привет из Москвы", "latin"),
    "arabic": ("مرحبا من القاهرة", "arabic"),
    "hebrew": ("שלום מירושלים", "hebrew"),
    "devanagari": ("नमस्ते दिल्ली से", "devanagari"),
    "japanese": ("東京からこんにちは", "cjk"),
    "chinese": ("来自北京的问候", "cjk"),
    "korean": ("서울에서 안녕하세요", "cjk"),
    "latin": ("Summer in Lisbon & <b>Porto</b>", "latin"),
}
PPI = 100
ROW = 20  # mm between caption boxes


def sh(*args: str) -> str:
    require("pdfinfo" if args[0] == "pdftotext" else args[0])  # poppler-utils
    r = subprocess.run(args, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _page() -> Page:
    texts = [
        Text(Rect(10, 8 + ROW * i, 170, 14), s, 18) for i, (s, _) in enumerate(CAPTIONS.values())
    ]
    texts.append(Text(Rect(195, 10, 8, 180), "Spine 東京 שלום", 12, rotate=90))
    return Page(1, 210, 210, 3, "captions", [], texts)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Page, Path, Path]:
    out = tmp_path_factory.mktemp("captions")
    page = _page()
    write_page(page, [], out / "page.pdf")
    save_preview(render_preview(page, [], PPI), out / "page.png")
    return page, out / "page.pdf", out / "page.png"


@pytest.mark.parametrize("script", sorted(CAPTIONS))
def test_every_glyph_is_real(script: str) -> None:
    text, face = CAPTIONS[script]
    line = shape(text)
    assert covers(text) == []
    assert line.glyph_ids() and 0 not in line.glyph_ids(), "no .notdef (tofu)"
    assert {r.face for r in line.runs if r.text.strip()} == {face}


def test_pdftotext_gives_every_caption_back(rendered: tuple[Page, Path, Path]) -> None:
    _, pdf, _ = rendered
    out = sh("pdftotext", str(pdf), "-")
    # pdftotext marks a right-to-left line with embedding controls (RLE ... PDF).
    out = out.replace("\u202b", "").replace("\u202c", "")
    lines = [" ".join(ln.split()) for ln in out.splitlines()]
    for text, _ in CAPTIONS.values():
        assert text in lines, (text, lines)  # RTL in logical order, Indic clusters whole
    assert "Spine 東京 שלום" in lines


def test_fonts_are_embedded_subsets(rendered: tuple[Page, Path, Path]) -> None:
    _, pdf, _ = rendered
    rows = sh("pdffonts", str(pdf)).splitlines()[2:]
    names = {r.split()[0].split("+")[1] for r in rows}
    assert names == {
        "NotoSans-Regular",
        "NotoSansArabic-Regular",
        "NotoSansHebrew-Regular",
        "NotoSansDevanagari-Regular",
        "NotoSansCJKtc-Regular",
    }
    for r in rows:
        assert "CID TrueType" in r and r.split()[-5:-2] == ["yes", "yes", "yes"], r
    with pikepdf.open(pdf) as doc:
        files = [
            f.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
            for f in doc.pages[0].Resources.Font.values()
            if f.Subtype == "/Type0"
        ]
    # The CJK face is 16 MB; a page of captions carries only the glyphs it shows.
    assert files and max(len(f) for f in files) < 60_000


def test_preview_draws_the_pdf_glyphs(rendered: tuple[Page, Path, Path], tmp_path: Path) -> None:
    page, pdf, png = rendered
    pre = pyvips.Image.new_from_file(str(png))
    sh("pdftoppm", "-r", str(PPI), "-png", "-singlefile", str(pdf), str(tmp_path / "ras"))
    ras = pyvips.Image.new_from_file(str(tmp_path / "ras.png"))
    assert abs(ras.width - pre.width) <= 1  # both at 100 ppi from the top-left: no resampling
    for t in page.texts:  # ink in every caption box, and the same ink as the print
        r, b = t.rect, page.bleed
        box = [round((v + b) / 25.4 * PPI) for v in (r.x, r.y)] + [
            round(v / 25.4 * PPI) for v in (r.w, r.h)
        ]
        p, q = pre.crop(*box)[0], ras.crop(*box)[0]
        ink_p, ink_q = (p < 128).avg() / 255, (q < 128).avg() / 255
        assert ink_p > 0.01, (t.text, ink_p)
        assert ink_p == pytest.approx(ink_q, rel=0.15), t.text  # anti-aliasing differs
        assert (p.cast("float") - q.cast("float")).abs().avg() < 5, t.text


def test_the_same_page_gives_the_same_bytes(tmp_path: Path) -> None:
    page = _page()
    write_page(page, [], tmp_path / "a.pdf")
    write_page(page, [], tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_right_to_left_runs_in_visual_order() -> None:
    line = shape("שלום")
    carried = [g.text for r in line.runs for g in r.glyphs if g.text]
    assert line.rtl and carried == ["ם", "ו", "ל", "ש"]  # left to right on the page
    # A Latin sentence with a Hebrew name and a number: the name reads right to left, the
    # number stays after it on the page.
    mixed = shape("Trip to ירושלים 2023!")
    assert [r.text for r in mixed.runs] == ["Trip to ", "2023", "ירושלים ", "!"]
    assert levels("abc אבג 12") == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2]
    # Arabic numbers after Arabic letters; brackets mirrored by HarfBuzz in RTL runs.
    arabic = shape("مرحبا (2024)")
    assert arabic.rtl and arabic.runs[-1].rtl


def test_japanese_korean_and_chinese_forms_come_from_one_face() -> None:
    # U+76F4 (直) differs between Japanese and Chinese: locl picks the glyph.
    ja = shape("直す").runs[0].glyphs[0].gid
    zh = shape("直接").runs[0].glyphs[0].gid
    assert ja != zh
    assert shape("한국어").runs[0].face == "cjk"


def test_covers_names_what_no_font_has() -> None:
    assert covers("Café 😀 𓀀 ok 😀") == ["😀", "𓀀"]
    line = shape("a😀")
    assert 0 in line.glyph_ids()  # drawn as .notdef, which the design check reports


def test_fits_and_fit_size_measure_shaped_width() -> None:
    assert measure("Summer in Lisbon", 12) == pytest.approx(shape("Summer in Lisbon").width * 12)
    assert measure("مرحبا", 20) > measure("مرحبا", 10) > 0
    assert fits("Summer in Lisbon", (80, 10), 14)
    assert not fits("Summer in Lisbon" * 4, (80, 10), 14)  # too long for the box
    assert not fits("Summer", (80, 4), 14)  # taller than the box
    size = fit_size("Summer in Lisbon" * 4, 14, 80)
    assert size < 14 and measure("Summer in Lisbon" * 4, size) <= 80 * 72 / 25.4 + 0.01


def test_missing_font_package_is_a_config_error() -> None:
    face = FontFace("nope", "pressroom_no_such_font_pkg", "no-such-font==1", "x.ttf")
    with pytest.raises(ConfigError) as e:
        _ = face.path
    assert e.value.code == "missing_font" and "pip install no-such-font==1" in str(e.value)
