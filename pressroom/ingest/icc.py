"""Just enough of ICC to name a profile and to tell sRGB from everything else."""

from __future__ import annotations

import struct

# D50-adapted colorant tags of sRGB (IEC 61966-2-1) as ICC v2/v4 profiles store them.
_SRGB_COLORANTS = {
    b"rXYZ": (0.4361, 0.2225, 0.0139),
    b"gXYZ": (0.3851, 0.7169, 0.0971),
    b"bXYZ": (0.1431, 0.0606, 0.7141),
}


def tags(icc: bytes) -> dict[bytes, bytes]:
    if len(icc) < 132:
        return {}
    (count,) = struct.unpack_from(">I", icc, 128)
    out: dict[bytes, bytes] = {}
    for i in range(min(count, 256)):
        off = 132 + 12 * i
        if off + 12 > len(icc):
            break
        sig, start, size = struct.unpack_from(">4sII", icc, off)
        if start + size <= len(icc):
            out[sig] = icc[start : start + size]
    return out


def description(icc: bytes | None) -> str | None:
    """The profile's 'desc' text (v2 textDescriptionType or v4 multiLocalizedUnicodeType)."""
    if not icc:
        return None
    desc = tags(icc).get(b"desc", b"")
    try:
        if desc[:4] == b"desc":
            (n,) = struct.unpack_from(">I", desc, 8)
            return desc[12 : 12 + n].split(b"\0")[0].decode("latin-1").strip() or None
        if desc[:4] == b"mluc":
            count, _ = struct.unpack_from(">II", desc, 8)
            if count:
                length, offset = struct.unpack_from(">II", desc, 16 + 4)
                return desc[offset : offset + length].decode("utf-16-be").strip("\0 ") or None
    except (struct.error, UnicodeDecodeError):
        return None
    return None


def colour_space(icc: bytes | None) -> str | None:
    """The profile's data colour space signature, e.g. 'RGB', 'GRAY', 'CMYK'."""
    if not icc or len(icc) < 20:
        return None
    return icc[16:20].decode("latin-1").strip()


def is_srgb(icc: bytes | None) -> bool:
    """True when the pixels are already sRGB: no profile, or one with sRGB's primaries.

    Comparing colorants rather than names catches every vendor's "sRGB IEC61966-2.1",
    "sRGB built-in", "sRGB v4" alike, and never mistakes Display P3 or Adobe RGB for sRGB.
    """
    if not icc:
        return True
    found = tags(icc)
    for sig, want in _SRGB_COLORANTS.items():
        tag = found.get(sig, b"")
        if len(tag) < 20 or tag[:4] != b"XYZ ":
            return False
        got = [v / 65536 for v in struct.unpack_from(">iii", tag, 8)]
        if any(abs(g - w) > 0.003 for g, w in zip(got, want, strict=True)):
            return False
    return True
