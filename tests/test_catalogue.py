from __future__ import annotations

import multiprocessing as mp
import pickle
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pressroom.catalogue import Catalogue, open_catalogue
from pressroom.catalogue import sqlite as sqlite_mod
from pressroom.catalogue.sqlite import SqliteCatalogue
from pressroom.config import Settings


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """A controllable clock: starts at 1000.0, advanced explicitly."""
    now = [1000.0]
    monkeypatch.setattr(sqlite_mod, "_clock", lambda: now[0])

    def advance(seconds: float = 1.0) -> None:
        now[0] += seconds

    return advance


@pytest.fixture
def cat(tmp_path: Path) -> Iterator[SqliteCatalogue]:
    c = SqliteCatalogue(tmp_path / "cat.sqlite3")
    yield c
    c.close()


def test_conforms_to_protocol(cat: SqliteCatalogue) -> None:
    c: Catalogue = cat
    assert c.get("nope") is None


def test_announce_creates_missing(cat: SqliteCatalogue) -> None:
    rec = cat.announce("a", {"filename": "a.jpg"})
    assert rec.state == "missing"
    assert rec.data == {"filename": "a.jpg"}
    assert rec.created_at == rec.updated_at > 0
    assert cat.get("a") == rec


def test_announce_twice_returns_existing_unchanged(cat: SqliteCatalogue) -> None:
    first = cat.announce("a", {"filename": "a.jpg"})
    again = cat.announce("a", {"filename": "other.jpg"})
    assert again == first


def test_complete_missing_merges_data(cat: SqliteCatalogue, clock: Callable[[float], None]) -> None:
    cat.announce("a", {"filename": "a.jpg", "size": 1})
    clock(5)
    rec, changed = cat.complete("a", "uploaded", data={"size": 2, "master": "m/a.jpg"})
    assert changed
    assert rec.state == "uploaded"
    assert rec.data == {"filename": "a.jpg", "size": 2, "master": "m/a.jpg"}
    assert rec.updated_at == rec.created_at + 5
    assert cat.get("a") == rec


def test_complete_absent_id(cat: SqliteCatalogue) -> None:
    rec, changed = cat.complete("new", "uploaded", data={"master": "m/new.jpg"})
    assert changed
    assert rec.state == "uploaded"
    assert rec.data == {"master": "m/new.jpg"}
    assert cat.get("new") == rec


@pytest.mark.parametrize("second", ["uploaded", "rejected"])
def test_second_complete_changes_nothing(cat: SqliteCatalogue, second: Any) -> None:
    first, _ = cat.complete("a", "uploaded", data={"master": "m/a.jpg"})
    again, changed = cat.complete("a", second, reason="x", message="y", data={"master": "zz"})
    assert not changed
    assert again == first
    assert cat.get("a") == first


def test_rejected_keeps_reason_and_message(cat: SqliteCatalogue) -> None:
    cat.announce("a")
    rec, changed = cat.complete("a", "rejected", reason="too_large", message="Over 50 MB.")
    assert changed
    assert (rec.state, rec.reason, rec.message) == ("rejected", "too_large", "Over 50 MB.")
    again, changed = cat.complete("a", "uploaded")
    assert not changed
    assert cat.get("a") == rec == again


def test_complete_refuses_missing_state(cat: SqliteCatalogue) -> None:
    with pytest.raises(ValueError):
        cat.complete("a", "missing")
    assert cat.get("a") is None


def test_announce_after_uploaded_keeps_uploaded(cat: SqliteCatalogue) -> None:
    done, _ = cat.complete("a", "uploaded", data={"master": "m/a.jpg"})
    assert cat.announce("a", {"filename": "a.jpg"}) == done
    assert cat.get("a") == done


def test_update_data_merges(cat: SqliteCatalogue, clock: Callable[[float], None]) -> None:
    cat.complete("a", "uploaded", data={"master": "m/a.jpg", "tags": ["old"]})
    clock(3)
    rec = cat.update_data("a", {"tags": ["sky", "sea"], "faces": 2})
    assert rec.data == {"master": "m/a.jpg", "tags": ["sky", "sea"], "faces": 2}
    assert rec.state == "uploaded"
    assert rec.updated_at == rec.created_at + 3
    assert cat.get("a") == rec


def test_update_data_absent_raises(cat: SqliteCatalogue) -> None:
    with pytest.raises(KeyError):
        cat.update_data("nope", {"x": 1})


def test_list_filters_and_orders(cat: SqliteCatalogue, clock: Callable[[float], None]) -> None:
    cat.announce("m1")
    clock(1)
    cat.complete("u1", "uploaded")
    clock(1)
    cat.complete("r1", "rejected", reason="corrupt", message="Not an image.")
    clock(1)
    cat.complete("r2", "rejected", reason="too_large", message="Too large.")
    clock(1)
    cat.complete("u2", "uploaded")
    clock(1)
    cat.complete("r3", "rejected", reason="corrupt", message="Not an image.")

    assert [r.id for r in cat.list()] == ["r3", "u2", "r2", "r1", "u1", "m1"]
    assert [r.id for r in cat.list(state="uploaded")] == ["u2", "u1"]
    assert [r.id for r in cat.list(state="rejected")] == ["r3", "r2", "r1"]
    assert [r.id for r in cat.list(reason="corrupt")] == ["r3", "r1"]
    assert [r.id for r in cat.list(state="rejected", reason="too_large")] == ["r2"]
    assert [r.id for r in cat.list(state="missing")] == ["m1"]
    assert [r.id for r in cat.list(limit=2)] == ["r3", "u2"]


def test_list_ties_broken_by_id(cat: SqliteCatalogue, clock: Callable[[float], None]) -> None:
    for i in ("c", "a", "b"):
        cat.announce(i)
    assert [r.id for r in cat.list()] == ["a", "b", "c"]


def test_delete_idempotent(cat: SqliteCatalogue) -> None:
    cat.complete("a", "uploaded")
    cat.delete("a")
    assert cat.get("a") is None
    cat.delete("a")
    cat.delete("never")
    rec, changed = cat.complete("a", "rejected", reason="r")
    assert changed and rec.state == "rejected"


def test_count_by_state(cat: SqliteCatalogue) -> None:
    assert cat.count_by_state() == {"missing": 0, "uploaded": 0, "rejected": 0}
    cat.announce("m1")
    cat.announce("m2")
    cat.complete("u1", "uploaded")
    assert cat.count_by_state() == {"missing": 2, "uploaded": 1, "rejected": 0}


def test_list_missing_older_than(cat: SqliteCatalogue, clock: Callable[[float], None]) -> None:
    cat.announce("old")
    cat.announce("done")
    clock(100)
    cat.announce("young")
    cat.complete("done", "uploaded")
    clock(50)
    assert [r.id for r in cat.list_missing_older_than(120)] == ["old"]
    assert [r.id for r in cat.list_missing_older_than(10)] == ["old", "young"]
    assert cat.list_missing_older_than(1000) == []


def test_delete_if_missing(cat: SqliteCatalogue, clock: Callable[[float], None]) -> None:
    cat.announce("old")
    cat.announce("done")
    clock(100)
    cat.announce("young")
    cutoff = 1000.0 + 50
    stale = [r.id for r in cat.list_missing_older_than(50)]
    assert stale == ["done", "old"]
    cat.complete("done", "uploaded")  # an upload lands between the listing and the delete
    assert cat.delete_if_missing("old", cutoff) is True
    assert cat.delete_if_missing("done", cutoff) is False
    assert cat.delete_if_missing("young", cutoff) is False
    assert cat.delete_if_missing("never", cutoff) is False
    assert cat.get("old") is None
    assert cat.get("done") is not None and cat.get("young") is not None


def test_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "cat.sqlite3"
    first = SqliteCatalogue(path)
    rec, _ = first.complete("a", "rejected", reason="corrupt", message="Bad.", data={"k": [1]})
    first.close()
    second = SqliteCatalogue(path)
    assert second.get("a") == rec
    second.close()


def test_pickles_without_connection(cat: SqliteCatalogue) -> None:
    rec = cat.announce("a")
    clone = pickle.loads(pickle.dumps(cat))
    assert clone.get("a") == rec
    clone.close()


def test_memory_database() -> None:
    c = SqliteCatalogue(":memory:")
    c.announce("a")
    assert c.count_by_state()["missing"] == 1
    c.close()


def test_open_catalogue_creates_folder(tmp_path: Path) -> None:
    data_dir = tmp_path / "deep" / "data"
    c = open_catalogue(Settings(data_dir=data_dir))
    assert isinstance(c, SqliteCatalogue)
    c.announce("a")
    assert (data_dir / "catalogue.sqlite3").is_file()
    c.close()


def test_open_catalogue_unknown_backend(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        open_catalogue(Settings(data_dir=tmp_path, catalogue="postgres://photos"))


N_IDS = 50


def _race(cat: SqliteCatalogue, worker: int, start: Any, results: Any) -> None:
    cat.get("warm-up")  # open the connection before the start line, not after it
    state = "uploaded" if worker == 0 else "rejected"
    out = []
    try:
        for i in range(N_IDS):
            # A start line per id: otherwise whichever process is a step ahead wins every id
            # and the two never contend for the same record at the same moment.
            start.wait()
            rec, changed = cat.complete(
                f"p{i}", state, reason=f"w{worker}", data={"worker": worker}
            )
            out.append((rec.id, changed, rec.state, rec.data["worker"]))
    except BaseException:
        start.abort()  # release the other worker instead of leaving it at the barrier
        raise
    results.put((worker, out))


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_processes_race_complete(tmp_path: Path, method: str) -> None:
    if method not in mp.get_all_start_methods():
        pytest.fail(f"the {method!r} start method is missing: these tests need Linux")
    ctx = mp.get_context(method)
    cat = SqliteCatalogue(tmp_path / "cat.sqlite3")
    # Connect in the parent first, so forked children must notice and reconnect.
    cat.announce("p0", {"announced": True})

    start = ctx.Barrier(2, timeout=30)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_race, args=(cat, w, start, results), daemon=True) for w in range(2)
    ]
    for p in procs:
        p.start()
    collected: dict[int, list[tuple[str, bool, str, int]]] = {}
    try:
        # Drain before join (a child blocks on exit until its queued data is consumed), and
        # stop waiting as soon as every child has exited.
        deadline = time.monotonic() + 60
        while len(collected) < len(procs) and time.monotonic() < deadline:
            try:
                worker, out = results.get(timeout=0.2)
                collected[worker] = out
            except queue.Empty:
                if not any(p.is_alive() for p in procs) and results.empty():
                    break
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join()
    assert [p.exitcode for p in procs] == [0, 0]
    assert sorted(collected) == [0, 1]

    counts = cat.count_by_state()
    assert counts["missing"] == 0
    assert counts["uploaded"] + counts["rejected"] == N_IDS
    records = {r.id: r for r in cat.list(limit=10 * N_IDS)}
    assert sorted(records) == sorted(f"p{i}" for i in range(N_IDS))
    for i in range(N_IDS):
        pid = f"p{i}"
        seen = [collected[w][i] for w in range(2)]
        assert all(s[0] == pid for s in seen)
        assert sum(s[1] for s in seen) == 1, seen
        winner = next(w for w in range(2) if collected[w][i][1])
        rec = records[pid]
        assert rec.state == ("uploaded" if winner == 0 else "rejected")
        assert rec.reason == f"w{winner}"
        assert rec.data["worker"] == winner
        # Both workers saw the same final record, whoever won.
        assert all(s[2:] == (rec.state, winner) for s in seen)
    assert records["p0"].data["announced"] is True
    cat.close()


def _count_missing(cat: SqliteCatalogue, results: Any) -> None:
    results.put(cat.count_by_state()["missing"])


def test_fork_while_another_thread_uses_catalogue(tmp_path: Path) -> None:
    if "fork" not in mp.get_all_start_methods():
        pytest.fail("the 'fork' start method is missing: these tests need Linux")
    cat = SqliteCatalogue(tmp_path / "cat.sqlite3")
    cat.announce("a")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with cat._lock:
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(target=_count_missing, args=(cat, results), daemon=True)
    child.start()
    try:
        assert results.get(timeout=30) == 1
    finally:
        release.set()
        holder.join()
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0
    cat.close()


def test_fresh_file_opened_by_many_processes_at_once(tmp_path: Path) -> None:
    """A new pool's workers open one brand-new file together: every write lands once.

    (A "database is locked" on first open was seen once in `make demo` and not reproduced
    here since; retry_locked guards the WAL switch and schema creation.)
    """
    import multiprocessing

    path = tmp_path / "fresh.sqlite3"
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(6) as pool:
        results = pool.map(_open_and_complete, [(str(path), f"p{i}") for i in range(24)])
    assert sorted(results) == sorted(f"p{i}" for i in range(24))
    assert len(list(SqliteCatalogue(path).list())) == 24


def _open_and_complete(args: tuple[str, str]) -> str:
    path, photo_id = args
    record, changed = SqliteCatalogue(path).complete(photo_id, "uploaded", data={"n": 1})
    assert changed
    return record.id
