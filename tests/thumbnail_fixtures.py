"""Shared by the thumbnail tests: real corpus photos ingested into a data folder, an app
factory over it, and a face tagger (YuNet, from ../shared/models) for smart-crop tests."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.storage import open_store

from .conftest import CORPUS

KEY = bytes.fromhex("9f2c" * 16)
OLD_KEY = bytes.fromhex("11" * 32)
YUNET = CORPUS.parent / "models" / "face_detection_yunet_2023mar.onnx"

PHOTOS = {
    "big": "big/olympus_12mp_42_IndexError.jpg",  # 4032x3024 camera JPEG
    "p3": "big/Display_P3.heic",  # iPhone HEIC, Display P3
    "land1": "orientation/Landscape_1.jpg",
    "land6": "orientation/Landscape_6.jpg",  # stored portrait, EXIF 6
    "alpha": "valid/png/basn6a08.png",  # 32x32 RGBA with real transparency
    "standing": "people/obama_standing.jpg",  # full figure, face small near the top
}


def detect_faces(rgb: np.ndarray, min_score: float = 0.8) -> list[tuple[list[float], float]]:
    """YuNet on an RGB uint8 array: [([x, y, w, h], score)] in that array's pixels."""
    import cv2

    h, w = rgb.shape[:2]
    det = cv2.FaceDetectorYN.create(str(YUNET), "", (w, h), min_score, 0.3, 50)
    _, faces = det.detect(np.ascontiguousarray(rgb[:, :, 2::-1]))
    return [([float(v) for v in f[:4]], float(f[14])) for f in (faces if faces is not None else [])]


def yunet_tagger(proxy: Any, data: dict[str, Any]) -> dict[str, Any]:
    """An ingest tagger: faces found on the proxy, boxes scaled to master pixels."""
    scale = data["width"] / proxy.width
    faces = detect_faces(proxy.numpy()[:, :, :3])
    return {"faces": [{"box": [v * scale for v in box], "score": s} for box, s in faces]}


@dataclasses.dataclass
class Library:
    settings: Settings
    ids: dict[str, str]

    def app(self, **overrides: Any) -> Any:
        from pressroom.api.app import create_app

        max_body = overrides.pop("max_body", None)
        settings = dataclasses.replace(self.settings, **overrides)
        store, catalogue = open_store(settings), open_catalogue(settings)
        return create_app(settings, store, catalogue, max_body=max_body)


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Library:
    assert YUNET.exists(), f"face model missing at {YUNET}"
    data = tmp_path_factory.mktemp("thumbs")
    settings = Settings(data_dir=data, signing_keys=(KEY, OLD_KEY), thumb_sizes=())
    store, catalogue = open_store(settings), open_catalogue(settings)
    plain = Ingestor(store, catalogue, settings)
    tagged = Ingestor(store, catalogue, settings, tagger=yunet_tagger)
    ids = {}
    for name, rel in PHOTOS.items():
        ingestor = tagged if name == "standing" else plain
        result = ingestor.ingest_path(corpus / rel)
        assert result.verdict == "accept", result
        ids[name] = result.id
    return Library(settings, ids)
