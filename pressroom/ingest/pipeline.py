"""Ingest as a named list of small steps (one file each under steps/), as imgproxy does.

    VALIDATE: sniff -> probe -> decode (shrink-on-load) -> orient -> shrink -> colour -> proxy
    NORMALISE: sniff -> probe -> decode (full, or none for a pass-through JPEG) -> orient
               -> colour -> proxy -> metadata -> master
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyvips

from ..config import Limits
from . import guard
from .errors import Rejected, decode_failure
from .job import Job
from .steps.colour import colour
from .steps.decode import decode_master, decode_proxy
from .steps.master import master
from .steps.metadata import metadata
from .steps.orient import orient
from .steps.probe import probe
from .steps.proxy import proxy, shrink
from .steps.sniff import sniff

log = logging.getLogger(__name__)

Step = Callable[[Job], None]

VALIDATE: tuple[Step, ...] = (sniff, probe, decode_proxy, orient, shrink, colour, proxy)
NORMALISE: tuple[Step, ...] = (sniff, probe, decode_master, orient, colour, proxy, metadata, master)


def run(steps: Sequence[Step], job: Job) -> Job:
    """Run the steps; any failure becomes a Rejected with a stable reason."""
    # libvips keeps error text in a process-wide buffer that pyvips decodes as strict UTF-8
    # before clearing it: one file whose error text is not UTF-8 would make every later
    # libvips call in this process fail (found by fuzzing, tests/regressions). Start and end
    # every file with an empty buffer.
    pyvips.vips_lib.vips_error_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns about malformed metadata
            for step in steps:
                _run_step(step, job)
    finally:
        pyvips.vips_lib.vips_error_clear()
        guard.trusted()  # the untrusted decode is over: what follows must not be killed
    return job


def _run_step(step: Step, job: Job) -> None:
    try:
        step(job)
    except Rejected:
        raise
    except MemoryError:
        raise Rejected("too_many_pixels", f"out of memory in {step.__name__}") from None
    except (pyvips.Error, ValueError, OSError, EOFError, SyntaxError) as exc:
        # A decoder tripped over something no earlier step caught.
        log.debug("step %s failed", step.__name__, exc_info=True)
        r = decode_failure(exc)
        reason = "too_many_pixels" if r.reason == "too_many_pixels" else "corrupt"
        raise Rejected(reason, f"{step.__name__}: {exc}"[:300]) from None


@dataclass
class Verdict:
    verdict: str  # "accept" | "reject"
    reason: str | None = None
    message: str | None = None
    format: str | None = None
    width: int | None = None  # upright
    height: int | None = None


def validate(
    data: bytes, limits: Limits | None = None, proxy_size: int = 640
) -> tuple[Verdict, Job]:
    """Judge one upload. The Job carries the proxy for whoever wants it."""
    job = Job(data=data, limits=limits or Limits(), proxy_size=proxy_size)
    try:
        run(VALIDATE, job)
    except Rejected as r:
        fmt = job.header.format if job.header else None
        return Verdict("reject", r.reason, r.message, fmt), job
    assert job.header is not None
    w, h = job.header.upright_size
    return Verdict("accept", format=job.header.format, width=w, height=h), job
