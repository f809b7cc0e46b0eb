"""Print jobs in the catalogue's SQLite file (table print_jobs): the local `JobStore`.

Each transition is one UPDATE whose WHERE is the transition's precondition, the same
conditions the DynamoDB backend writes as ConditionExpressions; rowcount tells who won.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from pressroom.catalogue.sqlite import retry_locked
from pressroom.printjobs.model import JobState, PrintJob

_clock = time.time
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS print_jobs (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('queued', 'rendering', 'ready', 'failed')),
    book TEXT NOT NULL,
    reason TEXT,
    message TEXT,
    result TEXT NOT NULL DEFAULT '{}',
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until REAL NOT NULL DEFAULT 0,
    correlation_id TEXT,
    created_at REAL,
    updated_at REAL
);
CREATE INDEX IF NOT EXISTS print_jobs_state_updated ON print_jobs (state, updated_at);
"""
_COLUMNS = (
    "id, state, book, reason, message, result, attempts, lease_until, correlation_id,"
    " created_at, updated_at"
)


def _job(row: tuple[Any, ...]) -> PrintJob:
    id_, state, book, reason, message, result, attempts, lease, cid, created, updated = row
    return PrintJob(
        id=id_,
        state=state,
        book=json.loads(book),
        reason=reason,
        message=message,
        result=json.loads(result),
        attempts=attempts,
        lease_until=lease,
        correlation_id=cid,
        created_at=created,
        updated_at=updated,
    )


class SqliteJobs:
    """`JobStore` over SQLite. Opens a short connection per call: jobs are few and slow."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._ready = False

    def __repr__(self) -> str:
        return f"SqliteJobs({self.path!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        if not self._ready:
            with self._lock:
                retry_locked(
                    lambda: (conn.execute("PRAGMA journal_mode = WAL"), conn.executescript(_SCHEMA))
                )
                self._ready = True
        return conn

    def _get(self, conn: sqlite3.Connection, job_id: str) -> PrintJob | None:
        row = conn.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def _transition(self, job_id: str, sql: str, params: dict[str, Any]) -> tuple[PrintJob, bool]:
        with closing(self._connect()) as conn:
            changed = conn.execute(sql, {**params, "id": job_id, "now": _clock()}).rowcount == 1
            job = self._get(conn, job_id)
        if job is None:
            raise KeyError(job_id)
        return job, changed

    def create(
        self, job_id: str, book: dict[str, Any], correlation_id: str | None = None
    ) -> tuple[PrintJob, bool]:
        now = _clock()
        with closing(self._connect()) as conn:
            created = (
                conn.execute(
                    "INSERT INTO print_jobs (id, state, book, correlation_id, created_at,"
                    " updated_at) VALUES (?, 'queued', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (job_id, json.dumps(book), correlation_id, now, now),
                ).rowcount
                == 1
            )
            job = self._get(conn, job_id)
        assert job is not None
        return job, created

    def get(self, job_id: str) -> PrintJob | None:
        with closing(self._connect()) as conn:
            return self._get(conn, job_id)

    def start(self, job_id: str, lease_seconds: float) -> tuple[PrintJob | None, bool]:
        if self.get(job_id) is None:
            return None, False
        return self._transition(
            job_id,
            "UPDATE print_jobs SET state = 'rendering', attempts = attempts + 1,"
            " lease_until = :now + :lease, updated_at = :now WHERE id = :id AND"
            " (state = 'queued' OR (state = 'rendering' AND lease_until < :now))",
            {"lease": lease_seconds},
        )

    def finish(self, job_id: str, attempt: int, result: dict[str, Any]) -> tuple[PrintJob, bool]:
        return self._transition(
            job_id,
            "UPDATE print_jobs SET state = 'ready', result = :result, reason = NULL,"
            " message = NULL, updated_at = :now"
            " WHERE id = :id AND state = 'rendering' AND attempts = :attempt",
            {"attempt": attempt, "result": json.dumps(result)},
        )

    def requeue(
        self, job_id: str, attempt: int, reason: str, message: str
    ) -> tuple[PrintJob, bool]:
        return self._transition(
            job_id,
            "UPDATE print_jobs SET state = 'queued', reason = :reason, message = :message,"
            " updated_at = :now WHERE id = :id AND state = 'rendering' AND attempts = :attempt",
            {"attempt": attempt, "reason": reason, "message": message},
        )

    def fail(self, job_id: str, reason: str, message: str) -> tuple[PrintJob, bool]:
        return self._transition(
            job_id,
            "UPDATE print_jobs SET state = 'failed', reason = :reason, message = :message,"
            " updated_at = :now WHERE id = :id AND state IN ('queued', 'rendering')",
            {"reason": reason, "message": message},
        )

    def list(self, state: JobState | None = None, limit: int = 1000) -> Iterator[PrintJob]:
        where, params = ("WHERE state = ?", (state,)) if state else ("", ())
        with closing(self._connect()) as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM print_jobs {where} ORDER BY updated_at DESC, id LIMIT ?",
                (*params, limit),
            ).fetchall()
        return iter([_job(r) for r in rows])

    def list_stale(self, before: float) -> builtins.list[PrintJob]:
        """`rendering` jobs whose lease ran out before `before`: their worker died."""
        with closing(self._connect()) as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM print_jobs WHERE state = 'rendering'"
                " AND lease_until < ? ORDER BY updated_at",
                (before,),
            ).fetchall()
        return [_job(r) for r in rows]
