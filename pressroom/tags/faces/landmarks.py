"""dlib's 5-point landmarks and 128-D ResNet face embedding (face-recognition-models, CC0).

The embedding maps faces so that one person's photos lie within ~0.6 (Euclidean) of each
other (dlib: 99.38% on LFW). It is dlib's CPU network without BLAS: ~85 ms per face on one
core, which is why the faces step embeds only the faces it found, largest first.
"""

from __future__ import annotations

from functools import lru_cache

import dlib
import face_recognition_models as models
import numpy as np


def _rect(box: tuple[float, float, float, float]) -> dlib.rectangle:
    x, y, w, h = box
    return dlib.rectangle(round(x), round(y), round(x + w), round(y + h))


class Landmarker:
    def __init__(self) -> None:
        self._five = dlib.shape_predictor(models.pose_predictor_five_point_model_location())

    @staticmethod
    @lru_cache(maxsize=1)
    def shared() -> Landmarker:
        return Landmarker()

    def shape(
        self, rgb: np.ndarray, box: tuple[float, float, float, float]
    ) -> dlib.full_object_detection:
        return self._five(rgb, _rect(box))

    def points(
        self, rgb: np.ndarray, box: tuple[float, float, float, float]
    ) -> dict[str, tuple[float, float]]:
        """Eye centres (the subject's right and left) and the base of the nose."""
        p = [(pt.x, pt.y) for pt in self.shape(rgb, box).parts()]
        # Model order: two corners of the subject's left eye (on the image's right), two of
        # the right eye, then the nose.
        return {
            "right_eye": ((p[2][0] + p[3][0]) / 2, (p[2][1] + p[3][1]) / 2),
            "left_eye": ((p[0][0] + p[1][0]) / 2, (p[0][1] + p[1][1]) / 2),
            "nose": (float(p[4][0]), float(p[4][1])),
        }


class Embedder:
    def __init__(self) -> None:
        self._net = dlib.face_recognition_model_v1(models.face_recognition_model_location())
        self._landmarks = Landmarker.shared()

    @staticmethod
    @lru_cache(maxsize=1)
    def shared() -> Embedder:
        return Embedder()

    def embed(self, rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
        shape = self._landmarks.shape(rgb, box)
        return np.asarray(self._net.compute_face_descriptor(rgb, shape, 0), np.float32)
