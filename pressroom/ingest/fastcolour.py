"""Display P3 -> sRGB for 8-bit RGB pixels at table-lookup speed (numpy, no lcms).

Display P3 (every iPhone HEIC, many Android and Mac photos) and sRGB share the D65 white,
the blue primary and the transfer curve. So the conversion is: linearise each channel
(the sRGB curve), apply one 3x3 matrix (P3 -> XYZ D50 -> sRGB, as an ICC matrix/TRC
transform does it), clip to [0, 1] and encode with the sRGB curve. Because the primaries
share blue, the matrix's blue column is zero for red and green (to ~1e-4, the rounding of
the profiles' s15.16 colorants): sRGB red and green depend on P3 red and green only.

That makes the transform three table lookups per pixel, with no arithmetic on the way:

* R', G' and a red+green share of blue come from ONE 65536-entry table indexed by the
  pixel's (R, G) bytes read as a little-endian uint16 (a strided view of the RGB buffer,
  no index arithmetic). R' and G' in it are exact: each entry is the float64 result,
  clipped and rounded once.
* B' = encode(m20 lin R + m21 lin G + m22 lin B): the (R, G) share (16-bit fixed point,
  from the same lookup) plus a 256-entry table of B, then a 65536-entry sRGB-encode table
  indexed by the 16-bit linear value; np.take's mode="clip" does the clip to [0, 1].

The pixels are walked once by a small C kernel (`_p3.c`, built with the package: 20-24 ms
for 12 MP in benchmarks/bench_fastcolour.py); where it is not built, numpy does the same
lookups in nine passes over chunks of 64K pixels, so the intermediates stay in cache (58-63
ms), with the same result. Against libvips'
icc_transform (lcms, whose 8-bit matrix/shaper path works in 1.14 fixed point with
interpolated 16-bit output curves) on the corpus's P3 photos every channel is within one
code value (0.7-2.4% of values differ), mean CIEDE2000 0.01-0.04 and max 1.5-1.6 (a
one-code step in a dark colour). Over all 16.7M colours this path is the closer of the two
to the exact float64 result: 0.15% of values one code off it, against lcms's 1.2%
(tests/test_fastcolour.py). CPU: see benchmarks/bench_fastcolour.py.

is_display_p3() decides from the profile's content, not its name: an RGB matrix/TRC
profile (no A2B0/B2A0 LUTs, which lcms would prefer for the perceptual intent), colorants
within 0.002 of Display P3's D50-adapted ones, and all three TRCs the sRGB curve
(parametric type 3/4, or a sampled curve) within 0.002. That accepts Apple's "Display P3"
(v4, with either white point tag) and Android's "DCI-P3 D65 Gamut with sRGB Transfer", and
refuses DCI-P3 (gamma 2.6, DCI white), P3 with a gamma-2.2 curve, Adobe RGB and sRGB. One
more condition keeps the shortcut honest: blue's share of red and green, which the tables
leave out, must be below 2e-4 (libvips' compact "sP3C", whose colorants are rounded to
1e-3, has 5e-4 and so stays with lcms).
"""

from __future__ import annotations

import importlib
import struct
from functools import lru_cache
from types import ModuleType

import numpy as np

from ..capabilities import fallback
from .icc import tags as icc_tags

_p3: ModuleType | None
try:
    _p3 = importlib.import_module(f"{__package__}._p3")  # the C kernel, built with the package
except ImportError:  # not built (no C compiler where it was installed): numpy's passes
    _p3 = None

__all__ = ["is_display_p3", "p3_to_srgb", "p3_colorants"]

# --- the colour science (ICC: colorants are XYZ of each primary, Bradford-adapted to D50) --

_D50 = np.array([0.9642, 1.0, 0.8249])  # the ICC PCS illuminant
_BRADFORD = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)


def _xy_to_xyz(x: float, y: float) -> np.ndarray:
    return np.array([x / y, 1.0, (1 - x - y) / y])


def _colorants_d50(
    primaries: tuple[tuple[float, float], ...], white: tuple[float, float]
) -> np.ndarray:
    """Columns: the XYZ (D50 PCS) of the red, green and blue primaries at full drive."""
    xyz = np.stack([_xy_to_xyz(*p) for p in primaries], axis=1)
    w = _xy_to_xyz(*white)
    m = xyz * np.linalg.solve(xyz, w)  # scale each primary so that R=G=B=1 is the white
    src, dst = _BRADFORD @ w, _BRADFORD @ _D50
    adapt = np.linalg.inv(_BRADFORD) @ np.diag(dst / src) @ _BRADFORD
    colorants: np.ndarray = adapt @ m
    return colorants


_D65 = (0.3127, 0.3290)
P3_D50 = _colorants_d50(((0.680, 0.320), (0.265, 0.690), (0.150, 0.060)), _D65)
SRGB_D50 = _colorants_d50(((0.640, 0.330), (0.300, 0.600), (0.150, 0.060)), _D65)

# sRGB transfer curve as an ICC parametric curve (type 3): g, a, b, c, d
_SRGB_PARA = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)
_COLORANT_TOL = 0.002
_TRC_TOL = 0.002
_BLUE_SHARE_TOL = 2e-4


def srgb_decode(v: np.ndarray) -> np.ndarray:
    """sRGB-encoded [0, 1] -> linear light."""
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def srgb_encode(x: np.ndarray) -> np.ndarray:
    """Linear light -> sRGB-encoded [0, 1], clipping first."""
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)


# --- reading just enough of an ICC profile ---------------------------------------------------



def _xyz(tag: bytes | None) -> np.ndarray | None:
    if not tag or len(tag) < 20 or tag[:4] != b"XYZ ":
        return None
    return np.array(struct.unpack_from(">iii", tag, 8)) / 65536


def _s15(data: bytes, n: int, off: int = 12) -> tuple[float, ...]:
    return tuple(v / 65536 for v in struct.unpack_from(f">{n}i", data, off))


def _is_srgb_curve(tag: bytes | None) -> bool:
    """A TRC tag that is the sRGB curve: parametric type 3 (or 4 with no offsets) with sRGB's
    parameters, or a sampled curve that follows it."""
    if not tag or len(tag) < 12:
        return False
    kind = tag[:4]
    try:
        if kind == b"para":
            (ftype,) = struct.unpack_from(">H", tag, 8)
            if ftype == 3 and len(tag) >= 32:
                params = _s15(tag, 5)
            elif ftype == 4 and len(tag) >= 40:
                s15 = _s15(tag, 7)
                params, e, f = s15[:5], s15[5], s15[6]
                if abs(e) > 1e-3 or abs(f) > 1e-3:
                    return False
            else:
                return False
            g, a, b, c, d = params
            v = np.linspace(0, 1, 256)
            curve = np.where(v >= d, np.abs(a * v + b) ** g, c * v)
        elif kind == b"curv":
            (n,) = struct.unpack_from(">I", tag, 8)
            if n < 16 or len(tag) < 12 + 2 * n:
                return False  # identity or a pure gamma: not the sRGB curve
            table = np.array(struct.unpack_from(f">{n}H", tag, 12)) / 65535
            v = np.linspace(0, 1, 256)
            curve = np.interp(v, np.linspace(0, 1, n), table)
        else:
            return False
    except struct.error:
        return False
    return bool(np.max(np.abs(curve - srgb_decode(np.linspace(0, 1, 256)))) <= _TRC_TOL)


def p3_colorants(profile: bytes | None) -> tuple[float, ...] | None:
    """The profile's nine colorant values when it is Display P3 (see the module notes), or
    None. The tuple is what p3_to_srgb() builds its tables from."""
    if not profile or len(profile) < 132:
        return None
    if profile[16:20] != b"RGB " or profile[20:24] != b"XYZ ":
        return None
    tags = icc_tags(profile)
    if any(t in tags for t in (b"A2B0", b"A2B1", b"A2B2", b"D2B0")):
        return None  # lcms would use the LUT, not the matrix
    cols = [c for t in (b"rXYZ", b"gXYZ", b"bXYZ") if (c := _xyz(tags.get(t))) is not None]
    if len(cols) != 3:
        return None
    m = np.stack(cols, axis=1)
    if np.max(np.abs(m - P3_D50)) > _COLORANT_TOL:
        return None
    # The tables leave out blue's share of red and green: it must be as negligible as the
    # shared blue primary makes it (below 2e-4 in linear light, under 2/3 of a code value
    # even at the steepest point of the sRGB curve). Apple's and Android's profiles have
    # ~3e-5; a coarsely rounded one (libvips' compact "sP3C": 5e-4) is left to lcms.
    blue_share = np.linalg.solve(SRGB_D50, m)[:2, 2]
    if np.max(np.abs(blue_share)) > _BLUE_SHARE_TOL:
        return None
    if not all(_is_srgb_curve(tags.get(t)) for t in (b"rTRC", b"gTRC", b"bTRC")):
        return None
    return tuple(float(v) for v in m.ravel())


def is_display_p3(profile: bytes | None) -> bool:
    """True for a profile whose pixels p3_to_srgb() converts as lcms would."""
    return p3_colorants(profile) is not None


# --- the tables -------------------------------------------------------------------------------

_SCALE = 65535  # linear light in 16-bit fixed point for the blue path


@lru_cache(maxsize=8)
def _tables(colorants: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(RGK, TB, ENC): uint32[65536] indexed by R | G << 8 holding R' | G' << 8 | (K + bias)
    << 16, int32[256] holding m22 lin(B) - bias, uint8[65536] encoding 16-bit linear."""
    p3 = np.array(colorants).reshape(3, 3)
    m = np.linalg.solve(SRGB_D50, p3)  # linear P3 -> linear sRGB
    lin = srgb_decode(np.arange(256) / 255)
    r, g = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    lr, lg = lin[r], lin[g]
    # The blue column of rows 0 and 1 is ~1e-4 (colorant rounding) and is left out.
    r_out = np.rint(255 * srgb_encode(m[0, 0] * lr + m[0, 1] * lg)).astype(np.uint32)
    g_out = np.rint(255 * srgb_encode(m[1, 0] * lr + m[1, 1] * lg)).astype(np.uint32)
    k = np.rint(_SCALE * (m[2, 0] * lr + m[2, 1] * lg)).astype(np.int64)
    bias = max(0, int(-k.min()))
    if k.max() + bias >= 1 << 16:
        raise ValueError("colorants too far from Display P3 for the packed table")
    rgk = np.zeros(65536, np.uint32)
    rgk[r + 256 * g] = r_out | (g_out << 8) | ((k + bias).astype(np.uint32) << 16)
    tb = (np.rint(_SCALE * m[2, 2] * lin) - bias).astype(np.int32)
    enc = np.rint(255 * srgb_encode(np.arange(65536) / _SCALE)).astype(np.uint8)
    for t in (rgk, tb, enc):
        t.flags.writeable = False
    return rgk, tb, enc


_CANONICAL = tuple(float(v) for v in P3_D50.ravel())
CHUNK = 1 << 16  # pixels per step: ~1 MB of intermediates, cache-resident


def _strided(buf: np.ndarray, dtype: str, offset: int, n: int, step: int) -> np.ndarray:
    return np.ndarray(shape=(n,), dtype=dtype, buffer=buf, offset=offset, strides=(step,))


def p3_to_srgb(
    pixels: np.ndarray, profile: bytes | None = None, out: np.ndarray | None = None
) -> np.ndarray:
    """Display P3 8-bit RGB (or RGBA, alpha copied) -> sRGB, shape (..., 3 or 4), uint8.

    `profile` (optional) supplies the exact colorants of the embedded profile; it must pass
    is_display_p3() (ValueError otherwise). Without it, canonical Display P3 is assumed.
    `out` may be `pixels` itself (in place) or another C-contiguous array of the same shape.
    """
    if pixels.dtype != np.uint8 or pixels.ndim < 2 or pixels.shape[-1] not in (3, 4):
        raise ValueError(f"need uint8 RGB or RGBA pixels, got {pixels.dtype} {pixels.shape}")
    if profile is None:
        colorants = _CANONICAL
    else:
        found = p3_colorants(profile)
        if found is None:
            raise ValueError("the profile is not Display P3")
        colorants = found
    rgk, tb, enc = _tables(colorants)
    src = np.ascontiguousarray(pixels)
    if out is None:
        out = np.empty_like(src)
    elif out.shape != src.shape or out.dtype != np.uint8 or not out.flags.c_contiguous:
        raise ValueError("out must be a C-contiguous uint8 array of the same shape")
    bands = src.shape[-1]
    if _p3 is not None:
        _p3.convert(src, out, rgk, tb, enc, bands)
        return out
    fallback("C kernel _p3")
    if bands == 4 and out is not src:
        out[..., 3] = src[..., 3]
    n_total = src.size // bands
    a, o = src.reshape(-1), out.reshape(-1)
    for start in range(0, n_total, CHUNK):
        n = min(CHUNK, n_total - start)
        off = bands * start
        # (R, G) as one little-endian uint16 per pixel; copied contiguous, as np.take is
        # several times faster on contiguous indices.
        packed = np.take(rgk, np.ascontiguousarray(_strided(a, "<u2", off, n, bands)), mode="clip")
        blue = np.take(tb, np.ascontiguousarray(_strided(a, "u1", off + 2, n, bands)), mode="clip")
        # Write R' G' only after the source's B of this chunk is read (in-place safe).
        _strided(o, "<u2", off, n, bands)[...] = packed  # the low 16 bits: R' | G' << 8
        packed >>= 16
        linear = packed.view(np.int32)
        linear += blue
        # mode="clip" clips the 16-bit linear index to [0, 65535]: the gamut clip.
        _strided(o, "u1", off + 2, n, bands)[...] = np.take(enc, linear, mode="clip")
    return out
