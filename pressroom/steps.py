"""One runner for every pipeline, as imgproxy's processing/pipeline.go has it.

A pipeline is a tuple of small step functions over one typed context object (IngestContext,
ThumbnailContext, TagContext, DesignContext, PreflightContext); `run` calls them in order.
Cross-cutting concerns (the per-file budget of untrusted work, timings, mapping a library's
exception to a reason) are hooks passed in by whoever runs the pipeline, never module
globals. A hook is `hook(step, ctx) -> context manager` wrapped around each step:

    run(NORMALISE, ctx, hooks=(timings(ctx.timings), map_errors))
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any, TypeVar

C = TypeVar("C")
Step = Callable[[C], None]
Hook = Callable[[Step[Any], Any], AbstractContextManager[Any]]


def run(steps: Sequence[Step[C]], ctx: C, hooks: Sequence[Hook] = ()) -> C:
    """Run the steps in order over ctx, each inside every hook (the first hook outermost)."""
    for step in steps:
        if not hooks:
            step(ctx)
            continue
        with ExitStack() as stack:
            for hook in hooks:
                stack.enter_context(hook(step, ctx))
            step(ctx)
    return ctx


def parallel(*steps: Step[C], when: Callable[[C], bool] | None = None) -> Step[C]:
    """One step that runs `steps` at once (the first on the calling thread, each other on a
    thread of its own) and returns when all have: for steps that read the same state and
    write apart (the ingest's master and proxy, both from the decoded pixels), whose work is
    in C libraries that let go of the GIL. A failure is raised after every step has finished
    (the first step's own, else the first of the others'). `when(ctx)` false runs them in
    order instead: for work too small to repay a thread (~0.5 ms of CPU to start and join)."""

    def together(ctx: C) -> None:
        if when is not None and not when(ctx):
            for step in steps:
                step(ctx)
            return
        with ThreadPoolExecutor(len(steps) - 1) as pool:
            jobs = [pool.submit(step, ctx) for step in steps[1:]]
            try:
                steps[0](ctx)
            finally:
                errors = [j.exception() for j in jobs]
            for e in errors:
                if e is not None:
                    raise e

    together.__name__ = "+".join(name_of(s) for s in steps)
    return together


def name_of(step: Step[Any]) -> str:
    return getattr(step, "__name__", type(step).__name__)


def timings(into: dict[str, float]) -> Hook:
    """A hook that records each step's wall seconds into `into` under the step's name."""

    @contextmanager
    def hook(step: Step[Any], ctx: Any) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            into[name_of(step)] = time.perf_counter() - started

    return hook
