"""Tagging defaults in one place. PRESSROOM_FACE_* environment variables override them."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class TagConfig:
    # "hog" (dlib, built in: the default), "yunet" (needs face_model), or "none".
    face_detector: str = "hog"
    # An ONNX YuNet model (e.g. face_detection_yunet_2023mar.onnx); setting it selects YuNet.
    face_model: str | None = None
    # dlib HOG SVM margin. Measured (README): at 0 (dlib's default) no false positives on
    # the corpus and all labelled faces found; -0.1 already adds one on the astronaut's suit.
    hog_threshold: float = 0.0
    yunet_threshold: float = 0.8  # measured: corpus false positives score 0.50-0.74
    # Faces are searched on the proxy scaled to this long side, so the smallest face found is
    # the same share of any photo (dlib's HOG window is 80 px: 1/8 of 640).
    face_size: int = 640
    embeddings: bool = True  # 128-D dlib ResNet vector per face (~85 ms per face, 1 core)
    max_embedded_faces: int = 8  # the largest faces only: bounds the cost of group photos

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> TagConfig:
        env = dict(os.environ if env is None else env)
        model = env.get("PRESSROOM_FACE_MODEL") or None
        detector = env.get("PRESSROOM_FACE_DETECTOR") or ("yunet" if model else cls.face_detector)
        return cls(
            face_detector=detector,
            face_model=model,
            embeddings=env.get("PRESSROOM_FACE_EMBEDDINGS", "1") not in ("0", "false", "no"),
        )
