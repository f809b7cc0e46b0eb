"""Injected faults. The supervised pool (a file that spins, hangs, segfaults or eats memory is
killed and replaced, the batch goes on); the CLI's per-file limits; ingest with a blob store
or catalogue that fails, or a process killed between its steps; print jobs with the same
faults. After a retry: no record lost, none doubled, no orphan master or print file."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import pyvips

from pressroom.batch import Failure, WorkerFailed, run_batch
from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ids import master_key, proxy_key
from pressroom.ingest.service import Ingestor
from pressroom.storage import open_store
from tests.aws_server import moto_endpoint  # noqa: F401  (fixture)
from tests.conftest import CORPUS

# --------------------------------------------------------------------------- the pool

def _setup() -> None:
    return None


def _work(_: Any, item: tuple[str, Any]) -> Any:
    kind, arg = item
    if kind == "spin":  # a decoder in an endless loop: uses CPU
        t = time.process_time()
        while time.process_time() - t < arg:
            pass
    elif kind == "sleep":  # a decoder stuck on a lock: uses no CPU
        time.sleep(arg)
    elif kind == "segv":
        ctypes.string_at(0)
    elif kind == "abort":
        os.abort()
    elif kind == "alloc":  # what a decompression bomb does
        try:
            return (kind, arg, len(bytearray(arg << 20)))
        except MemoryError:
            return (kind, arg, "MemoryError")
    elif kind == "raise":
        raise KeyError(arg)
    return (kind, arg, os.getpid())


def _failed(item: Any, failure: Failure) -> Any:
    return (*item, (failure.kind, failure.exitcode))


def test_pool_kills_and_replaces_workers_and_goes_on() -> None:
    items = [
        ("ok", 1), ("spin", 30), ("segv", 0), ("ok", 2), ("abort", 0), ("alloc", 64),
        ("alloc", 2048), ("ok", 3),
    ]
    started = time.monotonic()
    out = list(run_batch(_setup, _work, items, 2, timeout=0.5, memory_mb=256, on_failure=_failed))
    assert time.monotonic() - started < 20  # not the 30 s the spinning item wanted
    got = {r[:2]: r[2] for r in out}
    assert set(got) == set(items)
    assert got[("spin", 30)] == ("timeout", -signal.SIGKILL)
    assert got[("segv", 0)] == ("died", -signal.SIGSEGV)
    assert got[("abort", 0)] == ("died", -signal.SIGABRT)
    assert got[("alloc", 64)] == 64 << 20 and got[("alloc", 2048)] == "MemoryError"
    assert len({got[("ok", n)] for n in (1, 2, 3)}) >= 2  # pids: workers were replaced


def test_pool_wall_clock_backstop_stops_a_worker_that_uses_no_cpu() -> None:
    out = list(run_batch(_setup, _work, [("sleep", 60)], 1, timeout=0.2, on_failure=_failed))
    assert out[0][2] == ("timeout", -signal.SIGKILL)  # after 10 x 0.2 s of wall time, not 60 s


def test_pool_without_on_failure_raises_and_errors_travel() -> None:
    with pytest.raises(WorkerFailed) as exc:
        list(run_batch(_setup, _work, [("segv", 0)], 1, timeout=5))
    assert exc.value.failure.kind == "died" and "SIGSEGV" in str(exc.value)
    with pytest.raises(KeyError) as err:  # an exception in fn is raised in the parent
        list(run_batch(_setup, _work, [("raise", "boom")], 2, timeout=5))
    assert "in worker" in "".join(err.value.__notes__)


# --------------------------------------------------------------------------- CLI limits


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pressroom", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PRESSROOM_TAGS": "0", **env},
    )


def test_validate_over_budget_is_a_timeout_reject(corpus: Path) -> None:
    """A 12-MP HEIC needs ~1 CPU s; with 0.1 s it is killed and refused; small files pass."""
    files = [corpus / "big/cat.hif", corpus / "valid/png/basn2c08.png", corpus / "hostile"]
    r = _cli("validate", "--json", "--workers", "2", *map(str, files), PRESSROOM_FILE_TIMEOUT="0.1")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    rows = {Path(o["path"]).name: o for o in map(json.loads, r.stdout.splitlines())}
    assert len(rows) == 9
    assert (rows["cat.hif"]["reason"], rows["cat.hif"]["message"]) == (
        "timeout",
        "The image took too long to process.",
    )
    assert rows["basn2c08.png"]["verdict"] == "accept"
    # Over memory: refused as too many pixels (libvips fails its allocation). A PNG decodes
    # whole (this one 10.9 MB); a 9-MP JPEG's verdict needs only its 1/8 decode (0.4 MB),
    # which fits. 4 MB leaves the JPEG a wide margin: at 1 MB the allocator's own noise
    # (a new arena, a grown heap) once refused it on a loaded CI host.
    big_png = corpus / "valid/png/old-style-jpeg-compression.png"
    r = _cli("validate", "--json", str(big_png), str(corpus / "big/HMD_Nokia_8.3_5G.jpg"),
             str(corpus / "valid/png/basn2c08.png"), PRESSROOM_FILE_MEMORY_MB="4")
    rows = {Path(o["path"]).name: o for o in map(json.loads, r.stdout.splitlines())}
    assert "Traceback" not in r.stderr and rows["basn2c08.png"]["verdict"] == "accept"
    assert rows["old-style-jpeg-compression.png"]["reason"] == "too_many_pixels"
    assert rows["HMD_Nokia_8.3_5G.jpg"]["verdict"] == "accept"


def test_ingest_over_budget_leaves_a_rejected_timeout_record(corpus: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    heic, small = corpus / "big/pug.heic", corpus / "valid/png/basn2c08.png"
    r = _cli("ingest", "--json", "--data", str(data), str(heic), str(small),
             PRESSROOM_FILE_TIMEOUT="0.05")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    rows = {Path(o["path"]).name: o for o in map(json.loads, r.stdout.splitlines())}
    cat = open_catalogue(Settings(data_dir=data))
    rec = cat.get(rows["pug.heic"]["id"])
    assert (rec.state, rec.reason) == ("rejected", "timeout")
    assert rec.data["source_name"] == "pug.heic" and "over its time budget" in rec.data["detail"]
    assert cat.get(rows["basn2c08.png"]["id"]).state == "uploaded"
    blobs = set(open_store(Settings(data_dir=data)).keys())
    assert not any(rec.id in k for k in blobs)  # nothing half-written for the killed one
    # Final, like any reject: a re-run reports it unchanged.
    again = _cli("ingest", "--json", "--data", str(data), str(heic))
    assert json.loads(again.stdout)["changed"] is False


# --------------------------------------------------------------------------- ingest faults


class FlakyStore:
    """A real store whose put fails (before writing) on the calls named in `fail`."""

    def __init__(self, inner: Any, fail: set[int]) -> None:
        self.inner, self.fail, self.calls = inner, fail, 0

    def put(
        self, key: str, data: bytes, content_type: str | None = None, *, durable: bool = True
    ) -> None:
        self.calls += 1
        if self.calls in self.fail:
            raise OSError(f"injected: put {key} failed")
        self.inner.put(key, data, content_type, durable=durable)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class FlakyCatalogue:
    def __init__(self, inner: Any, fail: int = 1) -> None:
        self.inner, self.fail = inner, fail

    def complete(self, *args: Any, **kw: Any) -> Any:
        if self.fail:
            self.fail -= 1
            raise sqlite3.OperationalError("injected: database is locked")
        return self.inner.complete(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def _assert_once(settings: Settings, photo_id: str) -> None:
    """One record, uploaded; exactly its master and proxy in the store; no temp files."""
    records = list(open_catalogue(settings).list(limit=100))
    assert [(r.id, r.state) for r in records] == [(photo_id, "uploaded")]
    rec = records[0]
    assert set(open_store(settings).keys()) == {rec.data["master"], proxy_key(photo_id)}
    assert not list((settings.data_dir / "blobs").rglob(".tmp-*"))


@pytest.mark.parametrize("failing_put", [1, 2], ids=["master-put", "proxy-put"])
def test_blob_put_failure_then_retry(corpus: Path, tmp_path: Path, failing_put: int) -> None:
    s = _settings(tmp_path)
    path = corpus / "orientation/Landscape_6.jpg"
    flaky = Ingestor(FlakyStore(open_store(s), {failing_put}), open_catalogue(s), s)
    with pytest.raises(OSError, match="injected"):
        flaky.ingest_path(path)
    assert list(open_catalogue(s).list()) == []  # no record points at a missing blob
    r = Ingestor(open_store(s), open_catalogue(s), s).ingest_path(path)
    assert (r.state, r.changed) == ("uploaded", True)
    _assert_once(s, r.id)


def test_catalogue_failure_then_retry(corpus: Path, tmp_path: Path) -> None:
    s = _settings(tmp_path)
    path = corpus / "orientation/Portrait_8.jpg"
    with pytest.raises(sqlite3.OperationalError):
        Ingestor(open_store(s), FlakyCatalogue(open_catalogue(s)), s).ingest_path(path)
    assert list(open_catalogue(s).list()) == []
    # The blobs written before the failed transaction are the retry's own keys.
    r = Ingestor(open_store(s), open_catalogue(s), s).ingest_path(path)
    assert r.state == "uploaded" and r.master == master_key(r.id, "jpeg")
    _assert_once(s, r.id)


KILLER = """
import os, signal, sys
from pathlib import Path
from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.storage import open_store
from pressroom.storage import local

settings = Settings(data_dir=Path(sys.argv[1]))
where = sys.argv[3]
store, cat = open_store(settings), open_catalogue(settings)
die = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
if where.startswith("after-put-"):  # after the n-th put has landed
    n, real_put = int(where.rsplit("-", 1)[1]), store.put
    calls = []
    def put(*a, **k):
        real_put(*a, **k)
        calls.append(1)
        if len(calls) == n:
            die()
    store.put = put
elif where == "mid-put":  # the temp file written, not yet renamed into place
    local.os.replace = die
elif where == "in-complete":  # the record's transaction never commits
    cat.complete = die
Ingestor(store, cat, settings).ingest_path(Path(sys.argv[2]))
"""


@pytest.mark.parametrize("where", ["after-put-1", "after-put-2", "in-complete"])
def test_killed_between_steps_then_retry(corpus: Path, tmp_path: Path, where: str) -> None:
    s = _settings(tmp_path)
    path = corpus / "orientation/Landscape_3.jpg"
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(s.data_dir), str(path), where],
        capture_output=True, text=True, timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert [r.state for r in open_catalogue(s).list()] == []  # nothing claims to be done
    r = _cli("ingest", "--json", "--data", str(s.data_dir), str(path))
    assert r.returncode == 0, r.stderr
    _assert_once(s, json.loads(r.stdout)["id"])


def test_killed_mid_put_leaves_no_temp_file(corpus: Path, tmp_path: Path) -> None:
    s = _settings(tmp_path)
    path = corpus / "orientation/Landscape_3.jpg"
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(s.data_dir), str(path), "mid-put"],
        capture_output=True, text=True, timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    r = _cli("ingest", "--json", "--data", str(s.data_dir), str(path))
    assert r.returncode == 0
    _assert_once(s, json.loads(r.stdout)["id"])


def test_same_file_twice_at_once_is_one_record(corpus: Path, tmp_path: Path) -> None:
    """Two workers ingest one photo at the same moment (a redelivered S3 event, say)."""
    s = _settings(tmp_path)
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        (src / name).write_bytes((corpus / "orientation/Landscape_5.jpg").read_bytes())
    r = _cli("ingest", "--json", "--workers", "3", "--data", str(s.data_dir), str(src))
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len({row["id"] for row in rows}) == 1
    assert sum(row["changed"] for row in rows) == 1  # exactly one call made the record
    _assert_once(s, rows[0]["id"])


# --------------------------------------------------------------------------- print faults


class Killed(BaseException):
    """The process is gone at this point: no handler, no finally, nothing after it runs."""


class FlakyJobs:
    """The job store, with `finish` (the last transaction of an attempt) failing."""

    def __init__(self, inner: Any, error: BaseException, times: int = 1) -> None:
        self.inner, self.error, self.times = inner, error, times

    def finish(self, *args: Any, **kw: Any) -> Any:
        if self.times:
            self.times -= 1
            raise self.error
        return self.inner.finish(*args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


LEASE = 1.5


@pytest.fixture
def print_stack(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, corpus: Path):  # noqa: F811
    from pressroom.aws import _common
    from tests.aws_lambda import make_stack

    s = make_stack(moto_endpoint, max_receives=4)
    for name, value in {**s.environment(), "PRESSROOM_PRINT_LEASE": str(LEASE)}.items():
        monkeypatch.setenv(name, value)
    _common.reset()
    from tests.test_aws_print import stock_stack

    stock_stack(corpus)  # print jobs are designs: their photos are catalogue records
    yield s
    _common.reset()


def _print_files(stack: Any) -> list[str]:
    return [o["Key"] for o in stack.s3.list_objects_v2(Bucket=stack.prints).get("Contents", [])]


def _print_outcome(stack: Any, job_id: str) -> tuple[str, int, list[str], int, int]:
    from pressroom.aws import _common
    from tests.aws_lambda import queue_depth

    job = _common.container().jobs.get(job_id)
    queued = queue_depth(stack.sqs, stack.print_queue)
    dead = queue_depth(stack.sqs, stack.print_dlq)
    return job.state, job.attempts, _print_files(stack), queued, dead


def test_print_store_put_failure_is_retried(print_stack: Any) -> None:
    from pressroom.aws import _common
    from pressroom.aws import print as print_lambda
    from tests.aws_lambda import drain
    from tests.test_aws_print import book

    c = _common.container()
    c.__dict__["print_store"] = FlakyStore(c.print_store, {1})
    print_lambda.submit(book("land1", "land2"), job_id="pf1")
    drain(print_stack.sqs, print_stack.print_queue, print_lambda.handler)
    assert _print_outcome(print_stack, "pf1") == ("ready", 2, ["print/pf1/interior.pdf"], 0, 0)


def test_job_store_transaction_failure_is_retried_after_the_lease(print_stack: Any) -> None:
    from botocore.exceptions import ClientError

    from pressroom.aws import _common
    from pressroom.aws import print as print_lambda
    from tests.aws_lambda import drain, invoke_once
    from tests.test_aws_print import book

    c = _common.container()
    error = ClientError({"Error": {"Code": "TransactionCanceledException"}}, "UpdateItem")
    c.__dict__["jobs"] = FlakyJobs(c.jobs, error)
    print_lambda.submit(book("land1"), job_id="pf2")
    invoke_once(print_stack.sqs, print_stack.print_queue, print_lambda.handler)
    assert _print_outcome(print_stack, "pf2")[:3] == ("rendering", 1, ["print/pf2/interior.pdf"])
    time.sleep(LEASE + 0.2)  # the failed attempt's lease runs out; the message comes back
    drain(print_stack.sqs, print_stack.print_queue, print_lambda.handler)
    job = c.jobs.get("pf2")
    assert _print_outcome(print_stack, "pf2") == ("ready", 2, ["print/pf2/interior.pdf"], 0, 0)
    assert job.result["files"] == ["print/pf2/interior.pdf"]


def _killed_after_put(stack: Any, job_id: str) -> None:
    """One delivery whose process dies between writing the print file and the job update;
    SQS brings the message back when its visibility runs out (shortened here)."""
    from pressroom.aws import _common
    from pressroom.aws import print as print_lambda
    from tests.aws_lambda import LambdaContext, receive_event

    c = _common.container()
    real = c.jobs
    c.__dict__["jobs"] = FlakyJobs(real, Killed())
    event = receive_event(stack.sqs, stack.print_queue)
    with pytest.raises(Killed):
        print_lambda.handler(event, LambdaContext())
    c.__dict__["jobs"] = real
    for record in event["Records"]:
        stack.sqs.change_message_visibility(
            QueueUrl=stack.print_queue, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
        )


def test_killed_between_print_file_and_job_update(print_stack: Any) -> None:
    from pressroom.aws import print as print_lambda
    from tests.aws_lambda import drain
    from tests.test_aws_print import book

    print_lambda.submit(book("land1", "land2"), job_id="pf3")
    _killed_after_put(print_stack, "pf3")
    assert _print_outcome(print_stack, "pf3")[:3] == ("rendering", 1, ["print/pf3/interior.pdf"])
    time.sleep(LEASE + 0.2)
    drain(print_stack.sqs, print_stack.print_queue, print_lambda.handler)
    # Taken over, rendered again onto the same key: one file, one ready job, no DLQ.
    assert _print_outcome(print_stack, "pf3") == ("ready", 2, ["print/pf3/interior.pdf"], 0, 0)


def test_print_files_of_a_job_that_finally_failed_are_removed(print_stack: Any) -> None:
    from pressroom.aws import _common, cleanup
    from pressroom.aws import print as print_lambda
    from tests.test_aws_print import book

    print_lambda.submit(book("land1"), job_id="pf4")
    _killed_after_put(print_stack, "pf4")
    jobs = _common.container().jobs
    store = _common.container().print_store
    assert cleanup.sweep_stale_jobs(jobs, LEASE, time.time() + 3600, store) == 1
    assert jobs.get("pf4").state == "failed"
    assert _print_files(print_stack) == []


class _Declared:
    """A Budget that remembers what the core declared."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, float]] = []

    def declared(self, pixels: int, cost: float = 1.0) -> None:
        self.calls.append((pixels, cost))

    def trusted(self) -> None:
        pass


@pytest.mark.parametrize(("name", "cost"), [("cat.hif", 4.0), ("jolla.jpg", 1.0)])
def test_the_budget_is_told_each_formats_decode_cost(name: str, cost: float) -> None:
    """A 12-MP HEIC takes 0.7-1.8 CPU s to normalise, a 12-MP JPEG 0.03-0.06 s: the probe
    tells the host's budget the format's cost, so a HEIC is not judged by a JPEG's clock."""
    from pressroom.ingest.pipeline import validate

    seen = _Declared()
    data = (CORPUS / "big" / name).read_bytes()
    verdict, ctx = validate(data, budget=seen)
    assert verdict.verdict == "accept"
    assert ctx.header is not None
    assert seen.calls == [(ctx.header.width * ctx.header.height, cost)]


def test_big_legitimate_images_get_a_budget_in_proportion(tmp_path: Path) -> None:
    """An 80-MP PNG needs ~480 MB to validate: over a 300 MB base budget, inside the x2.5 its
    header earns. Its CPU time is 0.5-2.2 s on this 2-core VM (faulting in 480 MB costs
    0.4-2.1 s of system time, with the host's load): a 1 s base earns it 5 s."""
    from pressroom.batch.files import budget

    assert budget(12_000_000, 2.0, 512) == (2.0, 512)
    assert budget(100_000_000, 2.0, 512) == (12.5, 1600)
    assert budget(12_000_000, 2.0, 512, cost=4.0) == (6.0, 512)  # a 12-MP HEIC: time only
    big = tmp_path / "big.png"
    big.write_bytes(pyvips.Image.black(10_000, 8_000, bands=3).pngsave_buffer(compression=1))
    r = _cli("validate", "--json", str(big),
             PRESSROOM_FILE_MEMORY_MB="300", PRESSROOM_FILE_TIMEOUT="1")  # fmt: skip
    assert json.loads(r.stdout)["verdict"] == "accept", r.stdout + r.stderr
