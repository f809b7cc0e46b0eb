"""Faces: boxes, scores and landmarks in upright MASTER pixels, plus a 128-D embedding each.

The proxy is scaled to a fixed long side (config.face_size) before detection so the smallest
face found is the same share of every photo. No detector means "unavailable", never [].
"""

from __future__ import annotations

import numpy as np

from ..faces import Face, open_detector
from ..job import TagJob
from .pixels import resize_long


def faces(job: TagJob) -> None:
    assert job.rgb is not None
    detector = open_detector(job.config)
    if detector is None:
        job.tags["faces"] = "unavailable"
        job.tags["face_detector"] = None
        return
    img = resize_long(job.rgb, job.config.face_size)
    found = detector.detect(img)
    mw, mh = job.master_size
    sx, sy = mw / img.shape[1], mh / img.shape[0]
    embedded = _embeddings(img, found, job) if job.config.embeddings else {}
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
    job.tags["faces"] = out
    job.tags["face_detector"] = detector.name


def _box(f: Face, sx: float, sy: float, mw: int, mh: int) -> list[int]:
    """Scaled to the master and clipped to it (HOG boxes may overhang the frame)."""
    x, y, w, h = f.box
    x0, y0 = max(0, round(x * sx)), max(0, round(y * sy))
    x1, y1 = min(mw, round((x + w) * sx)), min(mh, round((y + h) * sy))
    return [x0, y0, max(0, x1 - x0), max(0, y1 - y0)]


def _embeddings(img: np.ndarray, found: list[Face], job: TagJob) -> dict[int, np.ndarray]:
    if not found:
        return {}
    from ..faces.landmarks import Embedder  # dlib's ResNet: loaded only once a face is seen

    largest = sorted(range(len(found)), key=lambda i: -found[i].box[2] * found[i].box[3])
    embedder = Embedder.shared()
    return {i: embedder.embed(img, found[i].box) for i in largest[: job.config.max_embedded_faces]}
