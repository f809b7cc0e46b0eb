"""Face detectors behind one interface, and the face embedder.

    detector = open_detector(config)      # None when no detector can run here
    faces = detector.detect(rgb)          # boxes in the pixels of `rgb`

Default: dlib's HOG detector (dlib-bin wheel; its weights are compiled into the library, so it
always runs offline). YuNet (OpenCV's FaceDetectorYN) is optional and selected by
configuration with a model path (PRESSROOM_FACE_MODEL); no model file ships with pressroom.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from ...config import TagConfig

log = logging.getLogger(__name__)


@dataclass
class Face:
    box: tuple[float, float, float, float]  # x, y, w, h in the pixels of the searched image
    score: float  # the detector's own scale: HOG SVM margin (0 = dlib default), YuNet 0..1
    landmarks: dict[str, tuple[float, float]] = field(default_factory=dict)


class FaceDetector(Protocol):
    name: str
    # How far a small photo may be enlarged before searching it. Enlarging tiny photos makes
    # animal faces look human: measured on the corpus' 256-px photo of puppies, HOG fires
    # at 2.5x and not at 2x; YuNet, which finds 10-px faces, needs no enlarging at all.
    max_upscale: float

    def detect(self, rgb: np.ndarray) -> list[Face]:
        """Faces in an HxWx3 uint8 sRGB image, best first."""


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
