"""Reading the few EXIF/XMP facts we record. Hostile or broken metadata yields nothing,
never an error: metadata problems are not grounds for rejecting a photo."""

from __future__ import annotations

import re
import struct
from typing import Any

_ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_DATETIME = 0x0132

_XMP_ORIENTATION = re.compile(rb"tiff:Orientation(?:=\"|>)\s*([0-9])")


class Exif:
    """The tags we read from a TIFF/EXIF block: IFD0 at once, a sub-IFD (Exif, GPS) when
    asked for. Only the types those tags use are decoded (ASCII, bytes, integers and
    rationals); every offset is bounds-checked and a broken entry is skipped, so hostile
    data reads as "absent". A few struct calls where Pillow's TIFF plugin parsed the whole
    Exif IFD, maker note included (~5 ms a camera photo on the upload path)."""

    def __init__(self, tiff: bytes) -> None:
        self._tiff = tiff
        self._order = "<" if tiff[:2] == b"II" else ">"
        if tiff[:4] not in (b"II*\x00", b"MM\x00*"):
            raise ValueError("not a TIFF header")
        (first,) = struct.unpack_from(self._order + "I", tiff, 4)
        self._ifd0 = self._ifd(first)

    def get(self, tag: int, default: Any = None) -> Any:
        return self._ifd0.get(tag, default)

    def get_ifd(self, tag: int) -> dict[int, Any]:
        offset = self._ifd0.get(tag)
        return self._ifd(offset) if isinstance(offset, int) else {}

    def _ifd(self, offset: int) -> dict[int, Any]:
        t, o = self._tiff, self._order
        if not 8 <= offset <= len(t) - 2:
            return {}
        (count,) = struct.unpack_from(o + "H", t, offset)
        out: dict[int, Any] = {}
        for i in range(min(count, (len(t) - offset - 2) // 12, 512)):
            tag, kind, n, raw = struct.unpack_from(o + "HHI4s", t, offset + 2 + 12 * i)
            size = _SIZES.get(kind)
            if size is None or n == 0 or n > 4096:
                continue
            data = raw if size * n <= 4 else _at(t, struct.unpack(o + "I", raw)[0], size * n)
            if data is not None:
                out[tag] = _value(kind, n, data, o)
        return out


# BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED, SSHORT, SLONG, SRATIONAL (phones write GPS
# coordinates either way)
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 8: 2, 9: 4, 10: 8}
_INTS = {3: "H", 4: "I", 8: "h", 9: "i"}


def _at(tiff: bytes, offset: int, size: int) -> bytes | None:
    return tiff[offset : offset + size] if 0 <= offset <= len(tiff) - size else None


def _value(kind: int, n: int, data: bytes, order: str) -> Any:
    if kind == 2:  # as Pillow reads it: trailing NULs off (_text drops inner ones)
        return data[:n].decode("latin-1").rstrip("\x00")
    if kind in (1, 7):
        return data[0] if kind == 1 and n == 1 else bytes(data[:n])
    if kind in (5, 10):
        pairs = struct.unpack_from(f"{order}{2 * n}{'I' if kind == 5 else 'i'}", data)
        fractions = zip(pairs[::2], pairs[1::2], strict=True)
        values = tuple(a / b if b else float("nan") for a, b in fractions)
        return values[0] if n == 1 else values
    values_i = struct.unpack_from(f"{order}{n}{_INTS[kind]}", data)
    return values_i[0] if n == 1 else values_i


def load(raw: bytes | None) -> Exif | None:
    """The EXIF block as found (APP1 "Exif\\0\\0" + TIFF, a bare TIFF, or HEIF's offset
    prefix before it); None when it holds no readable TIFF header."""
    if not raw:
        return None
    for start in (6, 0, 4, 10):  # after "Exif\0\0"; bare; HEIF offset; both
        if raw[start : start + 4] in (b"II*\x00", b"MM\x00*"):
            try:
                return Exif(raw[start:])
            except (struct.error, ValueError):
                return None
    return None


def orientation(exif: Exif | None, xmp: bytes | None = None) -> int:
    """EXIF Orientation 1..8; 0, junk or absent mean 1. XMP tiff:Orientation as fallback."""
    value = None
    if exif is not None:
        try:
            value = exif.get(_ORIENTATION)
        except Exception:  # noqa: BLE001
            value = None
    if value is None and xmp:
        m = _XMP_ORIENTATION.search(xmp)
        value = int(m.group(1)) if m else None
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    if not isinstance(value, str):
        return None
    value = value.replace("\x00", "").strip()
    return value[:128] or None


def _capture_time(ifd: dict[int, Any], base: Exif) -> str | None:
    raw = _text(ifd.get(_DATETIME_ORIGINAL)) or _text(base.get(_DATETIME))
    m = re.fullmatch(r"(\d{4}):(\d\d):(\d\d)[ T](\d\d):(\d\d):(\d\d)", raw or "")
    if not m or m.group(1) == "0000":
        return None
    stamp = "{}-{}-{}T{}:{}:{}".format(*m.groups())
    offset = _text(ifd.get(_OFFSET_TIME_ORIGINAL))
    if offset and re.fullmatch(r"[+-]\d\d:\d\d", offset):
        stamp += offset
    return stamp


def _degrees(dms: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(x) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if _text(ref) in ("S", "W"):
        value = -value
    return round(value, 7)


def _gps(exif: Exif) -> dict[str, float] | None:
    try:
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:  # noqa: BLE001
        return None
    lat = _degrees(gps.get(2), gps.get(1))
    lon = _degrees(gps.get(4), gps.get(3))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:
        return None  # "null island": cameras write zeros when they have no fix
    out = {"lat": lat, "lon": lon}
    try:
        alt = float(gps[6])
        out["alt"] = round(-alt if gps.get(5) in (1, b"\x01") else alt, 2)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        pass
    return out


def facts(exif: Exif | None) -> dict[str, Any]:
    """Capture time (ISO 8601, with offset when recorded), GPS, camera make and model."""
    if exif is None:
        return {}
    try:
        ifd = exif.get_ifd(_EXIF_IFD)
    except Exception:  # noqa: BLE001
        ifd = {}
    out: dict[str, Any] = {
        "captured_at": _capture_time(ifd, exif),
        "gps": _gps(exif),
        "camera_make": _text(exif.get(_MAKE)),
        "camera_model": _text(exif.get(_MODEL)),
    }
    return {k: v for k, v in out.items() if v is not None}
