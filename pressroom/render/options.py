"""Thumbnail options: parsed from URL path segments (imgproxy style), validated, normalised.

    w:400  h:300  fit:cover|contain|inside|fill|force  g:sm|ce|fp:0.3:0.2  dpr:2
    f:auto|jpeg|webp|avif|png  q:80  bg:ffffff  exp:1767225600  pr:thumb

The URL dialects (pressroom.api.dialects: imgproxy, thumbor, AWS DIT) build the same
ThumbOptions, with three more fields no native URL spells: `enlarge` (False: never scale
up), `crop_ratio` (imgproxy fill-down: a crop cut short by a small source keeps the box's
aspect ratio) and `region` (a source rectangle cut before resizing).

Long names work too (width:, height:, gravity:, format:, quality:, background:, expires:,
preset:). `canonical()` gives one spelling per meaning, so equal requests share a cache entry.
Pure Python, no image libraries: the HTTP layer parses options before deciding to render.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ..formats import ALIASES as FORMAT_ALIASES
from ..formats import FORMATS as OUTPUT_FORMATS

FITS = ("cover", "contain", "inside", "fill", "force")  # force: stretch to the exact box
FORMATS = ("auto", *OUTPUT_FORMATS)  # names as in pressroom.formats; "auto" negotiates
MAX_SIDE = 4096  # output pixels (after DPR) on either side
MAX_DPR = 4.0

_ALIASES = {
    "w": "w", "width": "w",
    "h": "h", "height": "h",
    "fit": "fit", "rt": "fit",
    "g": "g", "gravity": "g",
    "dpr": "dpr",
    "f": "f", "format": "f", "ext": "f",
    "q": "q", "quality": "q",
    "bg": "bg", "background": "bg",
    "exp": "exp", "expires": "exp",
    "pr": "pr", "preset": "pr",
}  # fmt: skip
_GRAVITY_ALIASES = {"sm": "sm", "smart": "sm", "ce": "ce", "centre": "ce", "center": "ce"}


class BadOptions(ValueError):
    """An option the API refuses; the message is public."""


class Unsupported(BadOptions):
    """A URL dialect's option pressroom does not implement (HTTP 400 naming it): refused,
    never answered with a silently different picture."""

    def __init__(self, option: str, why: str = "") -> None:
        self.option = option[:60]
        super().__init__(f"unsupported option {self.option!r}" + (f": {why}" if why else ""))


@dataclass(frozen=True)
class ThumbOptions:
    width: int = 0  # CSS pixels; 0 = follow the other side
    height: int = 0
    fit: str = "cover"
    gravity: str = "ce"  # "ce", "sm" or "fp"
    focus: tuple[float, float] = (0.5, 0.5)  # focal point (x, y) in 0..1 when gravity == "fp"
    dpr: float = 1.0
    format: str = "auto"
    quality: int = 0  # 0 = the format's default
    background: tuple[int, int, int] = (255, 255, 255)
    expires: int | None = None  # unix seconds; not part of the rendered result
    enlarge: bool = True  # False: the scale never goes above 1 (imgproxy's default)
    crop_ratio: bool = False  # cover cut short by a small source keeps the box's ratio
    region: tuple[int, int, int, int] | None = None  # (x, y, w, h) of the upright source

    @property
    def box(self) -> tuple[int, int]:
        """The output box in device pixels (0 = free side)."""
        return round(self.width * self.dpr), round(self.height * self.dpr)


def parse(
    segments: Iterable[str],
    presets: Mapping[str, str] | None = None,
    sizes: Sequence[int] = (),
) -> ThumbOptions:
    """Options from path segments like "w:400". Presets expand in place; later options win.

    `sizes` is the allow-list for width and height given in the URL (empty = any); sizes that
    come from a preset are trusted and not checked against it.
    """
    presets = presets or {}
    values: dict[str, str] = {}
    from_url: dict[str, str] = {}
    for seg in segments:
        name, _, arg = seg.partition(":")
        key = _ALIASES.get(name)
        if key is None or not arg:
            raise BadOptions(f"unknown option {seg[:40]!r}")
        if key == "pr":
            for preset_name in arg.split(":"):
                if preset_name not in presets:
                    raise BadOptions(f"unknown preset {preset_name[:40]!r}")
                for pseg in presets[preset_name].split("/"):
                    pname, _, parg = pseg.partition(":")
                    values[_ALIASES[pname]] = parg
            continue
        values[key] = arg
        from_url[key] = arg
    opts = _build(values)
    check_sizes(opts, sizes, ("w" in from_url, "h" in from_url))
    return opts


def check_sizes(
    o: ThumbOptions, sizes: Sequence[int], given: tuple[bool, bool] = (True, True)
) -> None:
    """Width and height (those the URL gave) must be on the allow-list (empty = any)."""
    if not sizes:
        return
    allowed = set(sizes)
    for asked, side in zip(given, (o.width, o.height), strict=True):
        if asked and side and side not in allowed:
            listed = ", ".join(str(v) for v in sorted(allowed))
            raise BadOptions(
                f"size {side} is not allowed; use a preset or one of the allowed sizes: {listed}"
            )


def parse_presets(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Check configured presets once at start-up (a typo fails loudly, not per request)."""
    out = {}
    for name, text in pairs:
        parse(text.split("/"))  # raises BadOptions on a bad preset
        out[name] = text
    return out


def _int(key: str, raw: str, lo: int, hi: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise BadOptions(f"{key} must be an integer, not {raw[:20]!r}") from None
    if not lo <= value <= hi:
        raise BadOptions(f"{key} must be between {lo} and {hi}")
    return value


def _unit(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise BadOptions(f"focal point must be two numbers in 0..1, not {raw[:20]!r}") from None
    if not 0.0 <= value <= 1.0:
        raise BadOptions("focal point coordinates must be between 0 and 1")
    return value


def _build(v: dict[str, str]) -> ThumbOptions:
    o = ThumbOptions()
    if "w" in v:
        o = replace(o, width=_int("width", v["w"], 0, MAX_SIDE))
    if "h" in v:
        o = replace(o, height=_int("height", v["h"], 0, MAX_SIDE))
    if "fit" in v:
        if v["fit"] not in FITS:
            raise BadOptions(f"fit must be one of {', '.join(FITS)}")
        o = replace(o, fit=v["fit"])
    if "g" in v:
        kind, _, rest = v["g"].partition(":")
        if kind == "fp":
            x, _, y = rest.partition(":")
            o = replace(o, gravity="fp", focus=(_unit(x), _unit(y)))
        elif kind in _GRAVITY_ALIASES and not rest:
            o = replace(o, gravity=_GRAVITY_ALIASES[kind])
        else:
            raise BadOptions("gravity must be sm, ce or fp:x:y")
    if "dpr" in v:
        try:
            dpr = float(v["dpr"])
        except ValueError:
            raise BadOptions("dpr must be a number") from None
        if not 1.0 <= dpr <= MAX_DPR:
            raise BadOptions(f"dpr must be between 1 and {MAX_DPR:g}")
        o = replace(o, dpr=round(dpr, 2))
    if "f" in v:
        fmt = FORMAT_ALIASES.get(v["f"], v["f"])
        if fmt not in FORMATS:
            raise BadOptions(f"format must be one of {', '.join(FORMATS)}")
        o = replace(o, format=fmt)
    if "q" in v:
        o = replace(o, quality=_int("quality", v["q"], 1, 100))
    if "bg" in v:
        raw = v["bg"]
        if len(raw) != 6 or any(c not in "0123456789abcdefABCDEF" for c in raw):
            raise BadOptions("background must be 6 hex digits (RRGGBB)")
        o = replace(o, background=(int(raw[0:2], 16), int(raw[2:4], 16), int(raw[4:6], 16)))
    if "exp" in v:
        o = replace(o, expires=_int("expires", v["exp"], 0, 2**40))
    if o.width == 0 and o.height == 0:
        raise BadOptions("give a width, a height or a preset")
    bw, bh = o.box
    if max(bw, bh) > MAX_SIDE:
        raise BadOptions(f"the output may be at most {MAX_SIDE} px on a side (size x dpr)")
    return o


def normalise(o: ThumbOptions) -> ThumbOptions:
    """One ThumbOptions per rendered picture: fields that cannot change the pixels take their
    defaults, so equal renders asked in different words (or dialects) share a cache entry."""
    both = bool(o.width and o.height)
    fit = o.fit
    if fit in ("cover", "fill", "contain") and not both:
        fit = "contain"  # one side given: every fit scales to that side
    enlarge = o.enlarge
    if fit == "contain" and not enlarge:
        fit, enlarge = "inside", True
    elif fit == "inside":
        enlarge = True
    o = replace(o, fit=fit, enlarge=enlarge)
    if fit != "cover":
        o = replace(o, gravity="ce", focus=(0.5, 0.5), crop_ratio=False)
    elif o.gravity != "fp":
        o = replace(o, focus=(0.5, 0.5))
    if o.enlarge or fit != "cover":
        o = replace(o, crop_ratio=False)
    return o


def canonical(o: ThumbOptions) -> str:
    """One spelling per rendered result (expiry excluded: it does not change the pixels),
    whatever words or dialect asked for it."""
    o = normalise(o)
    parts = [f"w:{o.width}", f"h:{o.height}", f"fit:{o.fit}", f"g:{_gravity(o)}", f"dpr:{o.dpr:g}"]
    parts += [f"f:{o.format}", f"q:{o.quality}", "bg:{:02x}{:02x}{:02x}".format(*o.background)]
    # Dialect-only fields join only when set, so native URLs keep their keys and ETags.
    if not o.enlarge:
        parts.append("el:0")
    if o.crop_ratio:
        parts.append("cr:1")
    if o.region is not None:
        parts.append("rg:{}:{}:{}:{}".format(*o.region))
    return "/".join(parts)


def to_segments(o: ThumbOptions) -> list[str]:
    """The shortest URL spelling of `o` (defaults left out), for signing links."""
    d = ThumbOptions()
    out = []
    if o.width:
        out.append(f"w:{o.width}")
    if o.height:
        out.append(f"h:{o.height}")
    if o.fit != d.fit:
        out.append(f"fit:{o.fit}")
    if o.gravity != d.gravity or o.focus != d.focus:
        out.append(f"g:{_gravity(o)}")
    if o.dpr != d.dpr:
        out.append(f"dpr:{o.dpr:g}")
    if o.format != d.format:
        out.append(f"f:{o.format}")
    if o.quality:
        out.append(f"q:{o.quality}")
    if o.background != d.background:
        out.append("bg:{:02x}{:02x}{:02x}".format(*o.background))
    if o.expires is not None:
        out.append(f"exp:{o.expires}")
    return out


def _gravity(o: ThumbOptions) -> str:
    return f"fp:{o.focus[0]:g}:{o.focus[1]:g}" if o.gravity == "fp" else o.gravity
