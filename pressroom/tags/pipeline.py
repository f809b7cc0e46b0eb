"""Per-photo tags as a named list of small steps (one file each under steps/).

    TAGS: pixels -> faces -> sharpness -> exposure -> colourfulness -> colours -> hashes
          -> screenshot -> quality -> printable

Every step reads the one in-memory proxy ingest (or validate) already decoded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyvips

from ..config import TagConfig
from .job import TagJob
from .steps.colourfulness import colourfulness
from .steps.colours import colours
from .steps.exposure import exposure
from .steps.faces import faces
from .steps.hashes import hashes
from .steps.pixels import pixels
from .steps.printable import printable
from .steps.quality import quality
from .steps.screenshot import screenshot
from .steps.sharpness import sharpness

Step = Callable[[TagJob], None]

TAGS: tuple[Step, ...] = (
    pixels,
    faces,
    sharpness,
    exposure,
    colourfulness,
    colours,
    hashes,
    screenshot,
    quality,
    printable,
)
VERSION = 1  # bump when a tag's meaning changes, so stored tags can be recomputed


def run(steps: Sequence[Step], job: TagJob) -> TagJob:
    for step in steps:
        step(job)
    return job


def tag(
    proxy: pyvips.Image, record: dict[str, Any], config: TagConfig | None = None
) -> dict[str, Any]:
    """All tags for one photo, from its proxy and its record data (see TagJob)."""
    job = run(TAGS, TagJob(proxy=proxy, record=record, config=config or TagConfig()))
    return {"tags_version": VERSION, **job.tags}
