"""dlib's frontal-face HOG + linear SVM detector (weights built into dlib).

It scans an 80x80 window over an image pyramid, so at upsample 0 it finds frontal faces of
80 px and more; the faces step feeds it the proxy at a fixed long side for that reason.
"""

from __future__ import annotations

import cv2
import dlib
import numpy as np

from .base import Detection
from .landmarks import Landmarker


class HogDetector:
    name = "dlib-hog"
    max_upscale = 2.0

    def __init__(self, threshold: float = 0.0) -> None:
        self.threshold = threshold
        self._hog = dlib.get_frontal_face_detector()
        self._landmarks = Landmarker.shared()

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        rects, scores, _ = self._hog.run(grey, 0, self.threshold)
        faces = []
        for r, s in sorted(zip(rects, scores, strict=True), key=lambda rs: -rs[1]):
            box = (float(r.left()), float(r.top()), float(r.width()), float(r.height()))
            faces.append(Detection(box, float(s), self._landmarks.points(rgb, box)))
        return faces
