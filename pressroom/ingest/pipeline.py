"""Ingest as named tuples of small steps (one file each under steps/), run by pressroom.steps.

    VALIDATE: sniff -> probe -> decode (shrink-on-load) -> orient -> shrink -> colour -> proxy
    NORMALISE: sniff -> probe -> decode (full, or none for a pass-through JPEG) -> orient
               -> colour -> metadata -> master + proxy (at once)
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyvips

from .. import imaging
from ..config import Limits, Settings
from ..steps import Hook, Step, name_of, parallel
from ..steps import run as run_steps
from .context import NO_BUDGET, Budget, IngestContext
from .errors import Rejected, decode_failure
from .steps.colour import colour
from .steps.decode import decode_master, decode_proxy
from .steps.master import master
from .steps.metadata import metadata
from .steps.orient import orient
from .steps.probe import probe
from .steps.proxy import proxy, shrink
from .steps.sniff import sniff

log = logging.getLogger(__name__)

IngestStep = Step[IngestContext]

VALIDATE: tuple[IngestStep, ...] = (sniff, probe, decode_proxy, orient, shrink, colour, proxy)


def _encodes(ctx: IngestContext) -> bool:
    """A master to encode, not a pass-through JPEG's own blocks (a copy of ~2 ms)."""
    return not ctx.passthrough


# The master's encode and the proxy's resize read the same pixels and write apart: together
# they take the longer one's time (a 12-MP HEIC: 33 ms of encode beside 16 of resize). A
# pass-through master is only copied: there a thread would cost more CPU than it saves.
NORMALISE: tuple[IngestStep, ...] = (
    sniff, probe, decode_master, orient, colour, metadata,
    parallel(master, proxy, when=_encodes),
)  # fmt: skip


@contextmanager
def map_errors(step: Step[Any], ctx: Any) -> Iterator[None]:
    """Hook: whatever a decoder raises inside a step becomes a Rejected with a stable reason."""
    try:
        yield
    except Rejected:
        raise
    except MemoryError:
        raise Rejected("too_many_pixels", f"out of memory in {name_of(step)}") from None
    except (pyvips.Error, ValueError, OSError, EOFError, SyntaxError) as exc:
        # A decoder tripped over something no earlier step caught.
        log.debug("step %s failed", name_of(step), exc_info=True)
        r = decode_failure(exc)
        reason = "too_many_pixels" if r.reason == "too_many_pixels" else "corrupt"
        raise Rejected(reason, f"{name_of(step)}: {exc}"[:300]) from None


def run(
    steps: Sequence[IngestStep], ctx: IngestContext, hooks: Sequence[Hook] = ()
) -> IngestContext:
    """Run ingest steps over untrusted bytes; any failure becomes a Rejected (map_errors).
    `hooks` (timings, say) wrap each step inside the error mapping."""
    imaging.setup()
    # libvips keeps error text in a process-wide buffer that pyvips decodes as strict UTF-8
    # before clearing it: one file whose error text is not UTF-8 would make every later
    # libvips call in this process fail (found by fuzzing, tests/regressions). Start and end
    # every file with an empty buffer.
    pyvips.vips_lib.vips_error_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns about malformed metadata
            run_steps(steps, ctx, (map_errors, *hooks))
    finally:
        pyvips.vips_lib.vips_error_clear()
        ctx.budget.trusted()  # the untrusted decode is over: what follows must not be killed
    return ctx


@dataclass
class Verdict:
    verdict: str  # "accept" | "reject"
    reason: str | None = None
    message: str | None = None
    format: str | None = None
    width: int | None = None  # upright
    height: int | None = None


def validate(
    data: bytes,
    limits: Limits | None = None,
    proxy_size: int = Settings.proxy_size,
    budget: Budget = NO_BUDGET,
) -> tuple[Verdict, IngestContext]:
    """Judge one upload. The context carries the proxy for whoever wants it."""
    ctx = IngestContext(data=data, limits=limits or Limits(), proxy_size=proxy_size, budget=budget)
    try:
        run(VALIDATE, ctx)
    except Rejected as r:
        fmt = ctx.header.format if ctx.header else None
        return Verdict("reject", r.reason, r.message, fmt), ctx
    assert ctx.header is not None
    w, h = ctx.header.upright_size
    return Verdict("accept", format=ctx.header.format, width=w, height=h), ctx


def warm_up() -> None:
    """Load and initialise every decoder (libmagic's database, libvips, libheif, libjpeg,
    libspng, numpy's BLAS) on tiny images, so that a worker's first file does not spend its
    budget on one-time start-up work. Call it from a batch worker's setup."""
    import pillow_heif

    imaging.setup()
    img = pyvips.Image.black(16, 16, bands=3)
    samples = [img.jpegsave_buffer(), img.pngsave_buffer(), img.webpsave_buffer()]
    heif = pillow_heif.from_bytes(mode="RGB", size=(16, 16), data=bytes(16 * 16 * 3))
    buf = io.BytesIO()
    heif.save(buf, quality=50)
    samples.append(buf.getvalue())
    for data in samples:
        validate(data, Limits())
