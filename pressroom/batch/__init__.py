"""Run one function over many inputs in supervised worker processes, interrupt-safe.

C decoders (libjpeg, libheif, libvips) cannot be interrupted by a Python signal, so the only
sure way to bound the time and memory one hostile file may take is a process that can be
killed. Each worker (spawned: libvips and sqlite dislike fork) holds one item at a time; the
parent watches each item's CPU time (wall time as a backstop). A worker that overruns is
killed, one that dies (segfault, abort, OOM kill) is reaped, both are replaced, and the item
becomes whatever `on_failure(item, failure)` returns (a `timeout` reject, say): never a
traceback, and the batch goes on. Memory is bounded in the worker with RLIMIT_DATA, so an
allocation past the limit fails inside the decoder (MemoryError, a decoder error) instead of
taking the machine down.

Workers ignore SIGINT: on Ctrl-C (or when the caller closes the generator) the parent stops
handing out work and lets the items in flight finish, so an interrupted batch leaves whole
records and masters, never half of one. Heavy imports happen in the workers.

    pool.py      the parent: hands out items, watches budgets, replaces dead workers
    worker.py    the worker: one item at a time, its memory limit, adjustable per item
    failures.py  Failure (why an item has no result), WorkerFailed, RemoteError
    files.py     the per-file budget of untrusted files (ingest's Budget) and the verdict
                 for a file whose worker was killed
"""

from __future__ import annotations

from .failures import Failure, RemoteError, WorkerFailed
from .pool import default_workers, run_batch

__all__ = ["Failure", "RemoteError", "WorkerFailed", "default_workers", "run_batch"]
