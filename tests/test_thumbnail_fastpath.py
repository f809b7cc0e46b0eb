"""The thumbnail engine's fast path (issue 17): our JPEGs decode through simplejpeg at libvips'
own shrink-on-load rule and Pillow encodes JPEG and WebP, so a cold request spends its CPU on
the picture, not on libvips' worker-thread hand-offs. It must give libvips' pixels: the load
equals `thumbnail_buffer` within 2/255 at every size, grey stays grey, the JPEG chroma
subsampling follows libvips (4:2:0 below q90, 4:4:4 from it), and the reused decode buffer
never leaks one render's pixels into the next."""

from __future__ import annotations

import gc
import io
from pathlib import Path

import numpy as np
import pytest
import pyvips
from PIL import Image

from pressroom.imaging import jpeg_shrink
from pressroom.render.jpeg import decode
from pressroom.render.options import ThumbOptions
from pressroom.render.thumbnail import render
from pressroom.render.thumbnail.steps.load import _load_whole

SOURCES = [
    "big/jolla.jpg",  # 4:2:0 phone JPEG, 12 MP
    "big/olympus_12mp_42_IndexError.jpg",  # 4:2:2
    "colour/hopper_gray.jpg",  # grey
    "colour/icc_profile_big.jpg",  # progressive
]


@pytest.mark.parametrize("name", SOURCES)
@pytest.mark.parametrize("fraction", [0.9, 0.45, 0.24, 0.11, 0.05])
def test_load_equals_libvips_thumbnail(corpus: Path, name: str, fraction: float) -> None:
    data = (corpus / name).read_bytes()
    head = pyvips.Image.new_from_buffer(data, "")
    rw, rh = max(1, round(head.width * fraction)), max(1, round(head.height * fraction))
    want = pyvips.Image.thumbnail_buffer(data, rw, height=rh, size="force", no_rotate=True)
    got = _load_whole(data, rw, rh)
    assert (got.width, got.height, got.bands) == (want.width, want.height, want.bands)
    d = (got.cast("float") - want.copy_memory().cast("float")).abs()
    assert d.avg() < 0.2 and d.max() <= 2, (name, fraction, d.avg(), d.max())
    assert got.deviate() > 5, "a real picture"


def test_dct_shrink_leaves_a_factor_of_two_to_the_resize() -> None:
    """The load asks jpeg_shrink for twice the target (libvips' vips_thumbnail_find_jpegshrink)."""
    assert jpeg_shrink(4032, 3024, 2 * 500, 2 * 375) == 4  # 8.06x: decode 1008 px, then Lanczos
    assert jpeg_shrink(4032, 3024, 2 * 252, 2 * 189) == 8  # 16x
    assert jpeg_shrink(4032, 3024, 2 * 1008, 2 * 756) == 2  # exactly 4x
    assert jpeg_shrink(640, 480, 2 * 520, 2 * 390) == 1


def _sampling(jpeg: bytes) -> tuple[tuple[int, int], ...]:
    """The (h, v) sampling factors of each component, from the SOF marker."""
    i = 2
    while i < len(jpeg):
        marker, length = jpeg[i + 1], int.from_bytes(jpeg[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            n = jpeg[i + 9]
            comps = jpeg[i + 10 : i + 10 + 3 * n]
            return tuple((comps[k + 1] >> 4, comps[k + 1] & 15) for k in range(0, 3 * n, 3))
        i += 2 + length
    raise AssertionError("no SOF marker")


@pytest.mark.parametrize(("quality", "luma"), [(82, (2, 2)), (90, (1, 1))])
def test_jpeg_subsampling_follows_libvips(corpus: Path, quality: int, luma: tuple) -> None:
    data = (corpus / "big/jolla.jpg").read_bytes()
    out = render(data, ThumbOptions(width=320, height=320, fit="inside", quality=quality), "jpeg")
    assert _sampling(out.data) == (luma, (1, 1), (1, 1))
    ref = pyvips.Image.thumbnail_buffer(data, 320, height=320, no_rotate=True)
    vips = ref.jpegsave_buffer(Q=quality, keep="none", optimize_coding=True)
    assert _sampling(vips) == _sampling(out.data)  # what libvips' saver would have chosen
    pic = Image.open(io.BytesIO(out.data))
    assert pic.size == (out.width, out.height) == (320, 240)
    assert not pic.info.get("exif") and not pic.info.get("icc_profile")


def test_grey_stays_grey_and_webp_decodes(corpus: Path) -> None:
    data = (corpus / "colour/hopper_gray.jpg").read_bytes()
    out = render(data, ThumbOptions(width=200, height=200, fit="inside"), "jpeg")
    assert Image.open(io.BytesIO(out.data)).mode == "L"
    webp = render(data, ThumbOptions(width=200, height=200, fit="inside"), "webp")
    pic = Image.open(io.BytesIO(webp.data))
    assert pic.format == "WEBP" and pic.size == (webp.width, webp.height)


def test_reused_buffer_never_mixes_renders(corpus: Path) -> None:
    """Two photos rendered in turn on one thread, then again: each time its own pixels."""
    a = (corpus / "big/jolla.jpg").read_bytes()
    b = (corpus / "big/HMD_Nokia_8.3_5G.jpg").read_bytes()
    opts = ThumbOptions(width=240, height=240, fit="cover", quality=95)

    def px(data: bytes) -> np.ndarray:
        out = render(data, opts, "jpeg").data
        return np.asarray(Image.open(io.BytesIO(out)).convert("RGB"), dtype=np.float32)

    first_a, first_b = px(a), px(b)
    assert np.abs(first_a - first_b).mean() > 10, "two different photos"
    assert np.abs(px(a) - first_a).max() <= 1
    assert np.abs(px(b) - first_b).max() <= 1


def test_decoded_pixels_outlive_copy_memory(corpus: Path) -> None:
    """copy_memory() of a bare memory image shares its pixels without pyvips' reference to
    the decoder's array: decode() must never hand one out (this crashed the process)."""
    data = (corpus / "big/olympus_12mp_42_IndexError.jpg").read_bytes()
    img = decode(data, 4).copy_memory()
    gc.collect()
    scribble = np.full(8_000_000, 255, np.uint8)  # reuse whatever was freed
    want = pyvips.Image.jpegload_buffer(data, shrink=4)
    assert abs(img.avg() - want.avg()) < 0.01 and scribble[0] == 255
