"""The catalogue in one SQLite file, shared safely by several processes on one machine."""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pressroom.catalogue.base import STATES, PhotoRecord, State, require_final

# A module attribute so tests can step time deterministically.
_clock = time.time

# Long enough to outlast a burst of pool workers all committing at once.
BUSY_TIMEOUT_MS = 30_000

_STATE_LIST = ", ".join(f"'{s}'" for s in STATES)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS photos (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ({_STATE_LIST})),
    reason TEXT,
    message TEXT,
    data TEXT NOT NULL,
    created_at REAL,
    updated_at REAL
);
CREATE INDEX IF NOT EXISTS photos_state_updated ON photos (state, updated_at);
"""
_COLUMNS = "id, state, reason, message, data, created_at, updated_at"

# The WHERE on DO UPDATE is what makes final records immutable: a losing writer's upsert
# affects zero rows, which is how it learns it lost.
_UPSERT_FINAL = """
INSERT INTO photos (id, state, reason, message, data, created_at, updated_at)
VALUES (:id, :state, :reason, :message, :data, :now, :now)
ON CONFLICT (id) DO UPDATE SET
    state = excluded.state,
    reason = excluded.reason,
    message = excluded.message,
    data = excluded.data,
    updated_at = excluded.updated_at
WHERE photos.state = 'missing'
"""


_instances: weakref.WeakSet[SqliteCatalogue] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # A lock held by another parent thread at fork time would stay held forever in the child.
    for catalogue in _instances:
        catalogue._lock = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _record(row: tuple[Any, ...]) -> PhotoRecord:
    id_, state, reason, message, data, created_at, updated_at = row
    return PhotoRecord(
        id=id_,
        state=state,
        reason=reason,
        message=message,
        data=json.loads(data),
        created_at=created_at,
        updated_at=updated_at,
    )


T = TypeVar("T")


def retry_locked(fn: Callable[[], T], seconds: float = BUSY_TIMEOUT_MS / 1000) -> T:
    """Run fn, retrying while SQLite says "database is locked".

    Switching a new file to WAL (or recovering a WAL after a crash) can answer SQLITE_BUSY
    at once, without the busy handler, when several processes open it together, as a fresh
    worker pool does on its first run.
    """
    deadline = time.monotonic() + seconds
    delay = 0.01
    while True:
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


class SqliteCatalogue:
    """`Catalogue` over SQLite in WAL mode.

    The object is cheap and picklable: the connection is opened lazily in whichever process
    uses it, so it can be handed to a process pool (fork or spawn).
    """

    def __init__(self, path: Path | str) -> None:
        self._setup(str(path))

    def _setup(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid: int | None = None
        self._lock = threading.RLock()
        # Connections inherited across fork; kept referenced so they are never closed in the
        # child, where closing could disturb the parent's locks and WAL.
        self._inherited: builtins.list[sqlite3.Connection] = []
        _instances.add(self)

    def __repr__(self) -> str:
        return f"SqliteCatalogue({self.path!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._setup(state["path"])

    def _connection(self) -> sqlite3.Connection:
        pid = os.getpid()
        if self._conn is not None and self._pid == pid:
            return self._conn
        if self._conn is not None:
            self._inherited.append(self._conn)
        # isolation_level=None: we issue BEGIN ourselves, so reads never sit in an open
        # transaction and writes always take the lock up front (BEGIN IMMEDIATE).
        conn = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

        def setup() -> None:
            conn.execute("PRAGMA journal_mode = WAL")
            # In WAL, NORMAL survives application crashes; a power cut can lose the last commit.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_SCHEMA)

        retry_locked(setup)
        self._conn, self._pid = conn, pid
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            # IMMEDIATE takes the write lock before the first read, so read-then-write is atomic
            # across processes and never fails with a stale snapshot.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _read(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> builtins.list[Any]:
        with self._lock:
            return self._connection().execute(sql, params).fetchall()

    @staticmethod
    def _fetch(conn: sqlite3.Connection, photo_id: str) -> PhotoRecord | None:
        row = conn.execute(f"SELECT {_COLUMNS} FROM photos WHERE id = ?", (photo_id,)).fetchone()
        return _record(row) if row else None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = self._pid = None

    def announce(self, photo_id: str, data: dict[str, Any] | None = None) -> PhotoRecord:
        now = _clock()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO photos (id, state, data, created_at, updated_at)"
                " VALUES (?, 'missing', ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                (photo_id, json.dumps(data or {}), now, now),
            )
            record = self._fetch(conn, photo_id)
        assert record is not None
        return record

    def complete(
        self,
        photo_id: str,
        state: State,
        *,
        reason: str | None = None,
        message: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> tuple[PhotoRecord, bool]:
        require_final(state)
        now = _clock()
        with self._write() as conn:
            current = self._fetch(conn, photo_id)
            if current is not None and current.state != "missing":
                return current, False
            # Python dict semantics for the merge (JSON null is a value, nested dicts replaced);
            # safe to compute here because BEGIN IMMEDIATE holds the write lock.
            merged = {**(current.data if current else {}), **(data or {})}
            cur = conn.execute(
                _UPSERT_FINAL,
                {
                    "id": photo_id,
                    "state": state,
                    "reason": reason,
                    "message": message,
                    "data": json.dumps(merged),
                    "now": now,
                },
            )
            changed = cur.rowcount == 1
            record = self._fetch(conn, photo_id)
        assert record is not None
        return record, changed

    def get(self, photo_id: str) -> PhotoRecord | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM photos WHERE id = ?", (photo_id,))
        return _record(rows[0]) if rows else None

    def update_data(self, photo_id: str, data: dict[str, Any]) -> PhotoRecord:
        with self._write() as conn:
            current = self._fetch(conn, photo_id)
            if current is None:
                raise KeyError(photo_id)
            current.data.update(data)
            current.updated_at = _clock()
            conn.execute(
                "UPDATE photos SET data = ?, updated_at = ? WHERE id = ?",
                (json.dumps(current.data), current.updated_at, photo_id),
            )
        return current

    def list(
        self, state: State | None = None, reason: str | None = None, limit: int = 1000
    ) -> Iterator[PhotoRecord]:
        where: list[str] = []
        params: list[str] = []
        if state is not None:
            where.append("state = ?")
            params.append(state)
        if reason is not None:
            where.append("reason = ?")
            params.append(reason)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        # Fetched eagerly so no read transaction stays open while the caller iterates.
        rows = self._read(
            f"SELECT {_COLUMNS} FROM photos {clause} ORDER BY updated_at DESC, id LIMIT ?",
            (*params, limit),
        )
        return iter([_record(r) for r in rows])

    def delete(self, photo_id: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM photos WHERE id = ?", (photo_id,))

    def count_by_state(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATES, 0)
        counts.update(self._read("SELECT state, COUNT(*) FROM photos GROUP BY state"))
        return counts

    def list_missing_older_than(self, seconds: float) -> builtins.list[PhotoRecord]:
        """Announced but never completed, last touched more than `seconds` ago; oldest first."""
        rows = self._read(
            f"SELECT {_COLUMNS} FROM photos WHERE state = 'missing' AND updated_at < ?"
            " ORDER BY updated_at, id",
            (_clock() - seconds,),
        )
        return [_record(r) for r in rows]

    def delete_if_missing(self, photo_id: str, older_than: float) -> bool:
        """Delete a record still `missing` and untouched since `older_than` (epoch seconds).

        Conditional, so an upload completing while the cleanup runs is never deleted.
        """
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM photos WHERE id = ? AND state = 'missing' AND updated_at < ?",
                (photo_id, older_than),
            )
            return cur.rowcount == 1
