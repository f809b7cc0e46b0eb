"""Run one function over many inputs on a process pool, interrupt-safe.

Workers ignore SIGINT: on Ctrl-C (or when the caller closes the generator) the parent stops
handing out work and lets the items in flight finish, so an interrupted batch leaves whole
records and masters, never half of one. Heavy imports happen in the workers.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_worker_state: dict[str, Any] = {}


def _init_worker(setup: Callable[[], Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("VIPS_CONCURRENCY", "1")  # the pool is the parallelism
    _worker_state["ctx"] = setup()


def _call(fn: Callable[[Any, T], R], item: T) -> R:
    return fn(_worker_state["ctx"], item)


@contextmanager
def _sigint_between_items() -> Iterator[Callable[[], bool]]:
    """In-process runs: a Ctrl-C takes effect after the item in hand, never inside it."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    hits: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda *_: hits.append(1))
    try:
        yield lambda: bool(hits)
    finally:
        signal.signal(signal.SIGINT, previous)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def run_batch(
    setup: Callable[[], Any],
    fn: Callable[[Any, T], R],
    items: Iterable[T],
    workers: int = 0,
) -> Iterator[R]:
    """Yield fn(ctx, item) for each item, in completion order. ctx = setup(), once per worker."""
    items = list(items)
    workers = min(workers or default_workers(), len(items)) or 1
    if workers == 1:
        ctx = setup()
        with _sigint_between_items() as interrupted:
            for item in items:
                yield fn(ctx, item)
                if interrupted():
                    raise KeyboardInterrupt
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),  # libvips and sqlite dislike fork
        initializer=_init_worker,
        initargs=(setup,),
    )
    pending: set[Future[R]] = set()
    queue = iter(items)
    try:
        for item in queue:  # keep 2 tasks per worker in flight, not the whole list
            pending.add(pool.submit(_call, fn, item))
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(pool.submit(_call, fn, nxt))
    finally:
        # Also reached on Ctrl-C or when the caller closes us: queued work is dropped, the
        # photos in flight finish whole.
        pool.shutdown(wait=True, cancel_futures=True)
