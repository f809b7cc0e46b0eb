"""imgproxy URLs (docs.imgproxy.net, "Processing an image"):

    /{signature}/{option}/.../plain/{source}@{ext}
    /{signature}/{option}/.../{base64url source, may be split by /}.{ext}

Signature: imgproxy's own (render.signature.imgproxy_sign: key and salt, hex; several pairs;
IMGPROXY_SIGNATURE_SIZE). `insecure`/`unsafe`/`_` only with PRESSROOM_ALLOW_UNSIGNED=1.
Options mapped: resize/rs, size/s, resizing_type/rt (fit, fill, fill-down, force, auto),
width/w, height/h, dpr, enlarge/el, extend/ex, gravity/g (compass points, ce, sm, fp:x:y),
crop/c, quality/q, format/f/ext and the @ext/.ext suffix, background/bg (R:G:B, hex),
strip_metadata/sm, strip_color_profile/scp and auto_rotate/ar (true only: masters are
upright sRGB without metadata), expires/exp, preset/pr (PRESSROOM_IMGPROXY_PRESETS, with
"default" applied first), cachebuster/cb. Any other option answers 400 naming it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from urllib.parse import unquote

from ...config import Settings
from ...reasons import ApiError
from ...render.options import MAX_DPR, MAX_SIDE, ThumbOptions
from ...render.signature import imgproxy_verify
from . import (
    COMPASS,
    BadOptions,
    DialectRequest,
    Source,
    Unsupported,
    output_format,
    photo_id,
    region_at,
)

UNSIGNED = ("insecure", "unsafe", "_")
_TRUE = ("1", "t", "T", "true", "TRUE", "True")
_FALSE = ("0", "f", "F", "false", "FALSE", "False")
RESIZING_TYPES = ("fit", "fill", "fill-down", "force", "auto")

_NAMES = {
    "resize": "rs", "rs": "rs", "size": "s", "s": "s",
    "resizing_type": "rt", "rt": "rt", "width": "w", "w": "w", "height": "h", "h": "h",
    "dpr": "dpr", "enlarge": "el", "el": "el", "extend": "ex", "ex": "ex",
    "gravity": "g", "g": "g", "crop": "c", "c": "c", "quality": "q", "q": "q",
    "format": "f", "f": "f", "ext": "f", "background": "bg", "bg": "bg",
    "strip_metadata": "sm", "sm": "sm", "strip_color_profile": "scp", "scp": "scp",
    "auto_rotate": "ar", "ar": "ar", "expires": "exp", "exp": "exp",
    "preset": "pr", "pr": "pr", "cachebuster": "cb", "cb": "cb",
}  # fmt: skip


@dataclass
class _Spec:
    """imgproxy's processing options, before they meet the photo."""

    rt: str = "fit"
    width: int = 0
    height: int = 0
    dpr: float = 1.0
    enlarge: bool = False
    extend: bool = False
    gravity: tuple[str, float, float] = ("ce", 0.5, 0.5)
    crop: tuple[float, float, tuple[str, float, float] | None] | None = None
    quality: int = 0
    format: str | None = None
    background: tuple[int, int, int] | None = None
    expires: int | None = None


def parse(path: str, settings: Settings) -> DialectRequest:
    """`path` is everything after the dialect's prefix, starting with "/"."""
    segments = path.lstrip("/").split("/")
    if len(segments) < 2 or not segments[0]:
        raise ApiError("not_found", message="Use /{signature}/{options}/{source}.")
    signature, rest = segments[0], segments[1:]
    signed = _check_signature(settings, signature, "/" + "/".join(rest))
    options, source = _split(rest)
    spec = _Spec()
    presets = dict(settings.imgproxy_presets)
    if "default" in presets:
        _apply_all(spec, presets["default"].split("/"), presets, depth=1)
    _apply_all(spec, options, presets, depth=0)
    source, ext = _source(source)
    if ext:
        spec.format = _format(ext)
    return DialectRequest(photo_id(source), lambda src: _options(spec, src), signed)


def _check_signature(settings: Settings, signature: str, signed_part: str) -> bool:
    if signature in UNSIGNED:
        if settings.allow_unsigned:
            return False
        raise ApiError("unsigned")
    pairs = list(zip(settings.imgproxy_keys, settings.imgproxy_salts, strict=False))
    size = settings.imgproxy_signature_size
    if not pairs or not imgproxy_verify(signature, signed_part, pairs, size):
        raise ApiError("bad_signature")
    return True


def _split(rest: list[str]) -> tuple[list[str], str]:
    """(options, source): options are the segments before `plain/` or, for an encoded
    source, those with an argument separator (base64url has no ':')."""
    if "plain" in rest:
        i = rest.index("plain")
        return rest[:i], "plain/" + "/".join(rest[i + 1 :])
    i = 0
    while i < len(rest) and ":" in rest[i]:
        i += 1
    if i == len(rest):
        raise BadOptions("the URL has no source")
    if rest[i].startswith("enc"):
        raise Unsupported("enc", "encrypted sources")
    return rest[:i], "/".join(rest[i:])


def _source(raw: str) -> tuple[str, str]:
    """(source text, extension or "")."""
    if raw.startswith("plain/"):
        plain = raw[6:]
        text, _, ext = plain.rpartition("@") if "@" in plain else (plain, "", "")
        return unquote(text), ext
    encoded, _, ext = raw.replace("/", "").partition(".")
    try:
        text = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadOptions(f"the source {encoded[:40]!r} is not base64url") from None
    return text, ext


def _apply_all(spec: _Spec, options: list[str], presets: dict[str, str], depth: int) -> None:
    for seg in options:
        if not seg:
            continue
        name, *args = seg.split(":")
        key = _NAMES.get(name)
        if key is None:
            raise Unsupported(name)
        if key == "pr":
            if depth > 2:
                raise BadOptions("presets nest too deep")
            for preset in args:
                if preset not in presets:
                    raise BadOptions(f"unknown preset {preset[:40]!r}")
                _apply_all(spec, presets[preset].split("/"), presets, depth + 1)
            continue
        _apply(spec, key, name, args)


def _apply(spec: _Spec, key: str, name: str, a: list[str]) -> None:
    if key == "rs":
        if a and a[0]:
            spec.rt = _rt(a[0])
        _apply(spec, "s", name, a[1:])
    elif key == "s":
        for value, field in zip(a[:2], ("width", "height"), strict=False):
            if value:
                setattr(spec, field, _int(name, value, 0, MAX_SIDE))
        if len(a) > 2 and a[2]:
            spec.enlarge = _bool(name, a[2])
        if len(a) > 3:
            _apply(spec, "ex", name, a[3:])
    elif key == "rt":
        spec.rt = _rt(a[0] if a else "")
    elif key in ("w", "h"):
        setattr(spec, "width" if key == "w" else "height", _int(name, _one(name, a), 0, MAX_SIDE))
    elif key == "dpr":
        spec.dpr = _float(name, _one(name, a))
        if not 1.0 <= spec.dpr <= MAX_DPR:
            raise BadOptions(f"dpr must be between 1 and {MAX_DPR:g}")
    elif key == "el":
        spec.enlarge = _bool(name, _one(name, a))
    elif key == "ex":
        spec.extend = _bool(name, a[0] if a else "")
        if len(a) > 1 and _gravity(name, a[1:]) != ("ce", 0.5, 0.5):
            raise Unsupported(f"{name}:{':'.join(a)}", "extend gravity other than ce")
    elif key == "g":
        spec.gravity = _gravity(name, a)
    elif key == "c":
        if len(a) < 2:
            raise BadOptions(f"{name} takes width:height[:gravity]")
        size = _float(name, a[0]), _float(name, a[1])
        spec.crop = (*size, _gravity(name, a[2:]) if len(a) > 2 else None)
    elif key == "q":
        spec.quality = _int(name, _one(name, a), 0, 100)
    elif key == "f":
        spec.format = _format(_one(name, a))
    elif key == "bg":
        spec.background = _background(name, a)
    elif key in ("sm", "scp", "ar"):
        if not _bool(name, _one(name, a)):
            raise Unsupported(f"{name}:{a[0]}", "masters are upright sRGB without metadata")
    elif key == "exp":
        spec.expires = _int(name, _one(name, a), 0, 2**40)
    # cb (cachebuster) changes no pixel: accepted, ignored


def _options(spec: _Spec, src: Source) -> ThumbOptions:
    region = None
    sw, sh = src.width, src.height
    if spec.crop is not None:
        cw, ch, crop_gravity = spec.crop
        gravity = crop_gravity or spec.gravity
        if gravity[0] == "sm":
            raise Unsupported("c", "crop with smart gravity")
        w = _crop_size(sw, cw)
        h = _crop_size(sh, ch)
        if (w, h) != (sw, sh):
            region = region_at(src, w, h, gravity[1:])
            sw, sh = region[2], region[3]
    width, height = spec.width, spec.height
    if not width and not height:
        width, height = sw, sh  # imgproxy keeps the source size
    rt = spec.rt
    if rt == "auto":
        dw, dh = width or sw, height or sh
        rt = "fill" if (sw - sh >= 0) == (dw - dh >= 0) else "fit"
    fit = {"fit": "contain", "fill": "cover", "fill-down": "cover", "force": "force"}[rt]
    opts = ThumbOptions(
        width=width,
        height=height,
        fit=fit,
        dpr=spec.dpr,
        enlarge=spec.enlarge,
        crop_ratio=rt == "fill-down",
        region=region,
        quality=spec.quality,
        format=spec.format or src.format,
        expires=spec.expires,
    )
    kind, fx, fy = spec.gravity
    if kind in ("sm", "ce"):
        opts = replace(opts, gravity=kind)
    else:
        opts = replace(opts, gravity="fp", focus=(fx, fy))
    if spec.background is not None:
        opts = replace(opts, background=spec.background)
    if spec.extend:
        opts = _extend(opts, (sw, sh))
    bw, bh = opts.box
    if max(bw, bh) > MAX_SIDE:
        raise BadOptions(f"the output may be at most {MAX_SIDE} px on a side (size x dpr)")
    return opts


def _extend(opts: ThumbOptions, size: tuple[int, int]) -> ThumbOptions:
    """ex:1 pads a result smaller than the box: `fit` becomes pressroom's pad fit; for the
    cropping types it only matters when a small source was not enlarged."""
    if not (opts.width and opts.height):
        return opts
    if opts.fit == "contain":
        return replace(opts, fit="fill")
    bw, bh = opts.box
    scale = max(bw / size[0], bh / size[1])
    if opts.fit == "force" or opts.enlarge or scale <= 1.0:
        return opts  # the result fills the box already: nothing to extend
    raise Unsupported("ex", f"extend with rt:{opts.fit} of a source smaller than the box")


def _crop_size(full: int, value: float) -> int:
    if value <= 0:
        return full
    if value >= 1:
        return min(full, int(value))
    return max(1, round(full * value))


def _rt(value: str) -> str:
    if value not in RESIZING_TYPES:
        raise Unsupported(f"rt:{value}")
    return value


def _gravity(name: str, a: list[str]) -> tuple[str, float, float]:
    kind = a[0] if a else "ce"
    if kind == "sm" and len(a) == 1:
        return ("sm", 0.5, 0.5)
    if kind == "fp":
        if len(a) != 3:
            raise BadOptions(f"{name}:fp takes x:y")
        x, y = _float(name, a[1]), _float(name, a[2])
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise BadOptions("focal point coordinates must be between 0 and 1")
        return ("fp", x, y)
    if kind not in COMPASS:
        raise Unsupported(f"{name}:{kind}")
    if any(_float(name, v) != 0 for v in a[1:3]):
        raise Unsupported(f"{name}:{':'.join(a)}", "gravity offsets")
    return (kind, *COMPASS[kind])


def _background(name: str, a: list[str]) -> tuple[int, int, int] | None:
    if not a or a == [""]:
        return None
    if len(a) == 3:
        r, g, b = (_int(name, v, 0, 255) for v in a)
        return r, g, b
    raw = a[0]
    if len(raw) != 6 or any(c not in "0123456789abcdefABCDEF" for c in raw):
        raise BadOptions(f"{name} takes R:G:B or RRGGBB")
    return int(raw[0:2], 16), int(raw[2:4], 16), int(raw[4:6], 16)


def _format(ext: str) -> str:
    return output_format(ext, "format")


def _one(name: str, a: list[str]) -> str:
    if len(a) != 1 or not a[0]:
        raise BadOptions(f"{name} takes one argument")
    return a[0]


def _bool(name: str, value: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE or value == "":
        return False
    raise BadOptions(f"{name}: {value[:20]!r} is not a boolean")


def _int(name: str, value: str, lo: int, hi: int) -> int:
    try:
        n = int(value)
    except ValueError:
        raise BadOptions(f"{name} must be an integer, not {value[:20]!r}") from None
    if not lo <= n <= hi:
        raise BadOptions(f"{name} must be between {lo} and {hi}")
    return n


def _float(name: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise BadOptions(f"{name} must be a number, not {value[:20]!r}") from None
