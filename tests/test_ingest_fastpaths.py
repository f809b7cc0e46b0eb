"""Issue 17's ingest fast paths, wired: EXIF-rotated sRGB JPEGs become masters by lossless
DCT transposition (re-encoded only where no perfect transform exists), and Display P3
photos are converted to sRGB by fastcolour's tables instead of lcms."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import pyvips
import simplejpeg

from pressroom import jpegtran, turbojpeg
from pressroom.ingest import fastcolour, jpeg_dc
from pressroom.ingest.context import IngestContext
from pressroom.ingest.pipeline import NORMALISE, run
from pressroom.ingest.steps.colour import colour, fast_p3, to_srgb
from pressroom.ingest.steps.decode import decode_master
from pressroom.ingest.steps.orient import orient
from pressroom.ingest.steps.probe import probe
from pressroom.ingest.steps.sniff import sniff
from tests.conftest import CORPUS
from tests.test_fastcolour import delta_e00, srgb8_to_lab
from tests.test_jpegtran import perfect, with_orientation

BIG = CORPUS / "big" / "olympus_12mp_42_IndexError.jpg"  # 4032x3024 4:2:0: all MCUs whole


def _normalise(data: bytes) -> IngestContext:
    ctx = IngestContext(data=data)
    run(NORMALISE, ctx)
    return ctx


def _decoded_rotation(data: bytes) -> np.ndarray:
    """The reference: a full decode of the source, turned upright by libvips."""
    return pyvips.Image.new_from_buffer(data, "").autorot().numpy().astype(np.int16)


@pytest.mark.parametrize("orientation", [2, 3, 4, 5, 6, 7, 8])
def test_rotated_jpeg_master_is_lossless_transposition(orientation: int) -> None:
    assert jpegtran.available(), "apt-get install libturbojpeg0"
    src = with_orientation(BIG.read_bytes(), orientation)
    ctx = _normalise(src)
    assert ctx.passthrough and ctx.master_format == "jpeg"
    assert ctx.master == jpegtran.transform(src, orientation)  # the coefficients, moved
    master = pyvips.Image.new_from_buffer(ctx.master, "")
    assert "orientation" not in master.get_fields() and "exif-data" not in master.get_fields()
    got = master.numpy().astype(np.int16)
    ref = _decoded_rotation(src)
    assert got.shape == ref.shape
    # Chroma upsampling interpolates across the rotated grid in the other direction, so
    # values differ by a few codes where chroma changes (as tests/test_jpegtran.py states).
    diff = np.abs(got - ref)
    assert diff.max() <= 4 and diff.mean() < 0.25
    # The proxy is the master's own 1/8 decode, exactly: read from the DC coefficients the
    # transform moved (jpeg_dc; this camera stream is 4:2:2), not from a second decode.
    assert ctx.oriented
    want = simplejpeg.decode_jpeg(
        ctx.master, min_width=-(-master.width // 8), min_height=-(-master.height // 8)
    )
    np.testing.assert_array_equal(ctx.proxy.numpy(), want)


@pytest.mark.parametrize("orientation", [2, 3, 4, 5, 6, 7, 8])
def test_rotation_without_perfect_transform_is_reencoded(orientation: int) -> None:
    """1800x1200 at 4:2:0 (16 px MCUs, 8 px left over on the long side): a transform that
    brings that partial edge to the top or left cannot be lossless, so the master is decoded
    and re-encoded; the others are transposed."""
    src = (CORPUS / "orientation" / f"Landscape_{orientation}.jpg").read_bytes()
    stored = pyvips.Image.new_from_buffer(src, "")
    lossless = perfect(stored.width, stored.height, 2, orientation)
    assert not all(perfect(1800, 1200, 2, o) for o in range(2, 9))  # both paths are covered
    ctx = _normalise(src)
    assert ctx.passthrough is lossless
    assert (ctx.upright_jpeg is not None) is lossless
    master = pyvips.Image.new_from_buffer(ctx.master, "")
    ref = _decoded_rotation(src)
    got = master.numpy().astype(np.int16)
    assert got.shape == ref.shape == (1200, 1800, 3)
    assert np.abs(got - ref).mean() < (0.25 if lossless else 2.0)


def test_rotated_420_proxy_is_read_from_the_moved_blocks() -> None:
    """4:2:0 (as phones write): the proxy is the master's own 1/8 decode, exactly, its
    chroma through the 2x2 IDCT from the coefficients the transform moved (jpeg_dc), and
    within the IDCT's rounding of the source's 1/8 decode turned upright."""
    src = with_orientation(pyvips.Image.new_from_file(str(BIG)).jpegsave_buffer(Q=85), 6)
    ctx = _normalise(src)
    assert ctx.passthrough and ctx.oriented
    assert ctx.master == jpegtran.transform(src, 6)
    want = simplejpeg.decode_jpeg(ctx.master, min_width=378, min_height=504)
    np.testing.assert_array_equal(ctx.proxy.numpy(), want)
    turned = np.rot90(simplejpeg.decode_jpeg(src, min_width=504, min_height=378), -1)
    diff = np.abs(ctx.proxy.numpy().astype(np.int16) - turned)
    assert diff.max() <= 3 and diff.mean() < 0.1, (diff.max(), diff.mean())


def test_the_block_filter_is_built() -> None:
    """`make test` builds pressroom/ingest/_blocks.c with the package. Without it a rotated
    JPEG's proxy comes from a second decode of the source (the next test): ~16 ms more for
    12 MP at 4:2:0 (benchmarks/bench_jpegtran.py)."""
    assert jpeg_dc.Eighth.available(), (
        "pressroom/ingest/_blocks.c is not built: install a C compiler (apt-get install gcc) "
        "and Python's headers, then `make test` again (it reinstalls the package)"
    )


@pytest.mark.parametrize("q", [85, 95])  # 4:2:0 and, from q90, libvips' 4:4:4
def test_rotated_proxy_without_the_block_filter(monkeypatch: pytest.MonkeyPatch, q: int) -> None:
    """Where the C filter is missing, the proxy is the strict 1/8 decode of the source,
    turned by the orient step: the same master, and the same proxy within the 2x2 IDCT's
    rounding of the other grid (exactly, where no chroma is subsampled both ways)."""
    src = with_orientation(pyvips.Image.new_from_file(str(BIG)).jpegsave_buffer(Q=q), 6)
    with_filter = _normalise(src)
    monkeypatch.setattr(jpeg_dc, "_blocks", None)
    without = _normalise(src)
    assert with_filter.oriented and not without.oriented  # proxy read from the moved blocks
    assert without.master == with_filter.master == jpegtran.transform(src, 6)
    a, b = (c.proxy.numpy().astype(np.int16) for c in (with_filter, without))
    assert a.shape == b.shape == (504, 378, 3)
    diff = np.abs(a - b)
    assert diff.max() <= (3 if q < 90 else 0) and diff.mean() < 0.1, (diff.max(), diff.mean())


def test_damaged_rotated_jpeg_keeps_its_reason() -> None:
    src = with_orientation(BIG.read_bytes(), 6)
    cut = src[: len(src) * 2 // 3]
    ctx = IngestContext(data=cut)
    with pytest.raises(Exception) as exc:
        run(NORMALISE, ctx)
    assert getattr(exc.value, "reason", None) == "truncated"


@pytest.mark.parametrize("name", ["pug.heic", "iphone_13_pro_max.HEIC", "Display_P3.heic"])
def test_heic_p3_fast_path_matches_lcms(name: str) -> None:
    """The pixels the master is encoded from, fast path vs lcms: mean ΔE00 < 0.5, max < 2."""
    ctx = IngestContext(data=(CORPUS / "big" / name).read_bytes())
    run((sniff, probe, decode_master), ctx)
    assert ctx.header is not None and fastcolour.is_display_p3(ctx.header.icc)
    img = ctx.image
    assert img is not None
    lcms = to_srgb(img, ctx.header.icc).numpy()  # before fast_p3: it may convert in place
    got = fast_p3(img, ctx.header.icc)
    assert got is not None
    step = 7  # every 7th pixel both ways: 250k pixels keep the ΔE maths quick
    de = delta_e00(srgb8_to_lab(got[::step, ::step]), srgb8_to_lab(lcms[::step, ::step]))
    assert de.mean() < 0.5 and de.max() < 2.0
    assert np.abs(got.astype(int) - lcms).max() <= 2


def test_heic_ingest_uses_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = fastcolour.p3_to_srgb

    def counting(pixels, profile=None, out=None):  # a spy: the real conversion still runs
        calls.append(pixels.size)
        return real(pixels, profile, out)

    monkeypatch.setattr(fastcolour, "p3_to_srgb", counting)
    ctx = _normalise((CORPUS / "big" / "pug.heic").read_bytes())
    assert calls == [4032 * 3024 * 3] and ctx.master_format == "jpeg"


def test_untagged_or_srgb_images_skip_the_fast_path() -> None:
    img = pyvips.Image.black(8, 8, bands=3)
    assert fast_p3(img, None) is None
    assert fast_p3(img, Path(__file__).read_bytes()[:200]) is None


def _sampling(jpeg: bytes) -> list[tuple[int, int]]:
    """The (h, v) sampling factors of each component, from the JPEG's frame header."""
    from pressroom.ingest.formats import jpeg as reader

    return list(reader.probe(jpeg).extra["sampling"])


def test_heic_master_keeps_the_source_chroma_and_its_pixels() -> None:
    """A phone HEIC stores its colour at 4:2:0: its master is 4:2:0 too (a third less
    encoding), and decodes within 45 dB PSNR of the sRGB pixels it was made from (the colour
    the encoder halves was upsampled from half resolution in the first place)."""
    data = (CORPUS / "big" / "pug.heic").read_bytes()
    ctx = IngestContext(data=data)
    run((sniff, probe, decode_master, orient, colour), ctx)  # the pixels the master is made of
    assert ctx.header is not None and ctx.header.half_chroma and ctx.image is not None
    want = ctx.image.numpy().astype(np.float64)
    master = _normalise(data).master
    assert master is not None and _sampling(master) == [(2, 2), (1, 1), (1, 1)]
    got = pyvips.Image.new_from_buffer(master, "").numpy().astype(np.float64)
    psnr = 10 * np.log10(255**2 / np.mean((got - want) ** 2))
    assert psnr > 45, psnr  # 45.7 dB; a 4:4:4 master: 45.8


@pytest.mark.parametrize(("subsample", "factors"), [("off", (1, 1)), ("on", (2, 2))])
def test_reencoded_master_keeps_the_source_chroma(subsample: str, factors: tuple[int, int]) -> None:
    """A JPEG that must be re-encoded (tagged Display P3 here) keeps the chroma resolution
    it had: 4:4:4 stays 4:4:4 (print-grade), 4:2:0 stays 4:2:0."""
    heic = pyvips.Image.new_from_file(str(CORPUS / "big" / "pug.heic"))
    profile = heic.get("icc-profile-data")
    img = pyvips.Image.new_from_file(str(BIG)).resize(0.25).copy()
    img.set_type(pyvips.GValue.blob_type, "icc-profile-data", profile)
    src = img.jpegsave_buffer(Q=95, subsample_mode=subsample)
    ctx = _normalise(src)
    assert ctx.master is not None and not ctx.passthrough
    assert _sampling(ctx.master)[0] == factors


def test_master_without_libturbojpeg_is_libvips_own(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Where libturbojpeg is missing the master is libvips' jpegsave, at the same chroma: the
    same decoded pixels as the TurboJPEG encode (turbojpeg.encode) ingest uses; and it is
    said, once."""
    data = (CORPUS / "big" / "pug.heic").read_bytes()
    with_tj = _normalise(data)
    monkeypatch.setattr(turbojpeg, "available", lambda: False)
    with caplog.at_level(logging.WARNING, logger="pressroom.capabilities"):
        without = _normalise(data)
    said = [r.getMessage() for r in caplog.records if r.name == "pressroom.capabilities"]
    assert len(said) == 1 and said[0].startswith("pressroom: libturbojpeg is missing, so")
    assert with_tj.master is not None and without.master is not None
    assert with_tj.master != without.master  # two encoders ...
    a, b = simplejpeg.decode_jpeg(with_tj.master), simplejpeg.decode_jpeg(without.master)
    assert np.array_equal(a, b)  # ... one picture
    assert simplejpeg.decode_jpeg_header(without.master)[3] == "420"  # the source's chroma


def test_p3_master_is_encoded_from_the_colour_steps_array(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Display P3 photo's sRGB pixels are a numpy array already: the master's encoder reads
    that array, not a 36 MB copy of it out of libvips."""
    seen: list[object] = []
    real = turbojpeg.encode

    def spy(pixels, *args):  # the real encode still runs
        seen.append(pixels)
        return real(pixels, *args)

    monkeypatch.setattr(turbojpeg, "encode", spy)
    ctx = _normalise((CORPUS / "big" / "pug.heic").read_bytes())
    assert ctx.pixels is not None and len(seen) == 1 and seen[0] is ctx.pixels
    assert ctx.master is not None and ctx.master_format == "jpeg"
    d = simplejpeg.decode_jpeg(ctx.master).astype(np.int16) - ctx.pixels
    assert 10 * np.log10(255**2 / np.mean(d.astype(np.float64) ** 2)) > 44  # that picture


@pytest.mark.parametrize(
    ("name", "threads"), [("olympus_12mp_42_IndexError.jpg", False), ("pug.heic", True)]
)
def test_master_and_proxy_share_a_thread_only_where_the_master_is_encoded(
    monkeypatch: pytest.MonkeyPatch, name: str, threads: bool
) -> None:
    """A 12-MP HEIC's master encode (~33 ms) runs beside its proxy's resize (~16); an upright
    JPEG's master is a copy of its own segments (~2 ms), where a thread costs more than it
    saves, so both run in order on the calling thread."""
    import pressroom.steps

    pools: list[int] = []
    real = pressroom.steps.ThreadPoolExecutor

    def pool(n: int) -> object:
        pools.append(n)
        return real(n)

    monkeypatch.setattr(pressroom.steps, "ThreadPoolExecutor", pool)
    ctx = _normalise((CORPUS / "big" / name).read_bytes())
    assert ctx.passthrough is not threads
    assert ctx.master is not None and ctx.proxy is not None  # both steps ran
    assert pools == ([1] if threads else [])


@pytest.mark.parametrize("name", ["olympus_12mp_42_IndexError.jpg", "pug.heic"])
def test_proxy_blob_is_libvips_q90_picture(tmp_path: Path, name: str) -> None:
    """The stored proxy is encoded by TurboJPEG (imaging.encode_jpeg): decoded, the pixels of
    libvips' jpegsave at q90 (4:4:4), with no metadata."""
    from pressroom.catalogue import open_catalogue
    from pressroom.config import Settings
    from pressroom.ids import proxy_key
    from pressroom.ingest.service import PROXY_QUALITY, Ingestor
    from pressroom.storage import open_store

    data = (CORPUS / "big" / name).read_bytes()
    settings = Settings(data_dir=tmp_path)
    store = open_store(settings)
    result = Ingestor(store, open_catalogue(settings), settings).ingest_bytes(data, name)
    assert result.state == "uploaded" and result.id
    blob = store.get(proxy_key(result.id))
    proxy = _normalise(data).proxy
    assert proxy is not None
    libvips = proxy.jpegsave_buffer(Q=PROXY_QUALITY, keep="none")
    assert blob != libvips  # two encoders ...
    assert np.array_equal(simplejpeg.decode_jpeg(blob), simplejpeg.decode_jpeg(libvips))
    assert simplejpeg.decode_jpeg_header(blob)[3] == "444"
    assert set(pyvips.Image.new_from_buffer(blob, "").get_fields()).isdisjoint(
        {"exif-data", "xmp-data", "icc-profile-data"}
    )
