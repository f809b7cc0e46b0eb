"""Per-file budgets for the untrusted part of ingest: sniffing, decoding, encoding the master.

Inside a supervised batch worker (pressroom.batch) every file gets the pool's base budget,
`file_timeout` CPU seconds and `file_memory_mb` of memory. A file whose header declares many
pixels (already within `max_pixels`) legitimately needs more: once the header is read its
budget grows in proportion, one base budget per PIXELS_PER_TIMEOUT / PIXELS_PER_MEMORY
declared pixels. Measured on this project's machine (one core): a 100-MP PNG takes 2.2 s and
~850 MB to validate, a 100-MP HEIC ~5.3 s and ~470 MB; so 100 MP gets 12.5 s and 1.6 GB.
A lying header cannot buy more than the pixel limit allows.

When the pipeline is over, the budget is lifted: what follows is trusted work on decoded
pixels (tagging a 640-px proxy, writing blobs and the record) that must never be killed
half-way. Outside a worker, or in a pool without limits, these calls do nothing.
"""

from __future__ import annotations

import hashlib
import io
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from .. import batch
from .errors import Rejected

if TYPE_CHECKING:
    from ..catalogue.base import Catalogue
    from .service import IngestResult

PIXELS_PER_TIMEOUT = 16_000_000
PIXELS_PER_MEMORY = 32_000_000


def budget(pixels: int, timeout: float | None, memory_mb: int | None):
    """(CPU seconds, MB) a file declaring `pixels` may use, from the base budget."""
    t = None if timeout is None else timeout * max(1.0, pixels / PIXELS_PER_TIMEOUT)
    m = None if memory_mb is None else int(memory_mb * max(1.0, pixels / PIXELS_PER_MEMORY))
    return t, m


def declared(pixels: int) -> None:
    """The header says `pixels`: scale this file's budget (never below the base)."""
    timeout, memory_mb = batch.base_limits()
    if timeout is None and memory_mb is None:
        return
    batch.item_limits(*budget(pixels, timeout, memory_mb))


def trusted() -> None:
    """The untrusted decode is over: lift the budget for the rest of this item."""
    if batch.in_worker():
        batch.item_limits(None, None)


def warm_up() -> None:
    """Load and initialise every decoder (libmagic's database, libvips, libheif, libjpeg,
    libspng, numpy's BLAS) on tiny images, so that a worker's first file does not spend its
    budget on one-time start-up work. Call it from a batch worker's setup."""
    import pillow_heif
    import pyvips

    from ..config import Limits
    from .pipeline import validate

    img = pyvips.Image.black(16, 16, bands=3)
    samples = [img.jpegsave_buffer(), img.pngsave_buffer(), img.webpsave_buffer()]
    heif = pillow_heif.from_bytes(mode="RGB", size=(16, 16), data=bytes(16 * 16 * 3))
    buf = io.BytesIO()
    heif.save(buf, quality=50)
    samples.append(buf.getvalue())
    for data in samples:
        validate(data, Limits())


def rejected(failure: batch.Failure) -> Rejected:
    """A file whose worker gave no verdict. Over budget: `timeout`. Out of memory (a
    MemoryError, or a SIGKILL that was not ours: the OOM killer): `too_many_pixels`, as the
    pipeline says for a MemoryError inside a step. Any other death (SIGSEGV, SIGABRT) is a
    decoder choking on the file's data: `corrupt`. Refused either way; the batch goes on."""
    if failure.kind == "timeout":
        return Rejected("timeout", failure.detail)
    if failure.kind == "memory" or failure.exitcode == -signal.SIGKILL:
        return Rejected("too_many_pixels", failure.detail)
    return Rejected("corrupt", failure.detail)


def record_failure(
    catalogue: Catalogue, path: Path, photo_id: str | None, failure: batch.Failure
) -> IngestResult:
    """Ingest's answer for a killed worker, written by the parent: the record turns
    `rejected` with the reason, like any other refused upload (and a retry finds it final)."""
    from .service import IngestResult, photo_id_for

    r = rejected(failure)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    pid = photo_id or photo_id_for(sha)
    meta = {"source_name": path.name, "sha256": sha, "bytes": len(data), "detail": r.detail}
    rec, changed = catalogue.complete(
        pid, "rejected", reason=r.reason, message=r.message, data=meta
    )
    return IngestResult(
        path=str(path),
        id=rec.id,
        verdict="accept" if rec.state == "uploaded" else "reject",
        state=rec.state,
        reason=rec.reason,
        message=rec.message,
        changed=changed,
        seconds=round(failure.seconds, 4),
    )
