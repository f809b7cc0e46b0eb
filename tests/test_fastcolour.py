"""The fast Display P3 -> sRGB path (pressroom.ingest.fastcolour, issue 17 item 4) against
lcms, as ingest calls it today: libvips icc_transform to its built-in sRGB with the embedded
profile, perceptual intent (pressroom/ingest/steps/colour.py). Targets: mean CIEDE2000 under
0.5 and max under 2 on the corpus's Display P3 photos. What holds: every channel within one
code value of lcms; mean ΔE00 0.01-0.04, max 1.5-1.6 per photo (1.7 over all 16.7M colours),
where lcms is itself one code off the exact result more often than the fast path."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
import pyvips

from pressroom.ingest import fastcolour
from tests.conftest import CORPUS, MANIFEST

# --- CIEDE2000 (Sharma, Wu, Dalal 2005), sRGB 8-bit -> CIELAB (D65) ----------------------------

_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65 = np.array([0.95047, 1.0, 1.08883])


_LINEAR = fastcolour.srgb_decode(np.arange(256) / 255)


def srgb8_to_lab(rgb: np.ndarray) -> np.ndarray:
    lin = _LINEAR[rgb]
    xyz = lin @ _SRGB_TO_XYZ.T / _D65
    e = 216 / 24389
    f = np.where(xyz > e, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def delta_e00(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    L1, a1, b1 = np.moveaxis(lab1, -1, 0)
    L2, a2, b2 = np.moveaxis(lab2, -1, 0)
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    cbar7 = ((c1 + c2) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(cbar7 / (cbar7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dLp, dCp = L2 - L1, c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(c1p * c2p == 0, 0, dh)
    dHp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    Lbar, Cbar = (L1 + L2) / 2, (c1p + c2p) / 2
    hsum = h1p + h2p
    hbar = np.where(
        np.abs(h1p - h2p) <= 180, hsum / 2, np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2)
    )
    hbar = np.where(c1p * c2p == 0, hsum, hbar)
    t = (
        1
        - 0.17 * np.cos(np.radians(hbar - 30))
        + 0.24 * np.cos(np.radians(2 * hbar))
        + 0.32 * np.cos(np.radians(3 * hbar + 6))
        - 0.20 * np.cos(np.radians(4 * hbar - 63))
    )
    dtheta = 30 * np.exp(-(((hbar - 275) / 25) ** 2))
    rc = 2 * np.sqrt(Cbar**7 / (Cbar**7 + 25.0**7))
    sl = 1 + 0.015 * (Lbar - 50) ** 2 / np.sqrt(20 + (Lbar - 50) ** 2)
    sc = 1 + 0.045 * Cbar
    sh = 1 + 0.015 * Cbar * t
    rt = -np.sin(np.radians(2 * dtheta)) * rc
    return np.sqrt(
        (dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dCp / sc) * (dHp / sh)
    )


def colour_error(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    """(mean ΔE00 over all pixels, max ΔE00, max code difference) of two sRGB uint8 images.
    Identical pixels have ΔE 0, so only the differing ones are converted."""
    a, b = a.reshape(-1, 3), b.reshape(-1, 3)
    x = a ^ b
    differ = (x[:, 0] | x[:, 1] | x[:, 2]) != 0
    if not differ.any():
        return 0.0, 0.0, 0
    de = delta_e00(srgb8_to_lab(a[differ]), srgb8_to_lab(b[differ]))
    codes = int(np.abs(a[differ].astype(np.int16) - b[differ]).max())
    return float(de.sum() / len(a)), float(de.max()), codes


# Sharma et al.'s published test pairs (and their ΔE00)
SHARMA = [
    ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
    ((50, 3.1571, -77.2803), (50, 0, -82.7485), 2.8615),
    ((50, 2.8361, -74.0200), (50, 0, -82.7485), 3.4412),
    ((50, 0, 0), (50, -1, 2), 2.3669),
    ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((50, 2.49, -0.001), (50, -2.49, 0.0009), 7.1792),
    ((50, -0.001, 2.49), (50, 0.0009, -2.49), 4.8045),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
]


def test_delta_e00_sharma_pairs() -> None:
    lab1 = np.array([p[0] for p in SHARMA], float)
    lab2 = np.array([p[1] for p in SHARMA], float)
    np.testing.assert_allclose(delta_e00(lab1, lab2), [p[2] for p in SHARMA], atol=1e-4)


def test_delta_e00_matches_scikit_image() -> None:
    from skimage.color import deltaE_ciede2000, rgb2lab

    rng = np.random.default_rng(17)
    a = rng.integers(0, 256, (5000, 3), dtype=np.uint8)
    b = np.clip(a.astype(int) + rng.integers(-6, 7, a.shape), 0, 255).astype(np.uint8)
    lab_a, lab_b = srgb8_to_lab(a), srgb8_to_lab(b)
    np.testing.assert_allclose(lab_a, rgb2lab(a[None])[0], atol=0.02)
    np.testing.assert_allclose(delta_e00(lab_a, lab_b), deltaE_ciede2000(lab_a, lab_b), atol=1e-6)


# --- the reference: what ingest does today ---------------------------------------------------


def lcms(rgb: np.ndarray, profile: bytes, intent: str = "perceptual") -> np.ndarray:
    img = pyvips.Image.new_from_array(np.ascontiguousarray(rgb), interpretation="srgb").copy()
    img.set_type(pyvips.GValue.blob_type, "icc-profile-data", profile)
    return img.icc_transform("srgb", embedded=True, intent=intent).numpy()


def decode(path: Path) -> tuple[np.ndarray, bytes | None]:
    """8-bit RGB pixels and the embedded profile, decoded as ingest decodes the format."""
    data = path.read_bytes()
    if data[4:8] == b"ftyp" and data[8:12] not in (b"avif", b"avis"):
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        arr = np.asarray(heif)
        return arr[..., :3], heif.info.get("icc_profile") or None
    img = pyvips.Image.new_from_buffer(data, "")
    profile = img.get("icc-profile-data") if "icc-profile-data" in img.get_fields() else None
    if img.format != "uchar" or img.bands < 3:
        return np.zeros((0, 0, 3), np.uint8), profile
    return img[:3].numpy(), profile


def _profile_of(path: Path) -> bytes | None:
    data = path.read_bytes()
    try:
        if data[4:8] == b"ftyp" and data[8:12] not in (b"avif", b"avis"):
            return pillow_heif.open_heif(io.BytesIO(data)).info.get("icc_profile") or None
        img = pyvips.Image.new_from_buffer(data, "")
        return img.get("icc-profile-data") if "icc-profile-data" in img.get_fields() else None
    except (pyvips.Error, ValueError, RuntimeError, OSError):
        return None


def _corpus_images() -> list[Path]:
    return [
        CORPUS / row["path"]
        for row in MANIFEST
        if row["expected"] == "accept"
        and row["format"] in ("HEIF", "JPEG", "MPO", "PNG", "WEBP", "TIFF", "AVIF")
        and (CORPUS / row["path"]).exists()
    ]


P3_PHOTOS = [p for p in _corpus_images() if fastcolour.is_display_p3(_profile_of(p))]


def test_corpus_has_p3_photos() -> None:
    """The corpus's Display P3 photos, found by profile content rather than by name; the 12-MP
    iPhone HEICs of big/ among them."""
    names = {p.name for p in P3_PHOTOS}
    assert {"pug.heic", "Display_P3.heic", "iphone_13_pro_max.HEIC"} <= names
    assert "aux_YCbCr.heic" in names  # "DCI-P3 D65 Gamut with sRGB Transfer" is Display P3
    assert len(P3_PHOTOS) >= 6


@pytest.mark.parametrize("path", P3_PHOTOS, ids=lambda p: p.name)
def test_corpus_p3_photo_against_lcms(path: Path) -> None:
    rgb, profile = decode(path)
    assert profile is not None and rgb.size
    want = lcms(rgb, profile)
    got = fastcolour.p3_to_srgb(rgb, profile)
    mean, worst, codes = colour_error(got, want)
    assert mean < 0.5 and worst < 2, (mean, worst)
    assert codes <= 1, codes  # in fact: never more than one code value off lcms


# --- profiles: synthetic colours through each P3 variant -------------------------------------


def _cube(step: int = 3) -> np.ndarray:
    """A coarse RGB cube including every extreme: saturated P3 colours that sRGB clips."""
    levels = np.unique(np.r_[np.arange(0, 256, step), 255])
    r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")
    return np.stack([r, g, b], -1).reshape(1, -1, 3).astype(np.uint8)


def _apple_d65(corpus: Path) -> bytes:
    return pillow_heif.open_heif(corpus / "big" / "Display_P3.heic").info["icc_profile"]


def _apple_d50(corpus: Path) -> bytes:
    return pillow_heif.open_heif(corpus / "big" / "pug.heic").info["icc_profile"]


def _android(corpus: Path) -> bytes:
    return pillow_heif.open_heif(corpus / "heic" / "aux_YCbCr.heic").info["icc_profile"]


def _vips_p3(_: Path) -> bytes:
    img = pyvips.Image.black(1, 1, bands=3).cast("uchar").copy(interpretation="srgb")
    return img.icc_transform("p3").get("icc-profile-data")


P3_PROFILES = {"apple-d65-wtpt": _apple_d65, "apple": _apple_d50, "android": _android}


def test_coarse_p3_is_left_to_lcms() -> None:
    """libvips' compact sP3C rounds its colorants to 1e-3: blue's share of red and green
    (5e-4) is more than the tables may leave out, so it stays with lcms."""
    assert not fastcolour.is_display_p3(_vips_p3(CORPUS))


@pytest.mark.parametrize("name", P3_PROFILES)
def test_cube_against_lcms(corpus: Path, name: str) -> None:
    profile = P3_PROFILES[name](corpus)
    assert fastcolour.is_display_p3(profile)
    cube = _cube()
    want = lcms(cube, profile)
    mean, worst, codes = colour_error(fastcolour.p3_to_srgb(cube, profile), want)
    assert mean < 0.5 and worst < 2, (mean, worst)
    assert codes <= 1
    # Ingest asks lcms for the perceptual intent; for matrix/TRC profiles it is the same
    # transform as relative colorimetric, which is what the tables compute.
    assert np.array_equal(lcms(cube, profile, "relative"), want)


def test_canonical_p3_without_profile(corpus: Path) -> None:
    """With no profile the canonical Display P3 colorants are used: as good for Apple's."""
    cube = _cube()
    mean, worst, _ = colour_error(fastcolour.p3_to_srgb(cube), lcms(cube, _apple_d50(corpus)))
    assert mean < 0.5 and worst < 2


def test_closer_to_exact_than_lcms(corpus: Path) -> None:
    """An 86^3 cube with every extreme (all 16.7M colours take ~40 s; they give the same
    picture: 0.15% of values off exact here, 1.2% for lcms, max ΔE00 1.7 between the two):
    R' and G' are the float64 result rounded once, B' within one code of it; the fast path
    is off the exact result less often than lcms is; the ΔE00 targets hold against lcms."""
    profile = _apple_d50(corpus)
    m = np.linalg.solve(
        fastcolour.SRGB_D50, np.array(fastcolour.p3_colorants(profile)).reshape(3, 3)
    )
    cube = _cube(3)
    exact = np.rint(255 * fastcolour.srgb_encode(_LINEAR[cube] @ m.T)).astype(np.uint8)
    got, want = fastcolour.p3_to_srgb(cube, profile), lcms(cube, profile)
    assert colour_error(got, exact)[2] <= 1
    assert (got != exact).mean() < (want != exact).mean() / 4
    mean, worst, codes = colour_error(got, want)
    assert mean < 0.5 and worst < 2 and codes <= 1, (mean, worst, codes)


# --- detection ---------------------------------------------------------------------------------


def _patched(profile: bytes, sig: bytes, offset: int, value: bytes) -> bytes:
    """The profile with `value` written at `offset` inside tag `sig`."""
    count = struct.unpack_from(">I", profile, 128)[0]
    for i in range(count):
        s, start, _ = struct.unpack_from(">4sII", profile, 132 + 12 * i)
        if s == sig:
            buf = bytearray(profile)
            buf[start + offset : start + offset + len(value)] = value
            return bytes(buf)
    raise KeyError(sig)


def _retagged(profile: bytes, old: bytes, new: bytes) -> bytes:
    count = struct.unpack_from(">I", profile, 128)[0]
    buf = bytearray(profile)
    for i in range(count):
        if buf[132 + 12 * i : 136 + 12 * i] == old:
            buf[132 + 12 * i : 136 + 12 * i] = new
    return bytes(buf)


def _corpus_profile(corpus: Path, rel: str) -> bytes:
    profile = _profile_of(corpus / rel)
    assert profile is not None
    return profile


@pytest.mark.parametrize(
    "rel",
    [
        "colour/xmp_test_adobe_rgb.jpg",  # Adobe RGB (1998)
        "orientation/xmp_tags_orientation.png",  # ColorMatch RGB
        "valid/jpeg/truncated_exif_dpi.jpg",  # Apple Generic RGB
        "colour/icc_profile_big.jpg",  # LUT-based "TIFF RGB"
    ],
)
def test_other_profiles_are_not_p3(corpus: Path, rel: str) -> None:
    assert not fastcolour.is_display_p3(_corpus_profile(corpus, rel))


def test_srgb_and_garbage_are_not_p3() -> None:
    img = pyvips.Image.black(1, 1, bands=3).cast("uchar").copy(interpretation="srgb")
    srgb = img.icc_transform("srgb").get("icc-profile-data")
    for profile in (srgb, None, b"", b"\0" * 200, b"not a profile" * 20):
        assert not fastcolour.is_display_p3(profile)


def test_p3_lookalikes_are_refused(corpus: Path) -> None:
    p3 = _apple_d50(corpus)
    assert fastcolour.is_display_p3(p3)
    # DCI-P3's gamma 2.6 (type 3 curve with g=2.6 in place of 2.4)
    gamma26 = p3
    for trc in (b"rTRC", b"gTRC", b"bTRC"):
        gamma26 = _patched(gamma26, trc, 12, struct.pack(">i", int(2.6 * 65536)))
    assert not fastcolour.is_display_p3(gamma26)
    # primaries off by 0.01 (another gamut)
    shifted = _patched(p3, b"rXYZ", 8, struct.pack(">i", int(0.525 * 65536)))
    assert not fastcolour.is_display_p3(shifted)
    # a LUT-based profile with P3's matrix (lcms would use the LUT)
    assert not fastcolour.is_display_p3(_retagged(p3, b"cprt", b"A2B0"))
    # a CMYK or Lab data space
    assert not fastcolour.is_display_p3(p3[:16] + b"CMYK" + p3[20:])
    # a truncated profile
    assert not fastcolour.is_display_p3(p3[:300])


def test_sampled_srgb_curve_is_accepted(corpus: Path) -> None:
    """A v2-style profile whose TRCs are 1024-entry tables of the sRGB curve is P3 too."""
    p3 = _apple_d50(corpus)
    table = np.rint(65535 * fastcolour.srgb_decode(np.linspace(0, 1, 1024))).astype(">u2")
    curv = b"curv\0\0\0\0" + struct.pack(">I", 1024) + table.tobytes()
    # Append one curv tag and point the three TRC entries at it.
    start = len(p3)
    buf = bytearray(p3 + curv)
    count = struct.unpack_from(">I", p3, 128)[0]
    for i in range(count):
        if buf[132 + 12 * i : 136 + 12 * i] in (b"rTRC", b"gTRC", b"bTRC"):
            struct.pack_into(">II", buf, 136 + 12 * i, start, len(curv))
    struct.pack_into(">I", buf, 0, len(buf))
    assert fastcolour.is_display_p3(bytes(buf))
    gamma22 = b"curv\0\0\0\0" + struct.pack(">IH", 1, int(2.2 * 256)) + b"\0\0"
    buf2 = bytearray(p3 + gamma22)
    for i in range(count):
        if buf2[132 + 12 * i : 136 + 12 * i] in (b"rTRC", b"gTRC", b"bTRC"):
            struct.pack_into(">II", buf2, 136 + 12 * i, start, len(gamma22))
    assert not fastcolour.is_display_p3(bytes(buf2))


# --- the array interface -----------------------------------------------------------------------


def test_rgba_in_place_and_strided(corpus: Path) -> None:
    profile = _apple_d50(corpus)
    rng = np.random.default_rng(4)
    rgb = rng.integers(0, 256, (67, 1001, 3), dtype=np.uint8)  # not a multiple of the chunk
    want = fastcolour.p3_to_srgb(rgb, profile)
    assert colour_error(want, lcms(rgb, profile))[2] <= 1
    rgba = np.concatenate([rgb, rng.integers(0, 256, (67, 1001, 1), dtype=np.uint8)], -1)
    out = fastcolour.p3_to_srgb(rgba, profile)
    assert np.array_equal(out[..., :3], want) and np.array_equal(out[..., 3], rgba[..., 3])
    inplace = rgb.copy()
    assert fastcolour.p3_to_srgb(inplace, profile, out=inplace) is inplace
    assert np.array_equal(inplace, want)
    strided = np.ascontiguousarray(rgb[:, ::-1])[:, ::-1]  # a negative-stride view
    assert np.array_equal(fastcolour.p3_to_srgb(strided, profile), want)


def test_the_c_kernel_is_built() -> None:
    """`make test` builds pressroom/ingest/_p3.c with the package. Without a C compiler the
    numpy passes stand in, for the same bytes at three times the CPU: a build that lost the
    kernel fails here rather than slowing every HEIC down unseen."""
    assert fastcolour._p3 is not None, (
        "pressroom/ingest/_p3.c is not built: install a C compiler (apt-get install gcc) "
        "and Python's headers, then `make test` again (it reinstalls the package)"
    )


def test_kernel_equals_numpy_on_every_colour(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All 16.7M colours through the C kernel and through numpy's passes: the same bytes, for
    RGB, RGBA (alpha copied) and in place."""
    profile = _apple_d50(corpus)
    every = np.arange(1 << 24, dtype="<u4").view(np.uint8).reshape(4096, 4096, 4)
    rgb = np.ascontiguousarray(every[..., :3])  # R, G, B: every combination once
    alpha = np.random.default_rng(6).integers(0, 256, (4096, 4096, 1), dtype=np.uint8)
    rgba = np.concatenate([rgb, alpha], -1)
    kernel = fastcolour.p3_to_srgb(rgb, profile), fastcolour.p3_to_srgb(rgba, profile)
    in_place = rgba.copy()
    fastcolour.p3_to_srgb(in_place, profile, out=in_place)
    monkeypatch.setattr(fastcolour, "_p3", None)
    assert np.array_equal(fastcolour.p3_to_srgb(rgb, profile), kernel[0])
    assert np.array_equal(fastcolour.p3_to_srgb(rgba, profile), kernel[1])
    assert np.array_equal(kernel[1], in_place) and np.array_equal(kernel[1][..., 3:], alpha)


def test_small_chunks_agree(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy's passes in chunks that do not divide the picture give the kernel's bytes."""
    profile = _apple_d50(corpus)
    rgb = np.random.default_rng(5).integers(0, 256, (50, 333, 3), dtype=np.uint8)
    whole = fastcolour.p3_to_srgb(rgb, profile)
    monkeypatch.setattr(fastcolour, "_p3", None)
    monkeypatch.setattr(fastcolour, "CHUNK", 1000)
    assert np.array_equal(fastcolour.p3_to_srgb(rgb, profile), whole)


def test_kernel_refuses_buffers_that_do_not_match() -> None:
    """The kernel checks every size itself: a wrong table or output never reads or writes
    past a buffer."""
    assert fastcolour._p3 is not None
    rgk, tb, enc = fastcolour._tables(fastcolour._CANONICAL)
    src = np.zeros((4, 4, 3), np.uint8)
    for args in (
        (src, np.zeros((4, 4, 4), np.uint8), rgk, tb, enc, 3),  # output of another size
        (src, np.zeros_like(src), rgk[:-1], tb, enc, 3),  # a short table
        (src, np.zeros_like(src), rgk, tb, enc[:100], 3),
        (src, np.zeros_like(src), rgk, tb, enc, 5),  # bands
    ):
        with pytest.raises(ValueError, match="sizes"):
            fastcolour._p3.convert(*args)
    with pytest.raises(TypeError):
        fastcolour._p3.convert(src, b"read-only", rgk, tb, enc, 3)


def test_bad_input(corpus: Path) -> None:
    with pytest.raises(ValueError, match="uint8"):
        fastcolour.p3_to_srgb(np.zeros((4, 4, 3), np.uint16))
    with pytest.raises(ValueError, match="uint8"):
        fastcolour.p3_to_srgb(np.zeros((4, 5), np.uint8))
    with pytest.raises(ValueError, match="not Display P3"):
        fastcolour.p3_to_srgb(
            np.zeros((4, 4, 3), np.uint8), _corpus_profile(corpus, "colour/xmp_test_adobe_rgb.jpg")
        )
