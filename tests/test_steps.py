"""The one runner's parallel step (pressroom.steps.parallel): steps that read the same state
and write apart run at once, and a failure in any of them is the step's failure."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from pressroom.steps import name_of, parallel, run


@dataclass
class Ctx:
    seen: dict[str, str] = field(default_factory=dict)
    barrier: threading.Barrier = field(default_factory=lambda: threading.Barrier(2, timeout=5))


def left(ctx: Ctx) -> None:
    ctx.barrier.wait()  # returns only when `right` is running at the same time
    ctx.seen["left"] = threading.current_thread().name


def right(ctx: Ctx) -> None:
    ctx.barrier.wait()
    ctx.seen["right"] = threading.current_thread().name


def broken(ctx: Ctx) -> None:
    raise ValueError("no pixels")


def test_parallel_steps_run_at_once_and_both_finish() -> None:
    ctx = run((parallel(left, right),), Ctx())
    assert set(ctx.seen) == {"left", "right"} and ctx.seen["left"] != ctx.seen["right"]
    assert name_of(parallel(left, right)) == "left+right"


@pytest.mark.parametrize("order", ["first", "second"])
def test_a_failing_step_fails_the_parallel_step_after_the_others_finish(order: str) -> None:
    def slow(ctx: Ctx) -> None:
        ctx.seen["slow"] = "done"

    steps = (broken, slow) if order == "first" else (slow, broken)
    ctx = Ctx()
    with pytest.raises(ValueError, match="no pixels"):
        run((parallel(*steps),), ctx)
    assert ctx.seen == {"slow": "done"}


def test_parallel_steps_run_in_order_on_the_callers_thread_when_told() -> None:
    order: list[tuple[str, str]] = []

    def first(ctx: Ctx) -> None:
        order.append(("first", threading.current_thread().name))

    def second(ctx: Ctx) -> None:
        order.append(("second", threading.current_thread().name))

    ctx = Ctx()
    run((parallel(first, second, when=lambda c: c.seen.get("big") == "yes"),), ctx)
    me = threading.current_thread().name
    assert order == [("first", me), ("second", me)]
    ctx.seen["big"] = "yes"  # now at once: `left` and `right` each wait for the other
    run((parallel(left, right, when=lambda c: c.seen.get("big") == "yes"),), ctx)
    assert ctx.seen["left"] != ctx.seen["right"]
