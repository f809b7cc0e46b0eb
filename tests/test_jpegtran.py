"""Lossless rotation of EXIF-rotated JPEGs (pressroom.jpegtran, issue 17 item 5).

What holds, and what these tests pin down:

* The transform is lossless in the DCT domain: every quantised coefficient of the output is
  the source's, moved to its transposed/flipped block and, within the block, transposed or
  sign-flipped. Checked exactly, for every orientation, on the corpus's EXIF-rotated JPEGs,
  a 12-MP camera JPEG and synthetic 4:4:4, 4:2:0, 4:2:2 and greyscale JPEGs.
* Decoded pixels are exactly a decoded rotation only for the vertical flip (orientation 4).
  For the other six, libjpeg-turbo's integer IDCT rounds its first (column) pass before the
  second (row) pass, and a negated or transposed block rounds differently there: each decoded
  Y, Cb and Cr sample differs by at most 1 from the rotated decode, with 4:4:4 as with 4:2:0.
  After YCbCr -> RGB (and, for subsampled chroma, libjpeg's fancy upsampling, whose rounding
  bias is not mirror-symmetric either) an RGB value differs by at most 4 (seen: 3 for 4:4:4,
  4 for 4:2:0), ~60 dB PSNR, where the decode + rotate + q92 re-encode it replaces loses
  ~10 dB more.
* A perfect transform needs whole MCUs on the edges that move to the top or left; otherwise
  transform() returns None (the caller re-encodes) rather than trimming or leaving the edge
  blocks in place.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import pyvips
import simplejpeg

from pressroom import jpegtran, turbojpeg
from pressroom.ingest import jpeg_dc

# -- helpers: what the pixels and coefficients of a JPEG are --------------------------------

# The EXIF orientation -> the numpy view of a decoded (H, W, ...) array that makes it upright.
UPRIGHT = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.swapaxes(0, 1),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a[::-1, ::-1].swapaxes(0, 1),
    8: lambda a: np.rot90(a, 1),
}
TRANSPOSES = {5, 6, 7, 8}


def coefficient_op(blocks: np.ndarray, orientation: int) -> np.ndarray:
    """The same orientation applied in the DCT domain to a (BH, BW, 8, 8) array of blocks
    (coefficient [v, u]: v vertical, u horizontal frequency). Reversing the block order along
    an axis mirrors the blocks; mirroring inside a block negates its odd frequencies."""
    odd_u = np.where(np.arange(8) % 2, -1, 1).astype(np.int16)
    b = blocks

    def hflip(b: np.ndarray) -> np.ndarray:
        return b[:, ::-1] * odd_u[None, None, None, :]

    def vflip(b: np.ndarray) -> np.ndarray:
        return b[::-1] * odd_u[None, None, :, None]

    def transpose(b: np.ndarray) -> np.ndarray:
        return b.transpose(1, 0, 3, 2)

    ops = {
        2: lambda b: hflip(b),
        3: lambda b: vflip(hflip(b)),
        4: lambda b: vflip(b),
        5: lambda b: transpose(b),
        6: lambda b: hflip(transpose(b)),
        7: lambda b: vflip(hflip(transpose(b))),
        8: lambda b: vflip(transpose(b)),
    }
    return ops[orientation](b)


def coefficients(jpeg: bytes) -> list[np.ndarray]:
    """Each component's quantised DCT coefficients as (BH, BW, 8, 8) int16, read through
    tjTransform's custom filter (TJXOP_NONE, no output)."""
    lib = turbojpeg.load()
    rows: dict[int, dict[int, np.ndarray]] = {}
    shapes: dict[int, tuple[int, int]] = {}

    @turbojpeg.FILTER
    def grab(coeffs, array_region, plane_region, component, _index, _xf):  # noqa: ANN001
        try:
            bw = array_region.w // 8
            shapes[component] = (plane_region.h // 8, plane_region.w // 8)
            kind = ctypes.c_short * (bw * 64)  # coeffs is the row's address
            row = np.frombuffer(kind.from_address(coeffs), np.int16).reshape(bw, 8, 8).copy()
            rows.setdefault(component, {})[array_region.y // 8] = row
            return 0
        except Exception:  # ctypes would print and ignore it: fail the transform instead
            return -1

    xf = turbojpeg.Transform()
    xf.op = jpegtran.TJXOP_NONE
    xf.options = 16  # TJXOPT_NOOUTPUT
    xf.customFilter = grab
    handle = lib.tjInitTransform()
    dst = ctypes.POINTER(ctypes.c_ubyte)()
    size = ctypes.c_ulong(0)
    try:
        rc = lib.tjTransform(
            handle, jpeg, len(jpeg), 1, ctypes.byref(dst), ctypes.byref(size), ctypes.byref(xf), 0
        )
        assert rc == 0, lib.tjGetErrorStr2(handle)
    finally:
        if dst:
            lib.tjFree(dst)
        lib.tjDestroy(handle)
    out = []
    for c in sorted(rows):
        bh, _ = shapes[c]
        out.append(np.stack([rows[c][y] for y in range(bh)]))
    return out


def _decoder() -> ctypes.CDLL:
    lib = turbojpeg.load()  # declares what pressroom calls; the tests' own calls here
    lib.tjDecompressToYUVPlanes.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.tjPlaneWidth.argtypes = [ctypes.c_int] * 3
    lib.tjPlaneHeight.argtypes = [ctypes.c_int] * 3
    return lib


def header(jpeg: bytes) -> tuple[int, int, int]:
    """(width, height, TJSAMP_*) as libjpeg-turbo reads them."""
    lib = _decoder()
    handle = lib.tjInitDecompress()
    w, h, sub, cs = (ctypes.c_int() for _ in range(4))
    try:
        rc = lib.tjDecompressHeader3(handle, jpeg, len(jpeg), *map(ctypes.byref, (w, h, sub, cs)))
        assert rc == 0, lib.tjGetErrorStr2(handle)
    finally:
        lib.tjDestroy(handle)
    return w.value, h.value, sub.value


# TJSAMP_444, 422, 420, GRAY, 440, 411 -> MCU size (turbojpeg.h tjMCUWidth/tjMCUHeight)
MCU = {0: (8, 8), 1: (16, 8), 2: (16, 16), 3: (8, 8), 4: (8, 16), 5: (32, 8)}


def planes(jpeg: bytes) -> list[np.ndarray]:
    """The decoded Y (Cb, Cr) planes before upsampling and colour conversion."""
    lib = _decoder()
    width, height, sub = header(jpeg)
    n = 1 if sub == 3 else 3
    arrs = [
        np.zeros((lib.tjPlaneHeight(i, height, sub), lib.tjPlaneWidth(i, width, sub)), np.uint8)
        for i in range(n)
    ]
    ptrs = (ctypes.c_void_p * 3)(*[a.ctypes.data for a in arrs], *[None] * (3 - n))
    strides = (ctypes.c_int * 3)(*[a.shape[1] for a in arrs], *[0] * (3 - n))
    handle = lib.tjInitDecompress()
    try:
        rc = lib.tjDecompressToYUVPlanes(handle, jpeg, len(jpeg), ptrs, 0, strides, 0, 0)
        assert rc == 0, lib.tjGetErrorStr2(handle)
    finally:
        lib.tjDestroy(handle)
    return arrs


def pixels(jpeg: bytes) -> np.ndarray:
    """Decoded as the renderer decodes a master: libvips (libjpeg-turbo, islow IDCT)."""
    return pyvips.Image.new_from_buffer(jpeg, "").numpy()


def exif_orientation(jpeg: bytes) -> int:
    img = pyvips.Image.new_from_buffer(jpeg, "")
    return img.get("orientation") if "orientation" in img.get_fields() else 1


def with_orientation(jpeg: bytes, orientation: int) -> bytes:
    """The same compressed stream with a minimal EXIF block saying `orientation` (any EXIF
    it had is dropped): how a phone stores a portrait shot, without re-encoding."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff = b"MM\x00*" + struct.pack(">I", 8) + ifd + struct.pack(">I", 0)
    app1 = b"Exif\x00\x00" + tiff
    out = [jpeg[:2], b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1]
    pos = 2
    while jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xEF:  # drop the old APPn EXIF
        (length,) = struct.unpack_from(">H", jpeg, pos + 2)
        seg = jpeg[pos : pos + 2 + length]
        if not (jpeg[pos + 1] == 0xE1 and seg[4:10] == b"Exif\x00\x00"):
            out.append(seg)
        pos += 2 + length
    out.append(jpeg[pos:])
    return b"".join(out)


def perfect(width: int, height: int, sub: int, orientation: int) -> bool:
    """transupp's rule: which edges move to the top/left and so must be whole MCUs."""
    mw, mh = MCU[sub]
    need_w = orientation in (2, 3, 7, 8)  # hflip, rot180, transverse, rot270
    need_h = orientation in (3, 4, 6, 7)  # rot180, vflip, rot90, transverse
    return not (need_w and width % mw) and not (need_h and height % mh)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    d = a.astype(np.int64) - b
    mse = float(np.dot(d.ravel(), d.ravel())) / d.size
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def assert_eighth(out: bytes, eighth: jpeg_dc.Eighth) -> None:
    """The coefficients seen on the way give libjpeg-turbo's 1/8 decode, bit for bit
    (4:2:0 too: its chroma through the 2x2 IDCT)."""
    w, h, sub = header(out)
    grey = simplejpeg.decode_jpeg_header(out)[2] == "Gray"
    want = simplejpeg.decode_jpeg(
        out, "GRAY" if grey else "RGB", min_width=-(-w // 8), min_height=-(-h // 8)
    )
    got = eighth.pixels(out)
    assert got is not None
    np.testing.assert_array_equal(got, want[:, :, 0] if grey else want)


def check_lossless(src: bytes, orientation: int) -> bytes | None:
    """Assert everything that must hold for one transform; return its output."""
    width, height, sub = header(src)
    dc = jpeg_dc.Eighth(src, orientation)
    out = jpegtran.transform(src, orientation, dc.filter)
    if not perfect(width, height, sub, orientation):
        assert out is None, f"{width}x{height} sampling {sub}: orientation {orientation}"
        return None
    assert out is not None, f"{width}x{height} sampling {sub}: orientation {orientation}"
    # Upright geometry, no metadata left (so nothing can rotate it a second time).
    w2, h2, sub2 = header(out)
    assert (w2, h2) == ((height, width) if orientation in TRANSPOSES else (width, height))
    assert exif_orientation(out) == 1
    # 1. DCT domain: exactly the source's coefficients, moved.
    for a, b in zip(coefficients(src), coefficients(out), strict=True):
        np.testing.assert_array_equal(coefficient_op(a, orientation), b)
    # 2. Decoded planes: exact for the vertical flip, else within the IDCT's rounding (1).
    for a, b in zip(planes(src), planes(out), strict=True):
        diff = np.abs(np.ascontiguousarray(UPRIGHT[orientation](a)).astype(np.int16) - b)
        assert diff.max() <= (0 if orientation == 4 else 1)
    # 3. Decoded RGB, as the renderer decodes: within 4 per value, ~60 dB.
    want = np.ascontiguousarray(UPRIGHT[orientation](pixels(src)))
    got = pixels(out)
    assert got.shape == want.shape
    diff = np.abs(want.astype(np.int16) - got)
    assert diff.max() <= (0 if orientation == 4 else 4)
    assert psnr(want, got) >= 50
    # 4. The DC coefficients seen on the way give libjpeg-turbo's 1/8 decode, bit for bit.
    assert_eighth(out, dc)
    return out


# -- the library ----------------------------------------------------------------------------


def test_library_loads_or_says_how_to_install() -> None:
    """Fails (never skips) on a machine without the library, saying what to install."""
    try:
        turbojpeg.load()
    except turbojpeg.TurboJPEGUnavailable as exc:
        pytest.fail(str(exc))
    assert jpegtran.available()


def test_missing_library_names_the_package(
    monkeypatch: pytest.MonkeyPatch, no_libturbojpeg: None
) -> None:
    monkeypatch.setattr(jpegtran, "_rotate", None)  # tjTransform's path, as without the kernel
    with pytest.raises(jpegtran.TurboJPEGUnavailable, match="apt-get install libturbojpeg0"):
        jpegtran.transform(b"\xff\xd8", 6)
    assert not jpegtran.available()  # and the failure is remembered, not retried per file


# -- real files -----------------------------------------------------------------------------


def _rotated_corpus_jpegs() -> list[Path]:
    from tests.conftest import CORPUS, MANIFEST

    return [
        CORPUS / row["path"]
        for row in MANIFEST
        if row["path"].startswith("orientation/")
        and row["format"] == "JPEG"
        and (CORPUS / row["path"]).exists()
    ]


@pytest.mark.parametrize("path", _rotated_corpus_jpegs(), ids=lambda p: p.name)
def test_corpus_rotated_jpegs(path: Path) -> None:
    """Every EXIF-rotated JPEG of orientation/ with its own orientation: lossless where a
    perfect transform exists, None exactly where it does not."""
    src = path.read_bytes()
    orientation = exif_orientation(src)
    if orientation in (0, 1):
        assert jpegtran.transform(src, orientation) is src
        return
    check_lossless(src, orientation)


def test_corpus_covers_both_outcomes() -> None:
    """The corpus exercises both a perfect transform and a refusal, per orientation family."""
    done, refused = set(), set()
    for path in _rotated_corpus_jpegs():
        src = path.read_bytes()
        o = exif_orientation(src)
        if o > 1:
            (done if jpegtran.transform(src, o) is not None else refused).add(o)
    assert done >= {2, 3, 4, 5, 6, 7, 8}
    assert refused >= {2, 3, 4, 6, 7, 8}


@pytest.fixture(scope="module")
def camera_jpeg(corpus: Path) -> bytes:
    """A real 12-MP camera stream (Olympus E-P3, 4032x3024, 4:2:2): all MCUs whole."""
    return (corpus / "big" / "olympus_12mp_42_IndexError.jpg").read_bytes()


@pytest.mark.parametrize("orientation", range(2, 9))
def test_camera_12mp_every_orientation(camera_jpeg: bytes, orientation: int) -> None:
    src = with_orientation(camera_jpeg, orientation)
    assert exif_orientation(src) == orientation
    dc = jpeg_dc.Eighth(src, orientation)
    out = jpegtran.transform(src, orientation, dc.filter)
    assert out is not None
    assert_eighth(out, dc)
    for a, b in zip(coefficients(src), coefficients(out), strict=True):
        np.testing.assert_array_equal(coefficient_op(a, orientation), b)


def test_camera_12mp_beats_reencode(camera_jpeg: bytes) -> None:
    """Against the decoded rotation, the lossless master is far closer than the
    decode + rotate + q92 re-encode it replaces. (12 MP: compared in libvips, whose rot
    is exact and far quicker than a strided numpy copy.)"""
    src = with_orientation(camera_jpeg, 6)
    out = jpegtran.transform(src, 6)
    assert out is not None
    want = pyvips.Image.new_from_buffer(src, "").rot("d90").cast("int")
    reencoded = pyvips.Image.new_from_buffer(src, "").autorot().jpegsave_buffer(Q=92, keep="none")

    def error(jpeg: bytes) -> tuple[float, float]:
        diff = want - pyvips.Image.new_from_buffer(jpeg, "").cast("int")
        mse = (diff * diff).avg()
        return diff.abs().max(), 10 * np.log10(255**2 / mse)

    (lossless_max, lossless_db), (_, reencode_db) = error(out), error(reencoded)
    assert lossless_max <= 4
    assert lossless_db > reencode_db + 5, (lossless_db, reencode_db)


# -- synthetic files: every sampling, MCU-multiple and not ----------------------------------


@pytest.fixture(scope="module")
def photo() -> pyvips.Image:
    """Real image content (not flat colour, which would hide rounding) at 1008x752."""
    from tests.conftest import CORPUS

    img = pyvips.Image.new_from_file(str(CORPUS / "big" / "olympus_12mp_42_IndexError.jpg"))
    return img.resize(0.25).crop(0, 0, 1008, 752).copy_memory()


SAMPLINGS = {
    "444": dict(subsample_mode="off"),
    "420": dict(subsample_mode="on"),
    "grey": {},
}


def _synthetic(photo: pyvips.Image, sampling: str, width: int, height: int) -> bytes:
    img = photo.crop(0, 0, width, height)
    if sampling == "grey":
        img = img.colourspace("b-w")
    return img.jpegsave_buffer(Q=90, keep="none", **SAMPLINGS[sampling])


@pytest.mark.parametrize("sampling", SAMPLINGS)
@pytest.mark.parametrize("orientation", range(2, 9))
def test_synthetic_mcu_multiple(photo: pyvips.Image, sampling: str, orientation: int) -> None:
    src = _synthetic(photo, sampling, 1008, 752)  # multiples of 16
    assert check_lossless(src, orientation) is not None


@pytest.mark.parametrize("orientation", range(2, 9))
def test_synthetic_422(orientation: int) -> None:
    """4:2:2 (MCU 16x8): libvips cannot write it, so pyvips' decoder is bypassed and the
    source is libjpeg-turbo's own 4:2:2 encode through Pillow."""
    import io

    from PIL import Image

    from tests.conftest import CORPUS

    im = Image.open(CORPUS / "big" / "olympus_12mp_42_IndexError.jpg")
    im.draft("RGB", (1008, 756))
    im = im.convert("RGB").crop((0, 0, 1008, 752))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, subsampling=1)  # 1 = 4:2:2
    src = buf.getvalue()
    assert header(src)[2] == 1
    assert check_lossless(src, orientation) is not None


@pytest.mark.parametrize("sampling", ["444", "420"])
@pytest.mark.parametrize("orientation", range(2, 9))
@pytest.mark.parametrize("size", [(1001, 751), (1008, 750), (1000, 752)])
def test_synthetic_partial_mcu(
    photo: pyvips.Image, sampling: str, orientation: int, size: tuple[int, int]
) -> None:
    """A partial MCU that would land on the top or left: None (never a trimmed or
    striped result). Transposition moves no edge and stays lossless."""
    src = _synthetic(photo, sampling, *size)
    out = check_lossless(src, orientation)
    if orientation == 5:
        assert out is not None
    if sampling == "420" and size == (1001, 751) and orientation != 5:
        assert out is None


# -- pressroom's own kernel (_rotate.c) against tjTransform --------------------------------


def tj_transform(
    jpeg: bytes, orientation: int, blocks: jpegtran.Filter | None = None
) -> bytes | None:
    """libjpeg-turbo's tjTransform with the options jpegtran.transform asks of _rotate.c."""
    xf = turbojpeg.Transform()
    xf.op = jpegtran.OPS[orientation]
    xf.options = jpegtran.TJXOPT_PERFECT | jpegtran.TJXOPT_COPYNONE
    if blocks is not None:
        xf.customFilter, xf.data = turbojpeg.FILTER(blocks.function), blocks.data
    return jpegtran._run(jpeg, xf)


def test_the_rotate_kernel_is_built() -> None:
    """Without it every transposing orientation costs up to ~50 ms more on a 12-MP photo
    (bench_jpegtran). Built when gcc and libjpeg's headers are there at install."""
    assert jpegtran._rotate is not None, (
        "pressroom/_rotate.c was not built: apt-get install gcc libjpeg62-turbo-dev "
        "(scripts/system-deps.sh), then reinstall pressroom (make venv)"
    )


@pytest.fixture(scope="module")
def kernel_sources(photo: pyvips.Image) -> dict[str, bytes]:
    import io

    from PIL import Image

    pil = Image.fromarray(photo.numpy()).crop((0, 0, 1000, 752))
    buf = io.BytesIO()
    pil.save(buf, "JPEG", quality=88, subsampling=1)  # 4:2:2, 1000 wide: a partial MCU
    grey = _synthetic(photo, "grey", 1008, 752)
    return {
        "420": _synthetic(photo, "420", 1008, 752),
        "444": _synthetic(photo, "444", 1008, 752),
        "422-partial": buf.getvalue(),
        "420-partial": _synthetic(photo, "420", 1001, 751),
        "grey": grey,
        "grey-2x2": _sampled(grey, [(2, 2)]),  # one component declaring 2x2: 8x8 MCUs still
        "progressive": photo.jpegsave_buffer(Q=85, interlace=True, keep="none"),
        "restarts": photo.jpegsave_buffer(Q=85, restart_interval=5, keep="none"),
    }


@pytest.mark.parametrize("orientation", range(2, 9))
def test_kernel_writes_tjtransforms_bytes(
    kernel_sources: dict[str, bytes], orientation: int
) -> None:
    """The tiled move changes the cost, not one byte: every orientation, every sampling,
    partial MCUs (None from both where no perfect transform exists), progressive, restarts."""
    outcomes = set()
    for name, src in kernel_sources.items():
        want = tj_transform(src, orientation)
        got = jpegtran.transform(src, orientation)
        assert got == want, name
        outcomes.add(got is None)
    assert outcomes == ({False} if orientation == 5 else {False, True})


def test_kernel_shows_the_filter_what_tjtransform_does(photo: pyvips.Image) -> None:
    """The proxy kept on the way (jpeg_dc.Eighth) is the same through either path."""
    src = _synthetic(photo, "420", 1008, 752)
    for orientation in (6, 8):
        ours, theirs = jpeg_dc.Eighth(src, orientation), jpeg_dc.Eighth(src, orientation)
        out = jpegtran.transform(src, orientation, ours.filter)
        assert out is not None and out == tj_transform(src, orientation, theirs.filter)
        a, b = ours.pixels(out), theirs.pixels(out)
        assert a is not None and b is not None and np.array_equal(a, b)


def test_kernel_holds_one_image_of_coefficients(camera_jpeg: bytes, tmp_path: Path) -> None:
    """The encoder takes each row of upright blocks from a band moved as it asks, so the
    camera's 12 MP (4:2:2: 381,024 blocks, 48.8 MB of coefficients) turns within one
    image's coefficients where tjTransform holds a second (measured: 49 against 97 MB)."""
    src = tmp_path / "rotated.jpg"
    src.write_bytes(with_orientation(camera_jpeg, 6))
    # VmHWM, the process's peak resident memory (ru_maxrss would start from the parent's, as
    # the forked copy had it before exec)
    code = (
        "import re, sys; from pressroom import jpegtran; "
        "hwm = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]); "
        "src = open(sys.argv[1], 'rb').read(); before = hwm(); "
        "assert jpegtran.transform(src, 6); print(hwm() - before)"
    )
    r = subprocess.run([sys.executable, "-c", code, str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    grew, coefficients = int(r.stdout) * 1024, 381_024 * 128
    assert 0.8 * coefficients < grew < 1.3 * coefficients


# -- failures and concurrency ---------------------------------------------------------------


def test_upright_is_returned_as_is() -> None:
    data = b"\xff\xd8not even parsed"
    assert jpegtran.transform(data, 1) is data
    assert jpegtran.transform(data, 0) is data  # EXIF 0 is undefined: treat as upright


def test_bad_orientation() -> None:
    with pytest.raises(ValueError, match="orientation 9"):
        jpegtran.transform(b"\xff\xd8", 9)


@pytest.mark.parametrize(
    "data",
    [b"", b"not a jpeg at all", b"\xff\xd8\xff\xe0\x00\x10JFIF"],
    ids=["empty", "text", "header"],
)
def test_garbage_raises(data: bytes) -> None:
    with pytest.raises(jpegtran.TransformError):
        jpegtran.transform(data, 6)


def test_truncated_raises(photo: pyvips.Image) -> None:
    """libjpeg would pad a cut-off scan with grey and call it a warning: here it is an
    error, so a damaged upload never becomes a plausible-looking master."""
    src = _synthetic(photo, "420", 1008, 752)
    with pytest.raises(jpegtran.TransformError):
        jpegtran.transform(src[: len(src) // 2], 6)


def test_threads(photo: pyvips.Image) -> None:
    src = _synthetic(photo, "420", 1008, 752)
    want = jpegtran.transform(src, 6)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: jpegtran.transform(src, 6), range(16)))
    assert all(r == want for r in results)


def test_eighth_declines_what_it_cannot_reproduce(photo: pyvips.Image) -> None:
    """The coefficient path is taken for grey, 4:4:4, 4:2:2 and 4:2:0 (chroma by the 2x2
    IDCT), not for an Adobe RGB stream (components R, G, B, no YCbCr)."""
    import io

    from PIL import Image

    from pressroom.ingest.formats import jpeg

    def probe(data: bytes) -> bool:
        return jpeg_dc.reproducible(jpeg.probe(data))

    for sampling in SAMPLINGS:
        assert probe(_synthetic(photo, sampling, 64, 64)), sampling
    buf = io.BytesIO()
    Image.fromarray(photo.numpy()).save(buf, "JPEG", quality=90, keep_rgb=True)
    assert not probe(buf.getvalue())
    buf = io.BytesIO()
    Image.fromarray(photo.numpy()).save(buf, "JPEG", quality=90, subsampling=1)  # 4:2:2
    assert probe(buf.getvalue())
    # Luma at half resolution both ways (legal, if odd) would take the 2x2 IDCT too: Eighth
    # decodes luma a pixel a block only, so it is declined, and pixels() answers None.
    assert not jpeg_dc.reproducible(jpeg.probe(_sampled(buf.getvalue(), [(1, 1), (2, 2), (2, 2)])))
    src = with_orientation(_synthetic(photo, "444", 64, 64), 3)
    eighth = jpeg_dc.Eighth(src, 3)
    assert jpegtran.transform(src, 3, eighth.filter) is not None
    assert eighth.pixels(_sampled(src, [(1, 1), (2, 2), (2, 2)])) is None


def _sampled(jpeg: bytes, factors: list[tuple[int, int]]) -> bytes:
    """The JPEG with its frame header's sampling factors replaced (its scan left as it is:
    for the header readers only)."""
    at = jpeg.index(b"\xff\xc0") + 4 + 6  # marker, length, precision, height, width, count
    out = bytearray(jpeg)
    for i, (h, v) in enumerate(factors):
        out[at + 3 * i + 1] = h << 4 | v
    return bytes(out)


_C_IDCT = """
import sys
import numpy as np, simplejpeg
from pressroom import jpegtran, turbojpeg
from pressroom.ingest import jpeg_dc
src = sys.stdin.buffer.read()
eighth = jpeg_dc.Eighth(src, 6)
out = jpegtran.transform(src, 6, eighth.filter)
h, w = simplejpeg.decode_jpeg_header(out)[:2]
want = simplejpeg.decode_jpeg(out, "RGB", min_width=-(-w // 8), min_height=-(-h // 8))
got = eighth.pixels(out)
print(int((got != want).sum()), int(got.size))
"""


def test_eighth_follows_c_where_terms_overflow(photo: pyvips.Image) -> None:
    """With 4:2:0 chroma quantisers of 4000 (a 16-bit table no encoder writes; a hostile
    file can) the dequantised terms pass 16 bits, where libjpeg-turbo's SIMD IDCT wraps,
    and their sums pass 31, which its C IDCT keeps in 64. _blocks.c is that C code, with its
    types, so jpeg_dc stays bit-exact with the C build (JSIMD_FORCENONE=1): the proxy is
    libjpeg's by its reference code, never garbage."""
    src = _synthetic(photo, "420", 1008, 752)
    sof = src.index(b"\xff\xc0")
    table = b"\xff\xdb" + struct.pack(">HB", 131, 0x11) + struct.pack(">64H", *[4000] * 64)
    src = src[:sof] + table + src[sof:]  # redefines table 1 (chroma) before the frame
    env = {**os.environ, "JSIMD_FORCENONE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", _C_IDCT],
        input=with_orientation(src, 6),
        capture_output=True,
        env=env,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    differ, size = map(int, run.stdout.split())
    assert size == 126 * 94 * 3 and differ == 0


# -- encode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("chroma", "sub"), [("444", 0), ("420", 2)])
def test_encode_gives_libvips_pixels(photo: pyvips.Image, chroma: str, sub: int) -> None:
    """The master's encode: decoded, the very pixels of libvips' jpegsave at the same quality
    and chroma, in a baseline JPEG with a JFIF marker and nothing else."""
    rgb = photo.crop(0, 0, 1001, 751)  # not a multiple of the MCU
    out = turbojpeg.encode(rgb.write_to_memory(), 1001, 751, 3, 92, chroma)
    ref = rgb.jpegsave_buffer(Q=92, keep="none", subsample_mode="on" if sub else "off")
    assert header(out) == (1001, 751, sub)
    assert np.array_equal(simplejpeg.decode_jpeg(out), simplejpeg.decode_jpeg(ref))
    markers = [m for m, _, _ in _segments_of(out)]
    assert 0xE0 in markers and not [m for m in markers if 0xE1 <= m <= 0xEF]  # JFIF only
    assert 0xC0 in markers  # baseline


def test_encode_grey_and_refuses_a_short_buffer(photo: pyvips.Image) -> None:
    grey = photo.crop(0, 0, 64, 48).colourspace("b-w")
    out = turbojpeg.encode(grey.write_to_memory(), 64, 48, 1, 92, "444")
    assert simplejpeg.decode_jpeg(out, "GRAY").shape == (48, 64, 1)
    with pytest.raises(ValueError, match="not 64x48x3"):
        turbojpeg.encode(b"\0" * 100, 64, 48, 3, 92, "444")


def _segments_of(jpeg: bytes) -> list[tuple[int, int, int]]:
    from pressroom.ingest.formats.jpeg import _segments

    return list(_segments(jpeg, scans=False))
