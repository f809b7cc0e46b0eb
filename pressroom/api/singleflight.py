"""Concurrent identical requests share one render: the first caller starts the work as a
task, every caller (the first included) awaits it. Per process and per event loop: several
uvicorn workers may each render a thumbnail once; the result cache turns later ones to hits."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Future[T]] = {}

    def __len__(self) -> int:
        return len(self._inflight)

    async def do(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """(result, shared): shared is True when another request had started the work."""
        task = self._inflight.get(key)
        shared = task is not None
        if task is None:
            task = asyncio.ensure_future(work())
            self._inflight[key] = task
            task.add_done_callback(lambda t: self._done(key, t))
        # shield: a caller whose client went away must not cancel the work the others await.
        return await asyncio.shield(task), shared

    def _done(self, key: str, task: asyncio.Future[T]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved: no "never retrieved" warning when all callers left
