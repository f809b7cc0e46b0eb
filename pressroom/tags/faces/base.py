"""What a face detector is and what it finds: the leaf both detectors and open_detector import.

A `Detection` is a box in the pixels of the searched image, before the faces step scales it to
the master and stores it; faces read back from a record are pressroom.photos.Face."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass
class Detection:
    box: tuple[float, float, float, float]  # x, y, w, h in the pixels of the searched image
    score: float  # the detector's own scale: HOG SVM margin (0 = dlib default), YuNet 0..1
    landmarks: dict[str, tuple[float, float]] = field(default_factory=dict)


class FaceDetector(Protocol):
    name: str
    # How far a small photo may be enlarged before searching it. Enlarging tiny photos makes
    # animal faces look human: measured on the corpus' 256-px photo of puppies, HOG fires
    # at 2.5x and not at 2x; YuNet, which finds 10-px faces, needs no enlarging at all.
    max_upscale: float

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        """Faces in an HxWx3 uint8 sRGB image, best first."""
        ...
