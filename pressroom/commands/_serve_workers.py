"""A lean parent for `pressroom serve --workers N`: fork N workers on one bound socket.

uvicorn's own supervisor spawns its workers through multiprocessing: a fresh interpreter
per worker that imports everything again, a resource-tracker process beside them, and a
parent that holds uvicorn and the app's imports (~41 MB of the group's RSS for nothing).
Here the parent imports only the standard library, forks, waits on signals, forwards
SIGINT/SIGTERM and replaces a worker that dies while serving.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from collections.abc import Callable

SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGCHLD}
# A worker's exit status when it could not start (uvicorn's STARTUP_FAILURE, or the app
# factory raising): replacing it would only fail again, so the parent stops.
STARTUP_FAILURE = 3
# More unexpected exits than this within the window is a crash loop, not bad luck.
CRASHES, CRASH_WINDOW_S = 5, 60.0
# How long workers get to finish their requests after SIGTERM before SIGKILL.
GRACE_S = 30.0


class WorkersFailed(Exception):
    """The workers could not be kept running (startup failure or crash loop)."""


def supervise(n: int, work: Callable[[], None]) -> None:
    """Fork `n` processes running `work()` and keep them running until SIGINT/SIGTERM;
    return once all have exited. Raises WorkersFailed when they cannot start."""
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    workers: dict[int, float] = {}  # pid -> start time
    crashes: list[float] = []
    parent = os.getpid()
    failure = ""
    try:
        for _ in range(n):
            pid = _fork(work, old_mask, parent)
            workers[pid] = time.monotonic()
        stopping = False
        deadline = float("inf")
        while workers:
            timeout = max(0.0, deadline - time.monotonic()) if stopping else None
            info = (
                signal.sigtimedwait(SIGNALS, timeout)
                if timeout is not None
                else signal.sigwaitinfo(SIGNALS)
            )
            if info is None:  # grace period over
                _send(workers, signal.SIGKILL)
                deadline = float("inf")
                continue
            if info.si_signo == signal.SIGCHLD:
                for pid, status in _reap(workers):
                    workers.pop(pid)
                    if stopping:
                        continue
                    if os.waitstatus_to_exitcode(status) == STARTUP_FAILURE:
                        failure = "a worker could not start"
                    else:
                        now = time.monotonic()
                        crashes[:] = [t for t in crashes if now - t < CRASH_WINDOW_S] + [now]
                        if len(crashes) > CRASHES:
                            failure = f"workers exited {len(crashes)} times in a minute"
                    if failure:
                        stopping, deadline = True, time.monotonic() + GRACE_S
                        _send(workers, signal.SIGTERM)
                    else:
                        print(f"pressroom serve: worker {pid} exited "
                              f"({_describe(status)}); starting another",
                              file=sys.stderr, flush=True)  # fmt: skip
                        workers[_fork(work, old_mask, parent)] = time.monotonic()
            elif not stopping:
                # SIGTERM even for Ctrl-C: uvicorn takes a second SIGINT as "drop the
                # requests in flight", and a terminal's Ctrl-C already reached the workers.
                stopping, deadline = True, time.monotonic() + GRACE_S
                _send(workers, signal.SIGTERM)
            elif info.si_signo == signal.SIGINT:
                _send(workers, signal.SIGINT)  # a second Ctrl-C: stop now
    finally:
        _send(workers, signal.SIGKILL)  # only if we are leaving on an error
        for pid in list(workers):
            os.waitpid(pid, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    if failure:
        raise WorkersFailed(failure)


def _fork(work: Callable[[], None], mask: set[int | signal.Signals], parent: int) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _die_with(parent)
        work()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # noqa: BLE001 - uvicorn keeps request errors to itself, so this
        # is the app or the server failing to start: one line, and the parent stops.
        if os.environ.get("PRESSROOM_DEBUG"):
            traceback.print_exc()
        # One write for the whole line: with PYTHONUNBUFFERED, print() writes the text and
        # its newline apart, and two workers failing at once ran their lines together.
        sys.stderr.write(
            f"pressroom serve: worker {os.getpid()} could not start: {e or type(e).__name__}\n"
        )
        code = STARTUP_FAILURE
    except BaseException:  # noqa: BLE001 - KeyboardInterrupt and the like: the log has it
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # never return into the parent's code (its finally blocks, atexit)


def _die_with(parent: int) -> None:
    """Ask Linux to SIGTERM this worker if the parent dies (killed -9, say): no orphans
    holding the port."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(0)


def _reap(workers: dict[int, float]) -> list[tuple[int, int]]:
    done = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        if pid in workers:
            done.append((pid, status))
    return done


def _send(workers: dict[int, float], sig: int) -> None:
    for pid in workers:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"signal {-code}" if code < 0 else f"status {code}"
