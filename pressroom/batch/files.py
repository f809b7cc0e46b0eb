"""Per-file budgets for the untrusted part of ingest (sniffing, decoding, encoding the master),
lent by this host to the ingest core as its `Budget` (pressroom.ingest.context).

Inside a supervised worker every file gets the pool's base budget, `file_timeout` CPU seconds
and `file_memory_mb` of memory. A file whose header declares many pixels (already within
`max_pixels`) legitimately needs more: once the header is read its budget grows in
proportion, one base budget per PIXELS_PER_TIMEOUT / PIXELS_PER_MEMORY declared pixels, time
weighted by the format's DECODE_COST (pressroom.ingest.formats). Measured on this project's
machine (one core): a 100-MP PNG takes 2.2 s and ~850 MB to validate, so 100 MP gets 12.5 s
and 1.6 GB; a 12-MP HEIC takes 0.7-1.8 s to normalise (cost 4), so it gets 6 s, and a 100-MP
HEIC 50 s. A lying header cannot buy more than the pixel limit allows.

When the pipeline is over, the budget is lifted: what follows is trusted work on decoded
pixels (tagging a 640-px proxy, writing blobs and the record) that must never be killed
half-way. Outside a worker, or in a pool without limits, these calls do nothing.
"""

from __future__ import annotations

import signal

from ..reasons import Rejected
from .failures import Failure
from .worker import base_limits, in_worker, item_limits

PIXELS_PER_TIMEOUT = 16_000_000
PIXELS_PER_MEMORY = 32_000_000


def budget(
    pixels: int,
    timeout: float | None,
    memory_mb: int | None,
    per_timeout: float = PIXELS_PER_TIMEOUT,
    per_memory: float = PIXELS_PER_MEMORY,
    cost: float = 1.0,
) -> tuple[float | None, int | None]:
    """(CPU seconds, MB) a file declaring `pixels` of a format of decode `cost` may use, from
    the base budget."""
    t = None if timeout is None else timeout * max(1.0, pixels * cost / per_timeout)
    m = None if memory_mb is None else int(memory_mb * max(1.0, pixels / per_memory))
    return t, m


class FileBudget:
    """The ingest Budget inside a batch worker. `flat=True` (the fuzzer's flat runs): every
    file keeps the base budget, whatever its header declares."""

    def __init__(self, flat: bool = False) -> None:
        scale = float("inf") if flat else 1.0
        self.per_timeout = PIXELS_PER_TIMEOUT * scale
        self.per_memory = PIXELS_PER_MEMORY * scale

    def declared(self, pixels: int, cost: float = 1.0) -> None:
        """The header says `pixels` of a format of decode `cost`: scale this file's budget
        (never below the base)."""
        timeout, memory_mb = base_limits()
        if timeout is None and memory_mb is None:
            return
        limits = budget(pixels, timeout, memory_mb, self.per_timeout, self.per_memory, cost)
        item_limits(*limits)

    def trusted(self) -> None:
        """The untrusted decode is over: lift the budget for the rest of this item."""
        if in_worker():
            item_limits(None, None)


def rejected(failure: Failure) -> Rejected:
    """A file whose worker gave no verdict. Over budget: `timeout`. Out of memory (a
    MemoryError, or a SIGKILL that was not ours: the OOM killer): `too_many_pixels`, as the
    pipeline says for a MemoryError inside a step. Any other death (SIGSEGV, SIGABRT) is a
    decoder choking on the file's data: `corrupt`. Refused either way; the batch goes on."""
    if failure.kind == "timeout":
        return Rejected("timeout", failure.detail)
    if failure.kind == "memory" or failure.exitcode == -signal.SIGKILL:
        return Rejected("too_many_pixels", failure.detail)
    return Rejected("corrupt", failure.detail)
