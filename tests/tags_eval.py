"""Shared helpers for the tagging/curation tests: tag files the way `pressroom tag` does."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image

from pressroom.ingest.pipeline import validate
from pressroom.ingest.steps.metadata import metadata
from pressroom.photos import PhotoFacts
from pressroom.tags import TagConfig, tag
from tests.tags_samples import load_upright

ROOT = Path(__file__).resolve().parent.parent
YUNET = ROOT.parent / "shared" / "models" / "face_detection_yunet_2023mar.onnx"


def tag_bytes(data: bytes, config: TagConfig | None = None) -> tuple[dict[str, Any], dict]:
    """(tags, record facts) from validate's proxy: one strict decode, as the CLI does."""
    verdict, job = validate(data)
    assert verdict.verdict == "accept", verdict
    metadata(job)
    return tag(job.proxy, job.meta, config or TagConfig()), job.meta


@lru_cache(maxsize=128)
def _proxy(path: Path) -> tuple[Any, dict]:
    verdict, job = validate(path.read_bytes())
    assert verdict.verdict == "accept", verdict
    metadata(job)
    return job.proxy.copy_memory(), job.meta


@lru_cache(maxsize=256)
def tag_file(path: Path, detector: str = "hog") -> tuple[dict[str, Any], dict]:
    """Tags of a file's validate proxy (decoded once per test session, whatever detector)."""
    model = str(YUNET) if detector == "yunet" else None
    proxy, meta = _proxy(path)
    return tag(proxy, meta, TagConfig(face_detector=detector, face_model=model)), meta


@lru_cache(maxsize=128)
def upright(path: Path) -> Image.Image:
    """A corpus photo as upright RGB pixels at 1024 px, from which the variants are made."""
    return load_upright(path.read_bytes(), 1024)


def item(key: str, data: bytes, config: TagConfig | None = None, **record: Any) -> PhotoFacts:
    tags, meta = tag_bytes(data, config)
    return PhotoFacts.from_data(key, {**meta, **record, "tags": tags})


def iou(a: list[float], b: list[float]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    return inter / (aw * ah + bw * bh - inter)
