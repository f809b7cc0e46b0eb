"""The thumbnail engine as a named tuple of small steps (one file each under steps/), run by
the one step runner (pressroom.steps) with each step's time recorded in `ctx.timings`:

    plan -> load (shrink-on-load + resize) -> crop (cover) -> pad (fill) -> colour -> encode
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyvips

from ... import imaging
from ...config import Limits, Settings
from ...formats import content_type
from ...photos import Face
from ...steps import Step, run, timings
from ..options import ThumbOptions
from .context import ThumbnailContext
from .steps.colour import colour
from .steps.crop import crop
from .steps.encode import encode
from .steps.load import load
from .steps.pad import pad
from .steps.plan import plan

THUMBNAIL: tuple[Step[ThumbnailContext], ...] = (plan, load, crop, pad, colour, encode)


@dataclass(frozen=True)
class Rendered:
    data: bytes
    format: str
    width: int
    height: int
    timings: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    @property
    def content_type(self) -> str:
        return content_type(self.format)


def render(
    master: bytes | None,
    opts: ThumbOptions,
    fmt: str,
    *,
    image: pyvips.Image | None = None,
    source_size: tuple[int, int] | None = None,
    faces: Iterable[Face] = (),
    max_pixels: int = Limits.max_pixels,
    webp_effort: int = Settings.webp_effort,
) -> Rendered:
    """Render `opts` as `fmt` (a concrete format, already negotiated) from an encoded master
    (shrink-on-load) or from decoded upright sRGB pixels. Raises RenderLimit (-> 422)."""
    # Masters are ours, but nothing here needs libvips' untrusted loaders (ImageMagick,
    # PDF...), and every render reads a different buffer: no operation cache (once per process).
    imaging.setup()
    ctx = ThumbnailContext(
        opts=opts,
        format=fmt,
        data=master,
        image=image,
        source_size=source_size,
        faces=tuple(faces),
        max_pixels=max_pixels,
        webp_effort=webp_effort,
    )
    run(THUMBNAIL, ctx, hooks=(timings(ctx.timings),))
    assert ctx.output is not None and ctx.image is not None
    return Rendered(ctx.output, fmt, ctx.image.width, ctx.image.height, ctx.timings)
