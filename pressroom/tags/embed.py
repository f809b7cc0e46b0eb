"""Face embeddings computed when people are first asked for, not on the upload path.

dlib's ResNet costs ~85-190 ms per face on one core; most uploads are never grouped into
people, so ingest records each face's box and landmarks only (TagConfig.embed_at_ingest
off) and whoever groups people calls ensure_embeddings(): it embeds the faces that lack a
vector from the stored proxy (the same pixels ingest tagged, re-read from its q90 JPEG),
at the detector's working size, and stores the vectors in the record, so each face is
embedded once, ever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from ..config import TagConfig

log = logging.getLogger(__name__)

ProxyReader = Callable[[dict[str, Any]], bytes]  # record data -> the proxy JPEG's bytes


def missing(tags: dict[str, Any] | None, config: TagConfig) -> bool:
    """True when some face that would be embedded has no vector yet."""
    faces = (tags or {}).get("faces")
    if not isinstance(faces, list) or not faces:
        return False
    largest = sorted(faces, key=lambda f: -f["box"][2] * f["box"][3])
    return any("embedding" not in f for f in largest[: config.max_embedded_faces])


def embed_faces(
    proxy_jpeg: bytes, data: dict[str, Any], config: TagConfig
) -> list[dict[str, Any]] | None:
    """The record's faces with vectors added to the largest that lack one (None: none
    could be added, e.g. dlib is missing)."""
    import pyvips

    from .steps.pixels import resize_long, to_rgb

    faces = [dict(f) for f in data["tags"]["faces"]]
    try:
        from .faces.landmarks import Embedder

        embedder = Embedder.shared()
    except Exception:  # dlib or its weights missing: faces stay without vectors, logged
        log.warning("face embeddings unavailable", exc_info=True)
        return None
    from .faces import open_detector

    rgb = to_rgb(pyvips.Image.new_from_buffer(proxy_jpeg, ""))
    long_side = max(rgb.shape[:2])
    # The faces step's working image: the proxy at face_size, enlarged no more than the
    # detector allows (as steps/faces.py), so boxes map as they did at ingest.
    detector = open_detector(config)
    upscale = detector.max_upscale if detector is not None else 1.0
    size = round(min(config.face_size, long_side * upscale))
    img = rgb if size == long_side else resize_long(rgb, size)
    mw = int(data.get("width") or rgb.shape[1])
    s = img.shape[1] / mw
    order = sorted(range(len(faces)), key=lambda i: -faces[i]["box"][2] * faces[i]["box"][3])
    for i in order[: config.max_embedded_faces]:
        if "embedding" in faces[i]:
            continue
        x, y, w, h = (v * s for v in faces[i]["box"])
        vec = np.asarray(embedder.embed(img, (x, y, w, h)), np.float32)
        faces[i]["embedding"] = [round(float(v), 4) for v in vec]
    return faces


def ensure_embeddings(
    records: list[tuple[str, dict[str, Any]]],
    read_proxy: ProxyReader,
    save: Callable[[str, dict[str, Any]], object],  # the return value is not used
    config: TagConfig,
) -> int:
    """Embed the faces of (id, record data) pairs that lack vectors, update each data dict
    in place and save({"tags": ...}) it; returns how many records changed."""
    changed = 0
    for pid, data in records:
        if not data.get("proxy") or not missing(data.get("tags"), config):
            continue
        faces = embed_faces(read_proxy(data), data, config)
        if faces is None:
            break
        data["tags"] = {**data["tags"], "faces": faces}
        save(pid, {"tags": data["tags"]})
        changed += 1
    return changed
