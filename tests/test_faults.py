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

from pressroom.batch import Failure, WorkerFailed, run_batch
from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor, master_key, proxy_key
from pressroom.storage import open_store

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
    # Over memory: refused as too many pixels (libvips/libheif fail their allocation).
    r = _cli("validate", "--json", str(corpus / "big/HMD_Nokia_8.3_5G.jpg"),
             str(corpus / "valid/png/basn2c08.png"), PRESSROOM_FILE_MEMORY_MB="1")
    rows = {Path(o["path"]).name: o for o in map(json.loads, r.stdout.splitlines())}
    assert "Traceback" not in r.stderr and rows["basn2c08.png"]["verdict"] == "accept"
    assert rows["HMD_Nokia_8.3_5G.jpg"]["reason"] == "too_many_pixels"


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

    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        self.calls += 1
        if self.calls in self.fail:
            raise OSError(f"injected: put {key} failed")
        self.inner.put(key, data, content_type)

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


@pytest.mark.xfail(
    strict=True,
    reason="LocalStore leaves its .tmp-* file when killed between write and rename; "
    "keys() hides it and a retry succeeds, but nothing ever removes it (report: storage)",
)
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
