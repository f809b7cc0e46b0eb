"""DynamoDB catalogue and print jobs against moto's server over HTTP (real boto3, no patches)."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import boto3
import numpy as np
import pytest

from pressroom.catalogue.dynamodb import (
    DynamoCatalogue,
    DynamoJobs,
    create_tables,
    from_attr,
    table_prefix,
    to_attr,
)
from pressroom.catalogue.dynamodb import table as dynamodb
from pressroom.catalogue.sqlite_jobs import SqliteJobs
from tests.aws_server import moto_endpoint  # noqa: F401

PREFIX = "test"


@pytest.fixture
def ddb(moto_endpoint: str):  # noqa: F811
    client = boto3.client("dynamodb", endpoint_url=moto_endpoint)
    create_tables(PREFIX, client)
    return client


@pytest.fixture
def catalogue(ddb, moto_endpoint: str) -> DynamoCatalogue:  # noqa: F811
    return DynamoCatalogue(PREFIX, endpoint_url=moto_endpoint)


@pytest.fixture(params=["dynamodb", "sqlite"])
def jobs(request, tmp_path):
    if request.param == "sqlite":
        return SqliteJobs(tmp_path / "catalogue.sqlite3")
    endpoint = request.getfixturevalue("moto_endpoint")
    create_tables(PREFIX, boto3.client("dynamodb", endpoint_url=endpoint))
    return DynamoJobs(PREFIX, endpoint_url=endpoint)


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from pressroom.catalogue import sqlite_jobs

    c = Clock()
    monkeypatch.setattr(dynamodb, "_clock", c)
    monkeypatch.setattr(sqlite_jobs, "_clock", c)
    return c


def test_values_round_trip_with_their_types() -> None:
    value = {
        "int": 7,
        "float": 2.0,
        "small": 1e-7,
        "neg": -51.5074,
        "s": "",
        "b": False,
        "n": None,
        "list": [1, "a", {"x": [0.5]}],
    }
    back = from_attr(to_attr(value))
    assert back == value
    # Taggers hand over numpy values: stored as plain numbers.
    assert from_attr(to_attr([np.float64(0.43), np.int64(3), np.array([1.5, 2.0])])) == [
        0.43,
        3,
        [1.5, 2.0],
    ]
    assert type(back["int"]) is int and type(back["float"]) is float
    with pytest.raises(ValueError):
        to_attr(float("nan"))


def test_table_prefix() -> None:
    assert table_prefix("dynamodb://prod-press") == "prod-press"
    with pytest.raises(ValueError):
        table_prefix("dynamodb://")


def test_announce_then_complete_once(catalogue: DynamoCatalogue, ddb) -> None:
    rec = catalogue.announce("p1", {"user": "u1"})
    assert rec.state == "missing"
    item = ddb.get_item(TableName="test-photos", Key={"id": {"S": "p1"}})["Item"]
    assert "expires_at" in item  # TTL backstop for never-uploaded photos
    again = catalogue.announce("p1", {"user": "other"})
    assert again.data == {"user": "u1"}

    rec, changed = catalogue.complete("p1", "uploaded", data={"width": 4032, "gps": {"lat": 1.5}})
    assert changed and rec.state == "uploaded"
    assert rec.data == {"user": "u1", "width": 4032, "gps": {"lat": 1.5}}
    item = ddb.get_item(TableName="test-photos", Key={"id": {"S": "p1"}})["Item"]
    assert "expires_at" not in item and item["data"]["M"]["width"] == {"N": "4032"}

    rec2, changed2 = catalogue.complete("p1", "rejected", reason="corrupt", message="x")
    assert not changed2 and rec2.state == "uploaded" and rec2.reason is None
    assert catalogue.get("p1").data["gps"] == {"lat": 1.5}


def test_complete_unannounced_and_rejected(catalogue: DynamoCatalogue) -> None:
    rec, changed = catalogue.complete("p2", "rejected", reason="corrupt", message="Damaged.")
    assert changed and (rec.state, rec.reason, rec.message) == ("rejected", "corrupt", "Damaged.")
    assert catalogue.complete("p2", "uploaded")[1] is False
    with pytest.raises(ValueError):
        catalogue.complete("p3", "missing")


def interleave(catalogue: DynamoCatalogue, rival: Callable[[], None]) -> None:
    """Run `rival` right after `catalogue`'s next read: the loser's read is then stale.

    Deterministic on purpose: moto's server checks conditions and writes without a lock, so
    a threaded race against it can let two conditional writes through (seen: 1 run in 25
    with 8 threads), which real DynamoDB never does.
    """
    table = catalogue.table
    read = table.get

    def stale_read(key: str) -> dict | None:
        item = read(key)
        table.get = read  # once
        rival()
        return item

    table.get = stale_read  # type: ignore[method-assign]


def test_racing_completions_make_one_transition(
    catalogue: DynamoCatalogue, moto_endpoint: str  # noqa: F811
) -> None:
    rival = DynamoCatalogue(PREFIX, endpoint_url=moto_endpoint)
    # Announced: both read `missing`; the rival completes first, our conditional put fails,
    # we re-read and report the rival's result unchanged.
    catalogue.announce("race")
    interleave(catalogue, lambda: rival.complete("race", "uploaded", data={"writer": "rival"}))
    record, changed = catalogue.complete("race", "rejected", reason="corrupt", data={"w": 1})
    assert not changed and record.state == "uploaded" and record.data == {"writer": "rival"}
    # Never announced: both see no record; attribute_not_exists lets only the first in.
    interleave(catalogue, lambda: rival.complete("race2", "rejected", reason="empty"))
    record, changed = catalogue.complete("race2", "uploaded", data={"writer": "us"})
    assert not changed and (record.state, record.reason) == ("rejected", "empty")
    # A rival that only adds data to a `missing` record: we merge again on top of it.
    catalogue.announce("race3")
    interleave(catalogue, lambda: rival.update_data("race3", {"user": "u1"}))
    record, changed = catalogue.complete("race3", "uploaded", data={"width": 10})
    assert changed and record.data == {"user": "u1", "width": 10}
    assert catalogue.get("race3").data == {"user": "u1", "width": 10}


def test_update_data_list_count_delete(catalogue: DynamoCatalogue, clock: Clock) -> None:
    for i, pid in enumerate(["a", "b", "c", "d"]):
        clock.now += 10
        catalogue.announce(pid)
        if i % 2:
            catalogue.complete(pid, "rejected", reason="corrupt" if i == 1 else "empty")
    clock.now += 10
    catalogue.update_data("a", {"tags": {"faces": 2}})
    with pytest.raises(KeyError):
        catalogue.update_data("nope", {})
    assert [r.id for r in catalogue.list()] == ["a", "d", "c", "b"]
    assert [r.id for r in catalogue.list("missing")] == ["a", "c"]
    assert [r.id for r in catalogue.list("rejected", reason="empty")] == ["d"]
    assert [r.id for r in catalogue.list(limit=2)] == ["a", "d"]
    assert catalogue.count_by_state() == {"missing": 2, "uploaded": 0, "rejected": 2}
    catalogue.delete("a")
    assert catalogue.get("a") is None


def test_cleanup_deletes_only_stale_missing(catalogue: DynamoCatalogue, clock: Clock) -> None:
    catalogue.announce("old")
    catalogue.announce("done")
    clock.now += 100
    catalogue.announce("new")
    catalogue.complete("done", "uploaded")
    stale = catalogue.list_missing_older_than(50)
    assert [r.id for r in stale] == ["old"]
    cutoff = clock.now - 50
    assert catalogue.delete_if_missing("old", cutoff) is True
    assert catalogue.delete_if_missing("done", cutoff) is False  # completed meanwhile: kept
    assert catalogue.delete_if_missing("new", cutoff) is False  # too young
    assert catalogue.get("done") is not None and catalogue.get("new") is not None


def test_catalogue_is_picklable(catalogue: DynamoCatalogue) -> None:
    catalogue.announce("x")
    clone = pickle.loads(pickle.dumps(catalogue))
    assert clone.get("x").state == "missing"


# -- print jobs: both backends, same state machine --------------------------------------


def test_job_happy_path(jobs, clock: Clock) -> None:
    job, created = jobs.create("j1", {"photos": ["a", "b"]}, correlation_id="cid-1")
    assert created and job.state == "queued" and job.book == {"photos": ["a", "b"]}
    assert jobs.create("j1", {"photos": []})[1] is False
    job, started = jobs.start("j1", lease_seconds=60)
    assert started and job.state == "rendering" and job.attempts == 1
    job, done = jobs.finish("j1", 1, {"files": ["print/j1/book.pdf"], "pages": 2})
    assert done and job.state == "ready" and job.result["pages"] == 2
    assert job.correlation_id == "cid-1"
    # Final: nothing moves it any more.
    assert jobs.start("j1", 60)[1] is False
    assert jobs.fail("j1", "render_error", "x")[0].state == "ready"


def test_job_lease_retry_and_fail(jobs, clock: Clock) -> None:
    jobs.create("j2", {})
    job, started = jobs.start("j2", lease_seconds=60)
    assert started
    # A second delivery while the first attempt's lease is live does not start.
    job, started = jobs.start("j2", lease_seconds=60)
    assert not started and job.state == "rendering" and job.attempts == 1
    # The first worker died; after its lease a redelivery takes over as attempt 2.
    clock.now += 61
    assert [j.id for j in jobs.list_stale(clock.now)] == ["j2"]
    job, started = jobs.start("j2", lease_seconds=60)
    assert started and job.attempts == 2
    # The zombie attempt 1 cannot finish or requeue the job any more.
    assert jobs.finish("j2", 1, {"files": []})[1] is False
    assert jobs.requeue("j2", 1, "render_error", "x")[1] is False
    job, changed = jobs.requeue("j2", 2, "render_error", "boom")
    assert changed and job.state == "queued" and job.reason == "render_error"
    job, changed = jobs.fail("j2", "timeout", "too slow")
    assert changed and (job.state, job.reason) == ("failed", "timeout")
    assert jobs.fail("j2", "render_error", "again")[1] is False
    assert [j.id for j in jobs.list("failed")] == ["j2"]
    assert jobs.get("missing") is None
    assert jobs.start("missing", 60) == (None, False)


def test_open_by_settings(tmp_path, ddb, moto_endpoint: str) -> None:  # noqa: F811
    from pressroom.catalogue import open_catalogue
    from pressroom.config import Settings
    from pressroom.printjobs import open_jobs

    aws = Settings.from_env(
        {"PRESSROOM_CATALOGUE": f"dynamodb://{PREFIX}", "PRESSROOM_AWS_ENDPOINT": moto_endpoint}
    )
    catalogue, jobs = open_catalogue(aws), open_jobs(aws)
    assert isinstance(catalogue, DynamoCatalogue) and isinstance(jobs, DynamoJobs)
    catalogue.announce("via-settings")
    assert catalogue.get("via-settings").state == "missing"
    assert jobs.create("j", {})[1] is True
    local = Settings(data_dir=tmp_path, catalogue="sqlite")
    local_jobs = open_jobs(local)
    assert isinstance(local_jobs, SqliteJobs)
    assert local_jobs.create("j", {})[1] is True
    assert (tmp_path / "catalogue.sqlite3").exists()
