"""The thumbnail engine as a named list of small steps (one file each under steps/):

    plan -> load (shrink-on-load + resize) -> crop (cover) -> pad (fill) -> colour -> encode
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import pyvips

from .job import RenderJob
from .steps.colour import colour
from .steps.crop import crop
from .steps.encode import encode
from .steps.load import load
from .steps.pad import pad
from .steps.plan import plan

# Masters are ours, but nothing here needs libvips' untrusted loaders (ImageMagick, PDF...).
pyvips.block_untrusted_set(True)
pyvips.cache_set_max(0)  # every render reads a different buffer: the cache only holds memory

Step = Callable[[RenderJob], None]

THUMBNAIL: tuple[Step, ...] = (plan, load, crop, pad, colour, encode)


def run(job: RenderJob, steps: Sequence[Step] = THUMBNAIL) -> RenderJob:
    for step in steps:
        started = time.perf_counter()
        step(job)
        job.timings[step.__name__] = time.perf_counter() - started
    return job
