"""thumbor URLs (thumbor.readthedocs.io, "Usage"):

    /{hmac-sha1 signature|unsafe}/[trim/][AxB:CxD/][fit-in/][-]WxH/[halign/valign/][smart/]
        [filters:name(args):.../]{image}

Signed with thumbor's SECURITY_KEY scheme (render.signature.thumbor_sign); `unsafe` only with
PRESSROOM_ALLOW_UNSIGNED=1. `{image}` is a photo id (or a key/URL ending in one).
Mapped: the manual crop AxB:CxD (a source region), fit-in (fits inside, never enlarges),
WxH (crop to fill; 0 or empty = proportional), halign/valign, smart (recorded faces, else
libvips attention), and the filters quality, format, fill (fit-in padded to the box),
strip_icc (masters are sRGB without profiles anyway), no_upscale, focal. Anything else
(trim, meta, adaptive-/full-fit-in, flips, "orig", other filters) answers 400 naming it.
AWS Dynamic Image Transformation's thumbor-style paths are the same without the signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...config import Settings
from ...reasons import ApiError
from ...render.options import MAX_SIDE, ThumbOptions
from ...render.signature import thumbor_verify
from . import BadOptions, DialectRequest, Source, Unsupported, hex_colour, output_format, photo_id

PATTERN = re.compile(
    r"^(?:(?P<meta>meta)/)?"
    r"(?:(?P<trim>trim(?::[^/]*)?)/)?"
    r"(?:(?P<crop>\d+x\d+:\d+x\d+)/)?"
    r"(?:(?P<fitin>(?:adaptive-|full-)?fit-in)/)?"
    r"(?:(?P<hflip>-)?(?P<w>\d+|orig)?x(?P<vflip>-)?(?P<h>\d+|orig)?/)?"
    r"(?:(?P<halign>left|right|center)/)?"
    r"(?:(?P<valign>top|bottom|middle)/)?"
    r"(?:(?P<smart>smart)/)?"
    r"(?:filters:(?P<filters>.+?\))/)?"
    r"(?P<image>.+)$"
)
_FILTER = re.compile(r"([a-z_]+)\(([^()]*)\)")
_HALIGN = {"left": 0.0, "center": 0.5, "right": 1.0}
_VALIGN = {"top": 0.0, "middle": 0.5, "bottom": 1.0}
_COLOURS = {"white": (255, 255, 255), "black": (0, 0, 0)}


@dataclass
class _Spec:
    width: int = 0
    height: int = 0
    fit_in: bool = False
    crop: tuple[int, int, int, int] | None = None  # left, top, right, bottom
    focus: tuple[float, float] = (0.5, 0.5)
    smart: bool = False
    focal: tuple[int, int, int, int] | None = None
    quality: int = 0
    format: str | None = None
    fill: tuple[int, int, int] | None = None
    upscale: bool = True


def parse(path: str, settings: Settings, *, signed_segment: bool = True) -> DialectRequest:
    """`path` after the dialect's prefix ("/sig/300x200/id"). DIT's thumbor-style paths come
    without the signature segment (`signed_segment=False`; DIT signs in its own way)."""
    rest = path.lstrip("/")
    signed = False
    if signed_segment:
        signature, _, rest = rest.partition("/")
        signed = _check_signature(settings, signature, rest)
    m = PATTERN.match(rest)
    if not m or not rest:
        raise BadOptions("not a thumbor URL")
    for part in ("meta", "trim"):
        if m.group(part):
            raise Unsupported(m.group(part))
    if m.group("fitin") and m.group("fitin") != "fit-in":
        raise Unsupported(m.group("fitin"))
    if m.group("hflip") or m.group("vflip"):
        raise Unsupported("-", "flipping")
    spec = _Spec(fit_in=bool(m.group("fitin")), smart=bool(m.group("smart")))
    for side in ("w", "h"):
        value = m.group(side)
        if value == "orig":
            raise Unsupported("orig")
        n = int(value) if value else 0
        if n > MAX_SIDE:
            raise BadOptions(f"the output may be at most {MAX_SIDE} px on a side")
        setattr(spec, "width" if side == "w" else "height", n)
    if m.group("crop"):
        spec.crop = _rect(m.group("crop"))
    spec.focus = (_HALIGN[m.group("halign") or "center"], _VALIGN[m.group("valign") or "middle"])
    if m.group("filters"):
        _filters(spec, m.group("filters"))
    pid = photo_id(m.group("image"))
    return DialectRequest(pid, lambda src: _options(spec, src), signed)


def _check_signature(settings: Settings, signature: str, rest: str) -> bool:
    if signature == "unsafe":
        if settings.allow_unsigned:
            return False
        raise ApiError("unsigned")
    if not settings.thumbor_keys or not thumbor_verify(signature, rest, settings.thumbor_keys):
        raise ApiError("bad_signature")
    return True


def _rect(text: str) -> tuple[int, int, int, int]:
    a, b = text.split(":")
    (x0, y0), (x1, y1) = (tuple(int(v) for v in p.split("x")) for p in (a, b))
    if x1 <= x0 or y1 <= y0:
        raise BadOptions(f"the rectangle {text!r} is empty")
    return x0, y0, x1, y1


def _filters(spec: _Spec, text: str) -> None:
    found = _FILTER.findall(text)
    if ":".join(f"{n}({a})" for n, a in found) != text:
        raise BadOptions(f"filters:{text[:60]} is not name(args):name(args)")
    for name, arg in found:
        if name == "quality":
            spec.quality = _int(name, arg, 1, 100)
        elif name == "format":
            spec.format = output_format(arg, "format")
        elif name == "fill":
            spec.fill = _COLOURS.get(arg.lower()) or _fill_colour(arg)
        elif name == "strip_icc":
            pass  # masters are sRGB; results carry no profile already
        elif name == "no_upscale":
            spec.upscale = False
        elif name == "focal":
            spec.focal = _rect(arg)
        else:
            raise Unsupported(f"filters:{name}")


def _fill_colour(arg: str) -> tuple[int, int, int]:
    if arg.lower() in ("transparent", "auto", "blur"):
        raise Unsupported(f"fill({arg})")
    return hex_colour(arg, "fill")


def _options(spec: _Spec, src: Source) -> ThumbOptions:
    region = None
    sw, sh = src.width, src.height
    if spec.crop is not None:
        x0, y0, x1, y1 = spec.crop
        x1, y1 = min(x1, sw), min(y1, sh)
        if x0 >= x1 or y0 >= y1:
            raise BadOptions("the crop rectangle is outside the photo")
        region = (x0, y0, x1 - x0, y1 - y0)
        sw, sh = region[2], region[3]
    width, height = spec.width, spec.height
    if not width and not height:
        width, height = sw, sh
    opts = ThumbOptions(
        width=width,
        height=height,
        region=region,
        quality=spec.quality,
        format=spec.format or src.format,
    )
    if spec.fit_in:
        fit = "fill" if spec.fill is not None else "inside"
        opts = replace(opts, fit=fit, enlarge=False)
        if spec.fill is not None:
            opts = replace(opts, background=spec.fill)
        return opts
    opts = replace(opts, fit="cover", enlarge=spec.upscale)
    if spec.smart:
        return replace(opts, gravity="sm")
    if spec.focal is not None:
        fx0, fy0, fx1, fy1 = spec.focal
        ox, oy = (region[0], region[1]) if region else (0, 0)
        fx = min(1.0, max(0.0, ((fx0 + fx1) / 2 - ox) / sw))
        fy = min(1.0, max(0.0, ((fy0 + fy1) / 2 - oy) / sh))
        return replace(opts, gravity="fp", focus=(fx, fy))
    if spec.focus != (0.5, 0.5):
        return replace(opts, gravity="fp", focus=spec.focus)
    return opts


def _int(name: str, value: str, lo: int, hi: int) -> int:
    try:
        n = int(value)
    except ValueError:
        raise BadOptions(f"{name}() takes an integer, not {value[:20]!r}") from None
    if not lo <= n <= hi:
        raise BadOptions(f"{name}() must be between {lo} and {hi}")
    return n
