"""Shared helpers for the tagging/curation tests: tag files the way `pressroom tag` does."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pressroom.curate import Item
from pressroom.ingest.pipeline import validate
from pressroom.ingest.steps.metadata import metadata
from pressroom.tags import TagConfig, tag

ROOT = Path(__file__).resolve().parent.parent
YUNET = ROOT.parent / "shared" / "models" / "face_detection_yunet_2023mar.onnx"


def tag_bytes(data: bytes, config: TagConfig | None = None) -> tuple[dict[str, Any], dict]:
    """(tags, record facts) from validate's proxy: one strict decode, as the CLI does."""
    verdict, job = validate(data)
    assert verdict.verdict == "accept", verdict
    metadata(job)
    return tag(job.proxy, job.meta, config or TagConfig()), job.meta


@lru_cache(maxsize=256)
def tag_file(path: Path, detector: str = "hog") -> tuple[dict[str, Any], dict]:
    model = str(YUNET) if detector == "yunet" else None
    return tag_bytes(path.read_bytes(), TagConfig(face_detector=detector, face_model=model))


def item(key: str, data: bytes, config: TagConfig | None = None, **record: Any) -> Item:
    tags, meta = tag_bytes(data, config)
    return Item.from_record(key, {**meta, **record, "tags": tags})


def iou(a: list[float], b: list[float]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    return inter / (aw * ah + bw * bh - inter)
