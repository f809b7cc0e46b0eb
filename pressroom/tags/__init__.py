"""Per-photo tags computed from the ingest proxy: faces (with embeddings), sharpness, exposure,
colourfulness, dominant colours, pHash/dHash, screenshot score, quality and printability.

    from pressroom.tags import make_tagger, tag
    tags = tag(proxy, record_data)          # one photo
    Ingestor(store, catalogue, settings, tagger=make_tagger())   # every ingest

Heavy libraries (numpy, OpenCV, dlib) load when this package is first used, not on import.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..config import TagConfig

if TYPE_CHECKING:
    import pyvips

__all__ = ["TagConfig", "make_tagger", "tag"]


def tag(
    proxy: pyvips.Image, record: dict[str, Any], config: TagConfig | None = None
) -> dict[str, Any]:
    from .pipeline import tag as _tag

    return _tag(proxy, record, config)


class Tagger:
    """The ingest service's tagger: picklable (spawned workers), models loaded once per process."""

    def __init__(self, config: TagConfig | None = None) -> None:
        self.config = config or TagConfig.from_env()

    def __call__(self, proxy: pyvips.Image, record: dict[str, Any]) -> dict[str, Any]:
        config = self.config
        if not config.embed_at_ingest and config.embeddings:
            # ~85-190 ms per face: paid when people are grouped (pressroom.tags.embed)
            config = replace(config, embeddings=False)
        return tag(proxy, record, config)


def make_tagger(config: TagConfig | None = None) -> Tagger:
    return Tagger(config)
