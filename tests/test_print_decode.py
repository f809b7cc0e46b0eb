"""The print renderer's JPEG decode (simplejpeg into memory, then libvips) gives the pixels
libvips' own loader gives, at every shrink-on-load factor, for the JPEG kinds a master can be
(4:2:0, 4:2:2, 4:4:4, progressive, grey; CMYK stays with libvips); and a page's picture is the
same as the one the libvips-only path made (issue 17: the 40-page book's CPU)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

from pressroom.render.jpeg import decode
from pressroom.render.print.images import JPEG_Q, _srgb, load_crop

KINDS = [
    "big/olympus_12mp_42_IndexError.jpg",  # 4:2:2 camera JPEG, 12 MP
    "big/jolla.jpg",  # 4:2:0 phone JPEG
    "colour/hopper_gray.jpg",  # grey
    "colour/icc_profile_big.jpg",  # progressive
]


def _diff(a: pyvips.Image, b: pyvips.Image) -> tuple[float, float]:
    d = (a.cast("float") - b.cast("float")).abs()
    return d.avg(), d.max()


@pytest.mark.parametrize("name", KINDS)
@pytest.mark.parametrize("shrink", [1, 2, 4, 8])
def test_decode_equals_libvips(corpus: Path, name: str, shrink: int) -> None:
    data = (corpus / name).read_bytes()
    got = decode(data, shrink)
    want = pyvips.Image.new_from_buffer(data, "", shrink=shrink)
    assert (got.width, got.height, got.bands) == (want.width, want.height, want.bands)
    assert got.format == "uchar"
    mean, peak = _diff(got, want)
    # same libjpeg-turbo IDCT and upsampling: identical, or off by one where builds differ
    assert mean < 0.01 and peak <= 1, (name, shrink, mean, peak)
    assert got.deviate() > 5, "a real picture"


def test_cmyk_and_444_our_own_output(corpus: Path) -> None:
    """Our page JPEGs (q92, 4:4:4) go through simplejpeg; CMYK ones through libvips."""
    src = pyvips.Image.new_from_file(str(corpus / "big" / "jolla.jpg"), shrink=4)
    rgb = src.jpegsave_buffer(Q=JPEG_Q, keep="none")
    mean, peak = _diff(decode(rgb, 2), pyvips.Image.new_from_buffer(rgb, "", shrink=2))
    assert mean < 0.01 and peak <= 1
    cmyk = (corpus / "colour" / "pil_sample_cmyk.jpg").read_bytes()
    got = decode(cmyk)
    assert got.bands == 4 and got.interpretation == "cmyk"
    assert _diff(got, pyvips.Image.new_from_buffer(cmyk, ""))[1] == 0


def test_damaged_jpeg_falls_back_to_libvips(corpus: Path) -> None:
    """A master is strict-checked at ingest; should one still carry a libjpeg warning, the
    renderer decodes it leniently as before instead of failing the page."""
    data = (corpus / "big" / "jolla.jpg").read_bytes()
    cut = data[: len(data) * 3 // 4]  # no EOI: simplejpeg (strict) refuses, libvips renders
    img = decode(cut, 4)
    full = pyvips.Image.new_from_buffer(data, "", shrink=4)
    assert (img.width, img.height) == (full.width, full.height)


def test_page_picture_unchanged(corpus: Path) -> None:
    """The 40-page benchmark's placement (square crop of a 12-MP photo to 2552 px): the new
    decode makes the picture the libvips loader made, byte for byte after the same encode."""
    data = (corpus / "big" / "olympus_12mp_42_IndexError.jpg").read_bytes()
    crop = (504.0, 0.0, 3024.0, 3024.0)
    got = _srgb(load_crop(data, 4032, crop, 2552, 2552))
    old = pyvips.Image.new_from_buffer(data, "").crop(504, 0, 3024, 3024)
    old = old.resize(2552 / 3024, kernel="lanczos3")
    assert (got.width, got.height) == (2552, 2552)
    mean, peak = _diff(got, old)
    assert mean < 0.01 and peak <= 1
