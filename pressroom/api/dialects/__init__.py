"""URL dialects of other image servers, each mapped onto pressroom's one thumbnail engine.

    imgproxy.py  /{prefix}/{signature}/{options}/plain/{id}@{ext} or .../{base64url id}.{ext}
    thumbor.py   /{prefix}/{hmac-sha1|unsafe}/[AxB:CxD/][fit-in/]WxH/[halign/valign/][smart/]
                 [filters:.../]{id}
    dit.py       /{prefix}/{base64 JSON request} or a thumbor-style path (AWS Dynamic Image
                 Transformation for CloudFront, formerly Serverless Image Handler)

A dialect parses its URL into a `DialectRequest`: the photo id and a function from the
photo's size to `ThumbOptions`, because some meanings depend on the source (imgproxy's
rt:auto and relative crops, thumbor's focal rectangles, the output format "as the source").
The options then go through the same engine, result cache and ETag as native URLs
(`render.options.canonical` normalises them), so one picture has one ETag in every dialect.
Anything a dialect can say that pressroom does not do raises `Unsupported` (400 naming it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from ...ids import is_id
from ...render.options import BadOptions, ThumbOptions, Unsupported

__all__ = ["BadOptions", "DialectRequest", "Source", "Unsupported"]


@dataclass(frozen=True)
class Source:
    """What the options may depend on: the master's upright size and whether it has alpha."""

    width: int
    height: int
    alpha: bool

    @property
    def format(self) -> str:
        """The output format "as the source" (all three servers' default): the master's."""
        return "png" if self.alpha else "jpeg"


@dataclass(frozen=True)
class DialectRequest:
    photo_id: str
    options: Callable[[Source], ThumbOptions]
    signed: bool  # unsigned requests stay inside the size allow-list


# Compass gravities as focal points: the crop step clamps the box inside the image, so a
# centre on an edge gives exactly that edge's crop.
COMPASS: dict[str, tuple[float, float]] = {
    "no": (0.5, 0.0), "so": (0.5, 1.0), "ea": (1.0, 0.5), "we": (0.0, 0.5),
    "noea": (1.0, 0.0), "nowe": (0.0, 0.0), "soea": (1.0, 1.0), "sowe": (0.0, 1.0),
    "ce": (0.5, 0.5),
}  # fmt: skip

_STEM = re.compile(r"^(.*?)(?:\.[A-Za-z0-9]{1,5})?$")


def photo_id(source: str) -> str:
    """A photo id from a dialect's source: the id itself, or a key or URL whose last path
    segment (without its extension) is the id ("masters/<id>.jpg", "s3://b/uploads/u/<id>.heic")."""
    last = unquote(source).rstrip("/").rsplit("/", 1)[-1]
    m = _STEM.match(last)
    stem = m.group(1) if m else last
    for candidate in (last, stem):
        if is_id(candidate):
            return candidate
    raise BadOptions(f"the source {source[:60]!r} does not name a photo id")


def hex_colour(raw: str, option: str) -> tuple[int, int, int]:
    raw = raw.lstrip("#")
    if len(raw) == 3:
        raw = "".join(c * 2 for c in raw)
    if len(raw) != 6 or any(c not in "0123456789abcdefABCDEF" for c in raw):
        raise BadOptions(f"{option}: a colour is RRGGBB hex, not {raw[:20]!r}")
    return int(raw[0:2], 16), int(raw[2:4], 16), int(raw[4:6], 16)


def region_at(src: Source, w: int, h: int, focus: tuple[float, float]) -> tuple[int, int, int, int]:
    """A w x h source rectangle centred on `focus` (0..1), slid inside the image."""
    w, h = min(w, src.width), min(h, src.height)
    left = max(0, min(round(focus[0] * src.width - w / 2), src.width - w))
    top = max(0, min(round(focus[1] * src.height - h / 2), src.height - h))
    return left, top, w, h


OUTPUT = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp", "avif": "avif"}


def output_format(name: str, option: str) -> str:
    fmt = OUTPUT.get(name.lower())
    if fmt is None:  # gif, tiff, heic/heif, bmp, ico, svg, jxl, best...
        raise Unsupported(f"{option} {name[:20]}", "pressroom writes jpeg, png, webp and avif")
    return fmt
