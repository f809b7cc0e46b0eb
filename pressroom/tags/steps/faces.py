"""Faces: boxes, scores and landmarks in upright MASTER pixels, plus a 128-D embedding each.

The proxy is scaled to a fixed long side (config.face_size) before detection so the smallest
face found is the same share of every photo (small photos are enlarged at most
detector.max_upscale). No detector means "unavailable", never [].
"""

from __future__ import annotations

import logging

import numpy as np

from ..context import TagContext
from ..faces import open_detector
from ..faces.base import Detection
from .pixels import resize_long

log = logging.getLogger(__name__)


def faces(ctx: TagContext) -> None:
    assert ctx.rgb is not None
    detector = open_detector(ctx.config)
    if detector is None:
        ctx.tags["faces"] = "unavailable"
        ctx.tags["face_detector"] = None
        return
    long_side = max(ctx.rgb.shape[:2])
    size = round(min(ctx.config.face_size, long_side * detector.max_upscale))
    img = ctx.rgb if size == long_side else resize_long(ctx.rgb, size)
    found = detector.detect(img)
    mw, mh = ctx.master_size
    sx, sy = mw / img.shape[1], mh / img.shape[0]
    embedded = _embeddings(img, found, ctx) if ctx.config.embeddings else {}
    out = []
    for i, f in enumerate(found):
        face = {
            "box": _box(f, sx, sy, mw, mh),
            "score": round(f.score, 3),
            "landmarks": {k: [round(x * sx), round(y * sy)] for k, (x, y) in f.landmarks.items()},
        }
        if i in embedded:
            face["embedding"] = [round(float(v), 4) for v in embedded[i]]
        out.append(face)
    ctx.tags["faces"] = out
    ctx.tags["face_detector"] = detector.name


def _box(f: Detection, sx: float, sy: float, mw: int, mh: int) -> list[int]:
    """Scaled to the master and clipped to it (HOG boxes may overhang the frame)."""
    x, y, w, h = f.box
    x0, y0 = max(0, round(x * sx)), max(0, round(y * sy))
    x1, y1 = min(mw, round((x + w) * sx)), min(mh, round((y + h) * sy))
    return [x0, y0, max(0, x1 - x0), max(0, y1 - y0)]


def _embeddings(
    img: np.ndarray, found: list[Detection], ctx: TagContext
) -> dict[int, np.ndarray]:
    if not found:
        return {}
    try:
        from ..faces.landmarks import Embedder  # dlib's ResNet: loaded once a face is seen

        embedder = Embedder.shared()
    except Exception:  # dlib or its weights missing: faces without embeddings, logged
        log.warning("face embeddings unavailable", exc_info=True)
        return {}
    largest = sorted(range(len(found)), key=lambda i: -found[i].box[2] * found[i].box[3])
    return {i: embedder.embed(img, found[i].box) for i in largest[: ctx.config.max_embedded_faces]}
