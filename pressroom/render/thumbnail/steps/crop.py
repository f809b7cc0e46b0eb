"""`cover`: cut the resized image to the box around what matters.

Gravity `sm` centres the box on the photo's recorded faces when it has any, else asks
libvips' attention model (skin tones, saturation, edges); `fp` centres on a focal point;
`ce` on the middle. The box is slid back inside the image when the centre is near an edge.
"""

from __future__ import annotations

from collections.abc import Sequence

from ....photos import Face
from ..context import ThumbnailContext

MIN_FACE_SCORE = 0.5


def _score(face: Face) -> float:
    return 1.0 if face.score is None else face.score  # a face recorded without a score counts


def face_centre(
    faces: Sequence[Face], scale: float, box: tuple[int, int]
) -> tuple[float, float] | None:
    """Centre of all faces when they fit the box together, else of the most prominent one."""
    good = [f for f in faces if _score(f) >= MIN_FACE_SCORE]
    if not good:
        return None
    x0 = min(f.box[0] for f in good) * scale
    y0 = min(f.box[1] for f in good) * scale
    x1 = max(f.box[0] + f.box[2] for f in good) * scale
    y1 = max(f.box[1] + f.box[3] for f in good) * scale
    if x1 - x0 <= box[0] and y1 - y0 <= box[1]:
        return (x0 + x1) / 2, (y0 + y1) / 2
    best = max(good, key=lambda f: _score(f) * f.box[2] * f.box[3])
    x, y, w, h = (v * scale for v in best.box)
    return x + w / 2, y + h / 2


def _clamp(v: float, hi: int) -> int:
    return max(0, min(round(v), hi))


def crop(ctx: ThumbnailContext) -> None:
    img = ctx.image
    assert img is not None and ctx.source_size is not None
    ow, oh = ctx.out
    if ctx.opts.fit != "cover" or (img.width, img.height) == (ow, oh):
        return
    gravity = ctx.opts.gravity
    centre: tuple[float, float] | None = None
    if gravity == "sm":
        # Recorded faces are in whole-source pixels; a region crop asks libvips instead.
        faces = () if ctx.opts.region else ctx.faces
        centre = face_centre(faces, img.width / ctx.source_size[0], (ow, oh))
        if centre is None:
            # smartcrop reads the image several times; the decode streams once: keep the
            # (already small) resized pixels in memory.
            ctx.image = img.copy_memory().smartcrop(ow, oh, interesting="attention")
            return
    elif gravity == "fp":
        centre = ctx.opts.focus[0] * img.width, ctx.opts.focus[1] * img.height
    else:
        centre = img.width / 2, img.height / 2
    left = _clamp(centre[0] - ow / 2, img.width - ow)
    top = _clamp(centre[1] - oh / 2, img.height - oh)
    ctx.image = img.crop(left, top, ow, oh)
