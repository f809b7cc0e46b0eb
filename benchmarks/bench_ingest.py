"""Issue 3 targets: validate+proxy of a 12-MP JPEG within 1.3x one 1/8-scale DCT decode;
ingest without tags <= 80 ms CPU per 12-MP JPEG; HEIC ingest <= 1.2x its decode.
Peers in each group: simplejpeg (libjpeg-turbo) 1/8 decode, Pillow draft, Pillow and pyvips
full decodes, pillow-heif decode."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
import pyvips
import simplejpeg
from PIL import Image

from pressroom import turbojpeg
from pressroom.imaging import fit_within
from pressroom.ingest.pipeline import validate
from pressroom.ingest.service import Ingestor
from pressroom.tags import TagConfig, make_tagger

from .conftest import ingest, make_ingestor, say

JPEG = "olympus_12mp_42_IndexError.jpg"  # 4032x3024, 12.2 MP
HEIC = "pug.heic"  # iPhone 13 Pro, 4032x3024, Display P3


@pytest.fixture
def ingestor(tmp_path: Path) -> Ingestor:
    return make_ingestor(tmp_path)


# --- validate + proxy vs decoders -------------------------------------------------------


@pytest.mark.benchmark(group="jpeg 12MP: validate+proxy vs decodes")
def test_pressroom_validate_jpeg(benchmark, big) -> None:
    verdict, job = benchmark(validate, big[JPEG])
    assert verdict.verdict == "accept" and max(job.proxy.width, job.proxy.height) <= 640


@pytest.mark.benchmark(group="jpeg 12MP: validate+proxy vs decodes")
def test_simplejpeg_eighth_decode(benchmark, big) -> None:
    arr = benchmark(simplejpeg.decode_jpeg, big[JPEG], min_width=504, min_height=378)
    assert arr.shape == (378, 504, 3)


@pytest.mark.benchmark(group="jpeg 12MP: validate+proxy vs decodes")
def test_pillow_draft_eighth_decode(benchmark, big) -> None:
    def run() -> Image.Image:
        im = Image.open(io.BytesIO(big[JPEG]))
        im.draft("RGB", (504, 378))
        im.load()
        return im

    assert benchmark(run).size == (504, 378)


@pytest.mark.benchmark(group="jpeg 12MP: validate+proxy vs decodes")
def test_pillow_full_decode(benchmark, big) -> None:
    def run() -> Image.Image:
        im = Image.open(io.BytesIO(big[JPEG]))
        im.load()
        return im

    assert benchmark(run).size == (4032, 3024)


@pytest.mark.benchmark(group="jpeg 12MP: validate+proxy vs decodes")
def test_pyvips_full_decode(benchmark, big) -> None:
    img = benchmark(lambda: pyvips.Image.jpegload_buffer(big[JPEG]).copy_memory())
    assert img.width == 4032


# --- ingest (no tags) -------------------------------------------------------------------


@pytest.mark.benchmark(group="jpeg 12MP: ingest (no tags)")
def test_ingest_jpeg_upright(benchmark, big, ingestor) -> None:
    """Upright sRGB: strict 1/8 decode for the verdict and proxy, stream kept as master."""
    benchmark(ingest, ingestor, big[JPEG])


@pytest.mark.benchmark(group="jpeg 12MP: ingest (no tags)")
def test_ingest_jpeg_rotated(benchmark, rotated_jpeg, ingestor) -> None:
    """EXIF orientation 6: the DCT blocks moved upright losslessly, the proxy read from
    their coefficients on the way (jpeg_dc)."""
    benchmark(ingest, ingestor, rotated_jpeg)


@pytest.mark.benchmark(group="jpeg 12MP 4:2:0: ingest (no tags)")
def test_ingest_phone_jpeg_upright(benchmark, phone_jpegs, ingestor) -> None:
    benchmark(ingest, ingestor, phone_jpegs[0])


@pytest.mark.benchmark(group="jpeg 12MP 4:2:0: ingest (no tags)")
def test_ingest_phone_jpeg_rotated(benchmark, phone_jpegs, ingestor) -> None:
    """4:2:0: the lossless transform, the proxy's chroma by the 2x2 IDCT from the moved
    blocks (jpeg_dc)."""
    benchmark(ingest, ingestor, phone_jpegs[1])


@pytest.mark.benchmark(group="jpeg 12MP: ingest (no tags)")
def test_ingest_reference_full_decode_encode(benchmark, big) -> None:
    """What a naive ingest costs: pyvips full decode + q92 encode, nothing else."""
    benchmark(lambda: pyvips.Image.jpegload_buffer(big[JPEG]).jpegsave_buffer(Q=92))


# --- HEIC -------------------------------------------------------------------------------


@pytest.mark.benchmark(group="heic 12MP: ingest vs decode")
def test_heic_decode_only(benchmark, big) -> None:
    arr = benchmark(lambda: np.asarray(pillow_heif.open_heif(big[HEIC])))
    assert arr.shape == (3024, 4032, 3)


@pytest.mark.benchmark(group="heic 12MP: ingest vs decode")
def test_heic_validate(benchmark, big) -> None:
    verdict, _ = benchmark(validate, big[HEIC])
    assert verdict.verdict == "accept"


@pytest.mark.benchmark(group="heic 12MP: ingest vs decode")
def test_heic_ingest(benchmark, big, ingestor) -> None:
    benchmark.pedantic(ingest, args=(ingestor, big[HEIC]), rounds=5, iterations=1)


# --- the targets as ratios, measured in turns ----------------------------------------------
# A ratio of two groups timed minutes apart moves with whatever else the host runs (a HEIC
# run read 1.08x and 1.48x within ten minutes). These time both sides in alternation, CPU
# per call, and print the ratio of the medians.


def _in_turns(a: Callable[[], object], b: Callable[[], object], n: int) -> tuple[float, float]:
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(n):
        for f, out in ((a, times[0]), (b, times[1])):
            start = time.process_time()
            f()
            out.append(time.process_time() - start)
    return statistics.median(times[0]), statistics.median(times[1])


@pytest.mark.benchmark(group="targets in turns")
def test_targets_in_turns(
    benchmark, big, rotated_jpeg, phone_jpegs, ingestor, tmp_path, request
) -> None:
    """HEIC ingest over its libheif decode (target <= 1.3x), EXIF-rotated over upright JPEG
    ingest (target <= 2x), 4:2:2 camera stream and 4:2:0 phone JPEG, and a JPEG's ingest
    with tags over its 1/8 decode (target <= 2.5x)."""
    tagging = make_ingestor(tmp_path / "tagged", make_tagger(TagConfig()))
    ingest(tagging, big[JPEG])  # the detector's models load outside the timing
    pairs = {
        "HEIC ingest / its decode": (
            lambda: ingest(ingestor, big[HEIC]),
            lambda: np.asarray(pillow_heif.open_heif(big[HEIC])),
            1.3,
        ),
        "rotated / upright JPEG ingest": (
            lambda: ingest(ingestor, rotated_jpeg),
            lambda: ingest(ingestor, big[JPEG]),
            2.0,
        ),
        "rotated / upright JPEG ingest, 4:2:0": (
            lambda: ingest(ingestor, phone_jpegs[1]),
            lambda: ingest(ingestor, phone_jpegs[0]),
            2.0,
        ),
        "JPEG ingest with tags / its 1/8 decode": (
            lambda: ingest(tagging, big[JPEG]),
            lambda: simplejpeg.decode_jpeg(big[JPEG], min_width=504, min_height=378),
            2.5,
        ),
    }
    lines = []

    def run() -> None:
        for name, (a, b, target) in pairs.items():
            ta, tb = _in_turns(a, b, 12)
            ok = "met" if ta / tb <= target else "NOT met"
            lines.append(
                f"{name}: {ta * 1e3:.0f} / {tb * 1e3:.0f} ms CPU = {ta / tb:.2f}x "
                f"(target <= {target}x: {ok})"
            )

    benchmark.pedantic(run, rounds=1, iterations=1)
    say(request.config, ["", "targets in turns (medians of 12 alternations each):", *lines])


# --- where HEIC ingest time goes (the README's breakdown) --------------------------------


@pytest.fixture(scope="module")
def heic_pixels(big: dict[str, bytes]) -> tuple[pyvips.Image, bytes]:
    heif = pillow_heif.open_heif(big[HEIC])
    img = pyvips.Image.new_from_array(np.asarray(heif), interpretation="srgb").copy_memory()
    return img, heif.info["icc_profile"]


@pytest.mark.benchmark(group="heic 12MP: steps after the decode")
def test_heic_step_p3_to_srgb(benchmark, heic_pixels) -> None:
    """The path ingest takes (steps/colour.fast_p3: table lookups, in place on the
    decoder's array); each round gets a fresh copy of the decoded pixels."""
    from pressroom.ingest.steps.colour import fast_p3

    img, icc = heic_pixels
    pixels = np.ndarray((img.height, img.width, img.bands), np.uint8, img.write_to_memory())
    out = benchmark.pedantic(
        fast_p3, setup=lambda: ((img, icc, pixels.copy()), {}), rounds=10, iterations=1
    )
    assert out is not None and out.shape == (3024, 4032, 3)


@pytest.mark.benchmark(group="heic 12MP: steps after the decode")
def test_heic_step_p3_to_srgb_lcms(benchmark, heic_pixels) -> None:
    """The same transform through lcms (libvips' icc_transform), for comparison."""
    from pressroom.ingest.steps.colour import to_srgb

    img, icc = heic_pixels
    out = benchmark(lambda: to_srgb(img, icc).copy_memory())
    assert out.interpretation == "srgb" and out.width == 4032


@pytest.mark.benchmark(group="heic 12MP: steps after the decode")
def test_heic_step_master_encode(benchmark, heic_pixels) -> None:
    """The path ingest takes (steps/master: TurboJPEG, q92, 4:2:0 as the HEIC stored it,
    from the colour step's own array)."""
    img, _ = heic_pixels
    pixels = img.numpy()
    out = benchmark(turbojpeg.encode, pixels, img.width, img.height, 3, 92, "420")
    assert out[:2] == b"\xff\xd8"


@pytest.mark.benchmark(group="heic 12MP: steps after the decode")
def test_heic_step_master_encode_libvips(benchmark, heic_pixels) -> None:
    """The same picture by libvips' jpegsave (the path before), for comparison."""
    img, _ = heic_pixels
    run = lambda: img.jpegsave_buffer(Q=92, keep="none", subsample_mode="on")  # noqa: E731
    assert benchmark(run)[:2] == b"\xff\xd8"


@pytest.mark.benchmark(group="heic 12MP: steps after the decode")
def test_heic_step_proxy(benchmark, heic_pixels) -> None:
    """The path ingest takes (imaging.fit_within: the exact Lanczos3, no box shrink)."""
    img, _ = heic_pixels
    assert benchmark(lambda: fit_within(img, 640).copy_memory()).width == 640


@pytest.mark.benchmark(group="heic 12MP: steps after the decode")
def test_heic_step_proxy_thumbnail_image(benchmark, heic_pixels) -> None:
    """libvips' thumbnail_image (box shrink, then Lanczos3): the path before."""
    img, _ = heic_pixels
    assert benchmark(lambda: img.thumbnail_image(640).copy_memory()).width == 640
