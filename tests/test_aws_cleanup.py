"""The scheduled cleanup Lambda on moto's server."""

from __future__ import annotations

import time

import pytest

from pressroom.aws import _common, cleanup
from pressroom.catalogue.dynamodb import table as dynamodb
from tests.aws_lambda import LambdaContext, Output, Stack, load_event, make_stack
from tests.aws_server import moto_endpoint  # noqa: F401

DAY = 86_400.0


@pytest.fixture
def stack(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    s = make_stack(moto_endpoint)
    for name, value in s.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PRESSROOM_MISSING_DAYS", "7")
    _common.reset()
    yield s
    _common.reset()


def test_scheduled_cleanup(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    c = _common.container()
    now = time.time()
    monkeypatch.setattr(dynamodb, "_clock", lambda: now - 8 * DAY)
    c.catalogue.announce("stale")
    c.catalogue.announce("late")
    c.jobs.create("stuck", {"photos": []})
    c.jobs.start("stuck", lease_seconds=900)  # its worker died 8 days ago
    c.jobs.create("waiting", {"photos": []})
    monkeypatch.setattr(dynamodb, "_clock", lambda: now)
    c.catalogue.complete("late", "uploaded", data={"master": "masters/late.jpg"})
    c.catalogue.announce("fresh")
    c.jobs.create("live", {"photos": []})
    c.jobs.start("live", lease_seconds=900)

    out = Output(capfd)
    try:
        summary = cleanup.handler(load_event("eventbridge_schedule.json"), LambdaContext())
        done = out.logged("cleanup done")
    finally:
        out.close()
    assert summary == {"missing_removed": 1, "results_removed": 0, "jobs_timed_out": 1}
    assert c.catalogue.get("stale") is None
    assert c.catalogue.get("late").state == "uploaded"  # completed: never swept
    assert c.catalogue.get("fresh").state == "missing"
    stuck = c.jobs.get("stuck")
    assert (stuck.state, stuck.reason) == ("failed", "timeout")
    assert c.jobs.get("live").state == "rendering" and c.jobs.get("waiting").state == "queued"
    assert done[0]["correlation_id"] == "cdc73f9d-aea9-11e3-9d5a-835b769c0d9c"


def test_result_cache_sweep(stack: Stack) -> None:
    for key in ("renders/p1/a.webp", "renders/p2/b.avif", "masters/p1.jpg", "rendersx/keep"):
        stack.s3.put_object(Bucket=stack.media, Key=key, Body=b"x")
    s3 = _common.container().s3
    storage = f"s3://{stack.media}"
    now = time.time()
    assert cleanup.sweep_results(s3, storage, "renders", DAY, now) == 0  # all fresh
    assert cleanup.sweep_results(s3, storage, "renders", DAY, now + 2 * DAY) == 2
    left = sorted(o["Key"] for o in stack.s3.list_objects_v2(Bucket=stack.media)["Contents"])
    assert left == ["masters/p1.jpg", "rendersx/keep"]
    assert cleanup.sweep_results(s3, "file", "renders", DAY, now) == 0
