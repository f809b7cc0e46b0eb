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

Code running inside a worker may adjust its own item's limits (see `item_limits`): ingest
gives a file that declares many pixels a budget in proportion, and lifts the limits once the
untrusted decode is over (writes must never be killed half-way).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import resource
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MB = 1024 * 1024


@dataclass(frozen=True)
class Failure:
    """Why a worker gave no result for an item."""

    # "timeout": killed over its time budget; "memory": MemoryError over its allowance;
    # "died": crashed or was killed (segfault, abort, the kernel's OOM killer)
    kind: str
    seconds: float  # how long the item ran
    exitcode: int | None = None  # negative: the signal that ended the worker

    @property
    def detail(self) -> str:
        if self.kind == "timeout":
            return f"killed after {self.seconds:.1f} s over its time budget"
        if self.kind == "memory":
            return f"out of memory after {self.seconds:.1f} s"
        if self.exitcode is not None and self.exitcode < 0:
            try:
                name = signal.Signals(-self.exitcode).name
            except ValueError:
                name = f"signal {-self.exitcode}"
            return f"worker died ({name}) after {self.seconds:.1f} s"
        return f"worker exited with status {self.exitcode} after {self.seconds:.1f} s"


class WorkerFailed(RuntimeError):
    """A worker gave no result and the caller gave no on_failure to turn that into one."""

    def __init__(self, item: Any, failure: Failure) -> None:
        super().__init__(f"{item!r}: {failure.detail}")
        self.item = item
        self.failure = failure


class RemoteError(RuntimeError):
    """An exception from a worker that could not travel back as itself."""


# --------------------------------------------------------------------------- worker side

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


# --------------------------------------------------------------------------- parent side


# A worker's budget is CPU time, so a busy machine does not turn a legitimate photo into a
# timeout; a worker stuck without using CPU (a deadlock) is stopped by wall time instead.
WALL_FACTOR = 10.0
_TICK = 0.05  # how often the parent looks at busy workers' CPU time
_CLOCK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK  # utime, stime


class _Worker(Generic[T]):
    def __init__(self, mp: Any, setup: Callable, fn: Callable, timeout, memory_mb) -> None:
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
) -> Iterator[R]:
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
