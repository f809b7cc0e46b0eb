"""Issue 17 item 5: an EXIF-rotated 12-MP JPEG made upright by lossless DCT transposition
(pressroom/_rotate.c on libjpeg; libjpeg-turbo's tjTransform beside it, the same bytes)
against the decode + rotate + q92 re-encode it replaces. The source is a real camera stream
(Olympus E-P3, 4032x3024, 4:2:2) given EXIF orientation 6 without re-encoding, as a phone
stores a portrait shot; the by-orientation group gives it every other orientation too.

Most of tjTransform's CPU time on this machine is page faults (`stime`): libjpeg allocates
the source and destination coefficient arrays (~48 MB each here) for every call, and glibc
returns them to the kernel on free. A process that keeps freed memory (glibc tunables
malloc.trim_threshold/mmap_threshold, or malloc.hugetlb=1) roughly halves the figure; see
the module notes in pressroom/jpegtran.py.
"""

from __future__ import annotations

import numpy as np
import pytest
import pyvips
import simplejpeg

from pressroom import jpegtran
from pressroom.ingest import jpeg_dc
from tests.test_jpegtran import tj_transform, with_orientation

JPEG = "olympus_12mp_42_IndexError.jpg"  # 4032x3024, 12.2 MP, 4:2:2 (all MCUs whole)
GROUP = "rotated jpeg"


@pytest.mark.benchmark(group=GROUP)
def test_jpegtran_transform(benchmark, rotated_jpeg) -> None:
    """The master: lossless rot90 of the DCT blocks, no metadata."""
    out = benchmark(jpegtran.transform, rotated_jpeg, 6)
    assert out is not None and out[:2] == b"\xff\xd8"


@pytest.mark.benchmark(group=GROUP)
def test_jpegtran_transform_and_proxy(benchmark, rotated_jpeg) -> None:
    """All the image work of a lossless rotated ingest: the master by transposition, and
    the 504x378 proxy decoded from its blocks on the way (jpeg_dc's C filter)."""

    def run() -> tuple[bytes | None, np.ndarray | None]:
        eighth = jpeg_dc.Eighth(rotated_jpeg, 6)
        master = jpegtran.transform(rotated_jpeg, 6, eighth.filter)
        return master, eighth.pixels(master) if master else None

    master, proxy = benchmark(run)
    assert master is not None and proxy is not None and proxy.shape == (504, 378, 3)


@pytest.mark.benchmark(group=GROUP)
def test_jpegtran_transform_then_strict_eighth_decode(benchmark, rotated_jpeg) -> None:
    """The same with the proxy from a second, strict 1/8 decode of the source, turned
    upright (the path before jpeg_dc)."""

    def run() -> tuple[bytes | None, pyvips.Image]:
        master = jpegtran.transform(rotated_jpeg, 6)
        arr = simplejpeg.decode_jpeg(
            rotated_jpeg, "RGB", min_width=504, min_height=378, strict=True
        )
        proxy = pyvips.Image.new_from_array(arr, interpretation="srgb").rot("d90").copy_memory()
        return master, proxy

    master, proxy = benchmark(run)
    assert master is not None and (proxy.width, proxy.height) == (378, 504)


@pytest.mark.benchmark(group=GROUP)
def test_pyvips_decode_rotate_encode_q92(benchmark, rotated_jpeg) -> None:
    """What ingest does today for the master: full decode, rotate, q92 re-encode."""

    def run() -> bytes:
        img = pyvips.Image.jpegload_buffer(rotated_jpeg).autorot()
        return img.jpegsave_buffer(Q=92, keep="none")

    out = benchmark(run)
    assert out[:2] == b"\xff\xd8"


@pytest.fixture(scope="module")
def camera_by_orientation(big) -> dict[int, bytes]:
    return {o: with_orientation(big[JPEG], o) for o in (2, 3, 5, 6, 7, 8)}


@pytest.mark.benchmark(group="rotated jpeg by orientation: pressroom's kernel, tjTransform")
@pytest.mark.parametrize("orientation", [2, 3, 5, 6, 7, 8])
@pytest.mark.parametrize("engine", ["kernel", "tjTransform"])
def test_transform_by_orientation(benchmark, camera_by_orientation, orientation, engine) -> None:
    """_rotate.c moves the blocks in 8x8 tiles; transupp.c fills each destination row from
    one block of every source row, which costs most where the move transposes."""
    run = jpegtran.transform if engine == "kernel" else tj_transform
    out = benchmark(run, camera_by_orientation[orientation], orientation)
    assert out is not None and out[:2] == b"\xff\xd8"


@pytest.mark.benchmark(group="print picture: 21x21 bleed page from a 12-MP master")
def test_print_picture_lossless_crop(benchmark, big) -> None:
    """The master's own blocks for a square bleed frame (3024 px in 216 mm: 356 ppi)."""
    data, x0, y0 = benchmark(jpegtran.crop, big[JPEG], 504, 0, 3024, 3024)
    assert (x0, y0) == (496, 0) and data[:2] == b"\xff\xd8"


@pytest.mark.benchmark(group="print picture: 21x21 bleed page from a 12-MP master")
def test_print_picture_resampled_to_300_ppi(benchmark, big) -> None:
    """The same crop decoded, resampled to 300 ppi (2551 px) and encoded q92."""
    from pressroom.render.print.images import JPEG_Q, load_crop

    def run() -> bytes:
        img = load_crop(big[JPEG], 4032, (504, 0, 3024, 3024), 2551, 2551)
        data: bytes = img.jpegsave_buffer(Q=JPEG_Q, keep="none")
        return data

    assert benchmark(run)[:2] == b"\xff\xd8"


@pytest.mark.benchmark(group="rotated jpeg 4:2:0")
def test_phone_transform_and_proxy(benchmark, phone_jpegs) -> None:
    """4:2:0: the proxy's chroma by libjpeg's 2x2 IDCT from the moved blocks (jpeg_dc)."""
    rotated = phone_jpegs[1]

    def run() -> np.ndarray | None:
        eighth = jpeg_dc.Eighth(rotated, 6)
        master = jpegtran.transform(rotated, 6, eighth.filter)
        return eighth.pixels(master) if master else None

    proxy = benchmark(run)
    assert proxy is not None and proxy.shape == (504, 378, 3)


@pytest.mark.benchmark(group="rotated jpeg 4:2:0")
def test_phone_transform_then_strict_eighth_decode(benchmark, phone_jpegs) -> None:
    """The same with a second, strict 1/8 decode of the source for the proxy (the path
    before), turned upright."""
    rotated = phone_jpegs[1]

    def run() -> np.ndarray:
        jpegtran.transform(rotated, 6)
        arr = simplejpeg.decode_jpeg(rotated, "RGB", min_width=504, min_height=378)
        return np.ascontiguousarray(np.rot90(arr, -1))

    assert benchmark(run).shape == (504, 378, 3)


@pytest.mark.benchmark(group="rotated jpeg 4:2:0")
def test_phone_eighth_pixels_alone(benchmark, phone_jpegs) -> None:
    """The 504x378 picture from the filter's samples alone (chroma already through the C 2x2
    IDCT during the transform): YCbCr to RGB in numpy."""
    rotated = phone_jpegs[1]
    eighth = jpeg_dc.Eighth(rotated, 6)
    master = jpegtran.transform(rotated, 6, eighth.filter)
    assert master is not None
    assert benchmark(eighth.pixels, master).shape == (504, 378, 3)
