"""The worker side of the pool: one item at a time, under a memory limit it may adjust.

Code running inside a worker may adjust its own item's limits (see `item_limits`): ingest
gives a file that declares many pixels a budget in proportion, and lifts the limits once the
untrusted decode is over (writes must never be killed half-way); see files.py.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from .failures import RemoteError

MB = 1024 * 1024

_worker: dict[str, Any] = {}  # set in a supervised worker only


def in_worker() -> bool:
    return "conn" in _worker


def base_limits() -> tuple[float | None, int | None]:
    """(timeout s, memory MB) this pool gives every item; (None, None) outside a worker."""
    return _worker.get("timeout"), _worker.get("memory_mb")


def item_limits(timeout: float | None, memory_mb: int | None) -> None:
    """Inside a worker: replace the limits of the item in hand. No-op elsewhere.

    timeout: CPU seconds counted from the item's start; None lifts the budget (and memory_mb
    None the memory limit) for the rest of the item.
    """
    conn, baseline = _worker.get("conn"), _worker.get("baseline")
    if conn is None or baseline is None:  # not in a worker, or not on an item (setup)
        return
    _set_memory(memory_mb, baseline)
    conn.send(("limits", timeout))


def _set_memory(memory_mb: int | None, baseline: int = 0) -> None:
    """Allow the item memory_mb of private memory beyond what the worker holds already.

    RLIMIT_DATA, not RLIMIT_AS: address space counts thread stacks and malloc arenas that are
    reserved and never touched (a worker with libvips loaded reserves ~1 GB of it to decode a
    12-MP photo in 150 MB). Private writable memory is what a decoder's allocations use. The
    allowance sits above the worker's own baseline (imports, models: 100-350 MB), so what a
    file may take does not depend on what else the worker has loaded.
    """
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    soft = hard if memory_mb is None else baseline + memory_mb * MB
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _data_bytes() -> int:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _worker_main(
    conn: Connection,
    setup: Callable[[], Any],
    fn: Callable[[Any, Any], Any],
    timeout: float | None,
    memory_mb: int | None,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    # The pool is the parallelism; one thread each also keeps the memory a worker reserves
    # (OpenBLAS: a buffer per thread) independent of the machine's core count.
    for var in ("VIPS_CONCURRENCY", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    _worker.update(conn=conn, timeout=timeout, memory_mb=memory_mb)
    try:
        ctx = setup()
    except Exception as exc:  # a bad data folder, an unreachable store: the parent says so
        conn.send(("setup_error", _portable(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if item is None:
            return
        _worker["baseline"] = _data_bytes()
        _set_memory(memory_mb, _worker["baseline"])
        try:
            msg: tuple[str, Any] = ("done", fn(ctx, item))
        except MemoryError:  # over its allowance (or the machine's): the item failed, not fn
            msg = ("memory", None)
        except Exception as exc:  # travels to the parent, which raises it there
            msg = ("error", _portable(exc))
        _worker["baseline"] = None
        _set_memory(None)  # trusted code between items (pickling the result, say)
        conn.send(msg)


def _portable(exc: Exception) -> Exception:
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RemoteError(text)
    exc.__notes__ = [*getattr(exc, "__notes__", []), f"in worker:\n{text}"]
    return exc
