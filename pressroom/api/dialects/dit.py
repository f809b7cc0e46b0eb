"""AWS Dynamic Image Transformation for CloudFront (formerly Serverless Image Handler).

    /{base64(JSON)}    {"bucket", "key", "edits": {...}, "outputFormat"?}
    /{thumbor-style path without a signature}    (dialects.thumbor)

`key` names a photo (its id, or a key ending in "<id>.<ext>"); `bucket`, when given, must be
one of PRESSROOM_DIT_BUCKETS (the dialect is off while that list is empty). With
PRESSROOM_DIT_SECRET set, requests must carry `?signature=` = hex HMAC-SHA256(secret, path),
as the solution's ENABLE_SIGNATURE does. Edits mapped (sharp's meanings): resize {width,
height, fit: cover|contain|fill|inside, position, background, withoutEnlargement}, toFormat,
smartCrop (recorded faces, else attention), extract before resize (a source region),
jpeg/png/webp/avif {quality}, rotate: null. Any other edit answers 400 naming it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import replace
from typing import Any

from ...config import Settings
from ...reasons import ApiError
from ...render.options import MAX_SIDE, ThumbOptions
from ...render.signature import dit_verify
from . import (
    COMPASS,
    BadOptions,
    DialectRequest,
    Source,
    Unsupported,
    hex_colour,
    output_format,
    photo_id,
    thumbor,
)

# sharp fit -> (pressroom fit, enlarges by default)
FITS = {"cover": "cover", "contain": "fill", "fill": "force", "inside": "contain"}
POSITIONS = {
    "centre": "ce", "center": "ce", "top": "no", "north": "no", "bottom": "so", "south": "so",
    "left": "we", "west": "we", "right": "ea", "east": "ea",
    "right top": "noea", "northeast": "noea", "left top": "nowe", "northwest": "nowe",
    "right bottom": "soea", "southeast": "soea", "left bottom": "sowe", "southwest": "sowe",
}  # fmt: skip
QUALITY_EDITS = ("jpeg", "png", "webp", "avif")


def parse(path: str, query: dict[str, str], settings: Settings) -> DialectRequest:
    if not settings.dit_buckets:
        raise ApiError("not_found", message="AWS DIT requests are not enabled here.")
    signed = False
    if settings.dit_secrets:
        given = query.get("signature", "")
        if not given:
            raise ApiError("unsigned")
        if not dit_verify(given, path, settings.dit_secrets):
            raise ApiError("bad_signature")
        signed = True
    request = _decode(path.lstrip("/"))
    if request is None:  # the thumbor-style form
        parsed = thumbor.parse(path, settings, signed_segment=False)
        return replace(parsed, signed=signed)
    bucket = request.get("bucket")
    if bucket is not None and bucket not in settings.dit_buckets:
        raise ApiError("bad_bucket")
    key = request.get("key")
    if not isinstance(key, str) or not key:
        raise BadOptions("the request has no key")
    for name in request:
        if name not in ("bucket", "key", "edits", "outputFormat", "headers"):
            raise Unsupported(name)
    if request.get("headers"):
        raise Unsupported("headers")
    edits = request.get("edits") or {}
    if not isinstance(edits, dict):
        raise BadOptions("edits must be an object")
    build = _edits(edits, request.get("outputFormat"))
    return DialectRequest(photo_id(key), build, signed)


def _decode(text: str) -> dict[str, Any] | None:
    """The JSON request, or None when the path is not one (then it is thumbor-style)."""
    if not text.startswith("eyJ"):  # base64 of '{"'
        return None
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_")
    except (binascii.Error, ValueError):
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise BadOptions("the request is not base64-encoded JSON") from None
    try:
        request = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadOptions("the request is not base64-encoded JSON") from None
    if not isinstance(request, dict):
        raise BadOptions("the request is not a JSON object")
    return request


def _edits(edits: dict[str, Any], output: Any) -> Any:
    names = list(edits)
    resize = edits.get("resize") or {}
    if not isinstance(resize, dict):
        raise BadOptions("resize must be an object")
    extract = edits.get("extract")
    if extract is not None and "resize" in names and names.index("extract") > names.index("resize"):
        raise Unsupported("extract", "extract after resize")
    fmt = output if output is not None else edits.get("toFormat")
    fmt = output_format(str(fmt), "toFormat") if fmt is not None else None
    quality = 0
    for name, value in edits.items():
        if name in ("resize", "extract", "toFormat", "smartCrop"):
            continue
        if name == "rotate" and value is None:
            continue  # the solution's "auto-orient": masters are upright already
        if name in QUALITY_EDITS and isinstance(value, dict) and set(value) <= {"quality"}:
            if fmt in (name, None) and "quality" in value:
                quality = _int(f"{name}.quality", value["quality"], 1, 100)
            continue
        raise Unsupported(name)
    smart = edits.get("smartCrop")
    if isinstance(smart, dict) and (smart.get("faceIndex", 0) or smart.get("padding", 0)):
        raise Unsupported("smartCrop", "faceIndex and padding")
    for name in resize:
        if name not in ("width", "height", "fit", "position", "background", "withoutEnlargement"):
            raise Unsupported(f"resize.{name}")

    def build(src: Source) -> ThumbOptions:
        region = _region(extract, src) if extract is not None else None
        sw, sh = (region[2], region[3]) if region else (src.width, src.height)
        width = _int("resize.width", resize.get("width") or 0, 0, MAX_SIDE)
        height = _int("resize.height", resize.get("height") or 0, 0, MAX_SIDE)
        if not width and not height:
            width, height = sw, sh
        sharp_fit = resize.get("fit", "cover")
        if sharp_fit not in FITS:
            raise Unsupported(f"resize.fit {sharp_fit}")
        opts = ThumbOptions(
            width=width,
            height=height,
            fit=FITS[sharp_fit],
            enlarge=not resize.get("withoutEnlargement", False),
            region=region,
            quality=quality,
            format=fmt or src.format,
            background=(0, 0, 0) if sharp_fit == "contain" else (255, 255, 255),
        )
        if "background" in resize:
            opts = replace(opts, background=_colour(resize["background"]))
        position = resize.get("position", "centre")
        if smart not in (None, False) or position == "attention":
            if opts.fit != "cover":
                raise Unsupported("smartCrop", f"with fit {sharp_fit}")
            return replace(opts, gravity="sm")
        compass = POSITIONS.get(str(position))
        if compass is None:
            raise Unsupported(f"resize.position {position}")
        if compass != "ce":
            if opts.fit != "cover":
                raise Unsupported(f"resize.position {position}", f"with fit {sharp_fit}")
            opts = replace(opts, gravity="fp", focus=COMPASS[compass])
        return opts

    return build


def _region(extract: Any, src: Source) -> tuple[int, int, int, int]:
    if not isinstance(extract, dict):
        raise BadOptions("extract must be {left, top, width, height}")
    sides = ("left", "top", "width", "height")
    x, y, w, h = (_int(f"extract.{k}", extract.get(k), 0, 10**6) for k in sides)
    if w == 0 or h == 0 or x + w > src.width or y + h > src.height:
        raise BadOptions("extract is outside the photo")
    return x, y, w, h


def _colour(value: Any) -> tuple[int, int, int]:
    if isinstance(value, dict) and {"r", "g", "b"} <= set(value):
        if value.get("alpha", 1) not in (1, 1.0):
            raise Unsupported("resize.background alpha")
        r, g, b = (_int("resize.background", value[k], 0, 255) for k in "rgb")
        return r, g, b
    if isinstance(value, str) and value.startswith("#"):
        return hex_colour(value, "resize.background")
    raise Unsupported("resize.background", "give {r, g, b} or #rrggbb")


def _int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise BadOptions(f"{name} must be an integer")
    n = int(value)
    if not lo <= n <= hi:
        raise BadOptions(f"{name} must be between {lo} and {hi}")
    return n
