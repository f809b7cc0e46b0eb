"""Reading the few EXIF/XMP facts we record. Hostile or broken metadata yields nothing,
never an error: metadata problems are not grounds for rejecting a photo."""

from __future__ import annotations

import re
import warnings
from typing import Any

from PIL import Image

_ORIENTATION = 0x0112
_MAKE, _MODEL = 0x010F, 0x0110
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL = 0x9003, 0x9011
_DATETIME = 0x0132

_XMP_ORIENTATION = re.compile(rb"tiff:Orientation(?:=\"|>)\s*([0-9])")


def load(raw: bytes | None) -> Image.Exif | None:
    if not raw:
        return None
    exif = Image.Exif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns on every malformed tag
            exif.load(raw)
    except Exception:  # noqa: BLE001 - any parser failure means "no usable EXIF"
        return None
    return exif


def orientation(exif: Image.Exif | None, xmp: bytes | None = None) -> int:
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


def _capture_time(ifd: dict[int, Any], base: Image.Exif) -> str | None:
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


def _gps(exif: Image.Exif) -> dict[str, float] | None:
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


def facts(exif: Image.Exif | None) -> dict[str, Any]:
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
