"""YuNet (libfacedetection) through OpenCV's FaceDetectorYN: optional, needs an ONNX model path.

More accurate than HOG on small and turned faces (WIDER Face hard AP 0.75); found from ~10 px.
"""

from __future__ import annotations

import cv2
import numpy as np

from .base import Detection

_NAMES = ("right_eye", "left_eye", "nose", "mouth_right", "mouth_left")  # the subject's sides


class YuNetDetector:
    name = "yunet"
    max_upscale = 1.0

    def __init__(self, model: str, threshold: float = 0.8) -> None:
        self._net = cv2.FaceDetectorYN.create(model, "", (320, 320), threshold, 0.3, 5000)

    def detect(self, rgb: np.ndarray) -> list[Detection]:
        h, w = rgb.shape[:2]
        self._net.setInputSize((w, h))
        _, found = self._net.detect(np.ascontiguousarray(rgb[:, :, ::-1]))
        faces = []
        for row in [] if found is None else found:
            pts = {n: (float(row[4 + 2 * i]), float(row[5 + 2 * i])) for i, n in enumerate(_NAMES)}
            box = (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
            faces.append(Detection(box, float(row[14]), pts))
        return sorted(faces, key=lambda f: -f.score)
