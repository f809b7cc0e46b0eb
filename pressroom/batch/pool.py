"""The parent side of the pool: hand out items, watch each item's CPU time, replace workers
that overrun or die, and stop cleanly on Ctrl-C (see the package docstring)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import wait
from typing import Any, Generic, TypeVar

from .failures import Failure, WorkerFailed
from .worker import _worker_main

T = TypeVar("T")
R = TypeVar("R")

# A worker's budget is CPU time, so a busy machine does not turn a legitimate photo into a
# timeout; a worker stuck without using CPU (a deadlock) is stopped by wall time instead.
WALL_FACTOR = 10.0
_TICK = 0.05  # how often the parent looks at busy workers' CPU time
_CLOCK = os.sysconf("SC_CLK_TCK")

# Workers keep the memory they free (glibc reads this once, at exec). A decoder's large
# buffers (libjpeg's ~48 MB coefficient arrays for a lossless rotation, a 36 MB 12-MP
# frame) are otherwise unmapped on free and faulted in again 4 KB at a time by the next
# file: 36,000 page faults, ~40% of a rotated JPEG's ingest CPU in a VM. The cost is a
# worker's RSS staying near the peak of the largest file it has handled. A value already in
# the environment wins.
MALLOC_TUNABLES = "glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK  # utime, stime


@contextmanager
def _worker_env() -> Iterator[None]:
    """GLIBC_TUNABLES for the worker about to be spawned (it inherits the parent's
    environment at exec), without changing the parent's own for longer than that."""
    if "GLIBC_TUNABLES" in os.environ:
        yield
        return
    os.environ["GLIBC_TUNABLES"] = MALLOC_TUNABLES
    try:
        yield
    finally:
        os.environ.pop("GLIBC_TUNABLES", None)


class _Worker(Generic[T]):
    def __init__(
        self,
        mp: Any,
        setup: Callable[[], Any],
        fn: Callable[[Any, Any], Any],
        timeout: float | None,
        memory_mb: int | None,
    ) -> None:
        self.conn, child = mp.Pipe()
        self.proc = mp.Process(
            target=_worker_main, args=(child, setup, fn, timeout, memory_mb), daemon=True
        )
        self.proc.start()
        child.close()
        self.ready = False
        self.item: T | None = None
        self.busy = False
        self.started = self.cpu0 = 0.0
        self.budget: float | None = None  # CPU seconds the item in hand may use

    def give(self, item: T, timeout: float | None) -> None:
        self.item, self.busy, self.budget = item, True, timeout
        self.started = time.monotonic()
        self.cpu0 = _cpu_seconds(self.proc.pid)
        self.conn.send(item)

    def overran(self) -> bool:
        if not self.busy or self.budget is None:
            return False
        if time.monotonic() - self.started >= WALL_FACTOR * self.budget:
            return True
        return _cpu_seconds(self.proc.pid) - self.cpu0 >= self.budget

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()
        self.conn.close()


class _Pool(Generic[T, R]):
    def __init__(
        self,
        setup: Callable[[], Any],
        fn: Callable[[Any, T], R],
        workers: int,
        timeout: float | None,
        memory_mb: int | None,
        on_failure: Callable[[T, Failure], R] | None,
    ) -> None:
        self.mp = multiprocessing.get_context("spawn")
        self.args = (setup, fn, timeout, memory_mb)
        self.timeout = timeout
        self.on_failure = on_failure
        self.workers = [self._spawn() for _ in range(workers)]
        self.interrupted = self.waiting = False

    def _on_sigint(self, *_: Any) -> None:
        """A Ctrl-C raised half-way through handing out an item or reading a result would
        leave the books wrong (a worker marked busy with nothing to do, a message half read),
        so it raises only while the parent waits, and otherwise at the next safe point."""
        self.interrupted = True
        if self.waiting:
            raise KeyboardInterrupt

    def _spawn(self) -> _Worker[T]:
        with _worker_env():
            return _Worker(self.mp, *self.args)

    def run(self, items: Iterator[T]) -> Iterator[R]:
        more = True
        while True:
            if self.interrupted:
                raise KeyboardInterrupt
            for w in self.workers:
                if more and w.ready and not w.busy:
                    nxt = next(items, _END)
                    if nxt is _END:
                        more = False
                    else:
                        w.give(nxt, self.timeout)
            if not more and not any(w.busy for w in self.workers):
                return
            yield from self._step()

    def _step(self) -> Iterator[R]:
        """Wait for one event (a message, a death, a tick to check budgets) and handle it."""
        timed = any(w.busy and w.budget is not None for w in self.workers)
        handles: list[Any] = [w.conn for w in self.workers]
        handles += [w.proc.sentinel for w in self.workers]
        self.waiting = True  # the one place a Ctrl-C may raise at once (see _on_sigint)
        try:
            ready = set(wait(handles, _TICK if timed else None))
        finally:
            self.waiting = False
        for i, w in enumerate(list(self.workers)):
            if w.conn in ready:
                try:
                    kind, value = w.conn.recv()
                except (EOFError, OSError):  # it is exiting: wait for the exit status
                    w.proc.join(timeout=5)
                    kind, value = "gone", None
                if kind == "ready":
                    w.ready = True
                elif kind == "setup_error":
                    raise value
                elif kind == "limits":
                    w.budget = value
                elif kind in ("done", "error", "memory"):
                    item, seconds = w.item, time.monotonic() - w.started
                    w.busy, w.item, w.budget = False, None, None
                    if kind == "error":
                        raise value
                    yield value if kind == "done" else self._failed(item, "memory", seconds)
                if kind != "gone":
                    continue
            if not w.proc.is_alive():
                yield from self._replace(i, "died")
            elif w.overran():
                yield from self._replace(i, "timeout")

    def _replace(self, i: int, kind: str) -> Iterator[R]:
        w = self.workers[i]
        w.kill()
        self.workers[i] = self._spawn()
        if not w.ready:
            raise RuntimeError(f"a batch worker died during setup (exit {w.proc.exitcode})")
        if not w.busy:
            return
        yield self._failed(w.item, kind, time.monotonic() - w.started, w.proc.exitcode)

    def _failed(self, item: Any, kind: str, seconds: float, exitcode: int | None = None) -> R:
        failure = Failure(kind, seconds, exitcode)
        if self.on_failure is None:
            raise WorkerFailed(item, failure)
        return self.on_failure(item, failure)

    def drain(self) -> None:
        """Let the items in flight finish (budgets still hold), then stop every worker."""
        try:
            while any(w.busy for w in self.workers):
                try:
                    for _ in self._step():
                        pass  # results after an interrupt are kept by the workers, not reported
                except Exception:
                    continue  # one item's error must not cut the others short: we are leaving
        finally:
            for w in self.workers:
                if w.proc.is_alive() and not w.busy:
                    try:
                        w.conn.send(None)
                    except OSError:
                        pass
            for w in self.workers:
                w.proc.join(timeout=5)
                w.kill()


_END: Any = object()


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
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
    on_failure: Callable[[T, Failure], R] | None = None,
) -> Generator[R, None, None]:
    """Yield fn(ctx, item) for each item, in completion order. ctx = setup(), once per worker.

    timeout: CPU seconds one item may use before its worker is killed (or WALL_FACTOR times
    that in wall time); memory_mb: private memory an item may take beyond the worker's
    baseline (RLIMIT_DATA). With either set, even a single item runs in a killable worker
    (one spawn costs ~0.1 s plus the worker's imports, which the parent no longer pays).
    on_failure(item, failure) turns a killed or dead worker's item (or a MemoryError) into
    a result; without it a WorkerFailed is raised. An exception raised by fn is raised here.
    """
    items = list(items)
    workers = min(workers or default_workers(), len(items)) or 1
    if workers == 1 and timeout is None and memory_mb is None:
        ctx = setup()
        with _sigint_between_items() as interrupted:
            for item in items:
                yield fn(ctx, item)
                if interrupted():
                    raise KeyboardInterrupt
        return
    pool: _Pool[T, R] = _Pool(setup, fn, workers, timeout, memory_mb, on_failure)
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, pool._on_sigint) if main else None
    try:
        yield from pool.run(iter(items))
    finally:
        # Also reached on Ctrl-C or when the caller closes us: queued work is dropped, the
        # items in flight finish whole (or are killed over their budget). A second Ctrl-C
        # while they finish stops them at once.
        try:
            pool.drain()
        finally:
            if main:
                signal.signal(signal.SIGINT, previous)
