"""Why a supervised worker gave no result for an item."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import Any


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
