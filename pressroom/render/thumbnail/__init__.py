"""On-demand thumbnails from masters. `render()` is the engine's one entry point."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyvips

from ..negotiate import CONTENT_TYPES
from ..options import ThumbOptions
from .job import Face, RenderJob, RenderLimit
from .pipeline import THUMBNAIL, run

__all__ = ["THUMBNAIL", "Face", "RenderLimit", "Rendered", "faces_from", "render"]


@dataclass(frozen=True)
class Rendered:
    data: bytes
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def render(
    master: bytes | None,
    opts: ThumbOptions,
    fmt: str,
    *,
    image: pyvips.Image | None = None,
    source_size: tuple[int, int] | None = None,
    faces: Iterable[Face] = (),
    max_pixels: int = 100_000_000,
) -> Rendered:
    """Render `opts` as `fmt` (a concrete format, already negotiated) from an encoded master
    (shrink-on-load) or from decoded upright sRGB pixels. Raises RenderLimit (-> 422)."""
    job = RenderJob(
        opts=opts,
        format=fmt,
        data=master,
        image=image,
        source_size=source_size,
        faces=tuple(faces),
        max_pixels=max_pixels,
    )
    run(job)
    assert job.output is not None and job.image is not None
    return Rendered(job.output, fmt, job.image.width, job.image.height)


def faces_from(record_data: Mapping[str, Any]) -> tuple[Face, ...]:
    """Faces the tagger recorded ({"box": [x, y, w, h], "score": s} in master pixels)."""
    tags = record_data.get("tags") or {}
    out = []
    for f in tags.get("faces") or ():
        try:
            x, y, w, h = (float(v) for v in f["box"])
            out.append(Face((x, y, w, h), float(f.get("score", 1.0))))
        except (KeyError, TypeError, ValueError):
            continue  # a malformed tag must not break thumbnails
    return tuple(out)
