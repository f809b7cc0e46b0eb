"""Face detectors behind one interface, and the face embedder.

    detector = open_detector(config)      # None when no detector can run here
    faces = detector.detect(rgb)          # boxes in the pixels of `rgb`

Default: dlib's HOG detector (dlib-bin wheel; its weights are compiled into the library, so it
always runs offline). YuNet (OpenCV's FaceDetectorYN) is optional and selected by
configuration with a model path (PRESSROOM_FACE_MODEL); no model file ships with pressroom.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from ...config import TagConfig
from .base import Detection, FaceDetector

__all__ = ["Detection", "FaceDetector", "open_detector"]

log = logging.getLogger(__name__)


def open_detector(config: TagConfig) -> FaceDetector | None:
    return _open(
        config.face_detector, config.face_model, config.hog_threshold, config.yunet_threshold
    )


@lru_cache(maxsize=4)
def _open(kind: str, model: str | None, hog_t: float, yunet_t: float) -> FaceDetector | None:
    """Load once per process. Any failure means "unavailable", never "no faces"."""
    try:
        if kind == "hog":
            from .hog import HogDetector

            return HogDetector(hog_t)
        if kind == "yunet":
            if not model or not Path(model).is_file():
                log.warning("YuNet selected but its model is missing: %s", model)
                return None
            from .yunet import YuNetDetector

            return YuNetDetector(model, yunet_t)
        if kind != "none":
            log.warning("unknown face detector %r", kind)
    except Exception:  # an import or model load failure: report unavailable, not zero faces
        log.warning("face detector %r cannot run here", kind, exc_info=True)
    return None
