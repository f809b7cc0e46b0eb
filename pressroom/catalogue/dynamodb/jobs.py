"""Print jobs in DynamoDB: the `<prefix>-print-jobs` table (see dynamodb/__init__.py)."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from pressroom.catalogue.dynamodb.table import DAY, TTL_ATTRIBUTE, Table, clock, newest_first
from pressroom.printjobs.model import JOB_STATES, JobState, PrintJob


def _job(item: dict[str, Any]) -> PrintJob:
    return PrintJob(
        id=item["id"],
        state=item["state"],
        book=item.get("book", {}),
        reason=item.get("reason"),
        message=item.get("message"),
        result=item.get("result", {}),
        attempts=item.get("attempts", 0),
        lease_until=item.get("lease_until", 0.0),
        correlation_id=item.get("correlation_id"),
        created_at=item.get("created_at", 0.0),
        updated_at=item.get("updated_at", 0.0),
    )


class DynamoJobs:
    """`JobStore` over the `<prefix>-print-jobs` table: every transition one UpdateItem."""

    def __init__(
        self,
        prefix: str,
        client: Any = None,
        endpoint_url: str | None = None,
        final_ttl: float = 90 * DAY,
    ) -> None:
        self.table = Table(f"{prefix}-print-jobs", client, endpoint_url)
        self.final_ttl = final_ttl  # ready/failed job records expire after this

    def __repr__(self) -> str:
        return f"DynamoJobs({self.table.name!r})"

    def _transition(
        self, job_id: str, expression: str, condition: str, params: dict[str, Any]
    ) -> tuple[PrintJob | None, bool]:
        names = {"#state": "state", "#u": "updated_at"}
        for name in ("attempts", "lease_until", "reason", "message", "result", TTL_ATTRIBUTE):
            if f"#{name}" in expression or f"#{name}" in condition:
                names[f"#{name}"] = name
        item = self.table.update(job_id, expression, condition, names, {**params, ":now": clock()})
        if item is not None:
            return _job(item), True
        current = self.table.get(job_id)
        return (_job(current) if current else None), False

    def create(
        self, job_id: str, book: dict[str, Any], correlation_id: str | None = None
    ) -> tuple[PrintJob, bool]:
        now = clock()
        values = {
            "id": job_id,
            "state": "queued",
            "book": book,
            "attempts": 0,
            "correlation_id": correlation_id,
            "created_at": now,
            "updated_at": now,
        }
        if self.table.put(values, "attribute_not_exists(#id)", {"#id": "id"}, {}):
            return _job(values), True
        existing = self.get(job_id)
        assert existing is not None
        return existing, False

    def get(self, job_id: str) -> PrintJob | None:
        item = self.table.get(job_id)
        return _job(item) if item else None

    def start(self, job_id: str, lease_seconds: float) -> tuple[PrintJob | None, bool]:
        started = clock()
        return self._transition(
            job_id,
            "SET #state = :rendering, #attempts = #attempts + :one,"
            " #lease_until = :lease, #u = :now",
            "#state = :queued OR (#state = :rendering AND #lease_until < :now)",
            {
                ":rendering": "rendering",
                ":queued": "queued",
                ":one": 1,
                ":lease": started + lease_seconds,
            },
        )

    def finish(self, job_id: str, attempt: int, result: dict[str, Any]) -> tuple[PrintJob, bool]:
        job, changed = self._transition(
            job_id,
            "SET #state = :ready, #result = :result, #u = :now, #expires_at = :expires"
            " REMOVE #reason, #message",
            "#state = :rendering AND #attempts = :attempt",
            {
                ":ready": "ready",
                ":rendering": "rendering",
                ":attempt": attempt,
                ":result": result,
                ":expires": int(clock() + self.final_ttl),
            },
        )
        return self._found(job_id, job), changed

    def requeue(
        self, job_id: str, attempt: int, reason: str, message: str
    ) -> tuple[PrintJob, bool]:
        job, changed = self._transition(
            job_id,
            "SET #state = :queued, #reason = :reason, #message = :message, #u = :now",
            "#state = :rendering AND #attempts = :attempt",
            {
                ":queued": "queued",
                ":rendering": "rendering",
                ":attempt": attempt,
                ":reason": reason,
                ":message": message,
            },
        )
        return self._found(job_id, job), changed

    def fail(self, job_id: str, reason: str, message: str) -> tuple[PrintJob, bool]:
        job, changed = self._transition(
            job_id,
            "SET #state = :failed, #reason = :reason, #message = :message, #u = :now,"
            " #expires_at = :expires",
            "#state IN (:queued, :rendering)",
            {
                ":failed": "failed",
                ":queued": "queued",
                ":rendering": "rendering",
                ":reason": reason,
                ":message": message,
                ":expires": int(clock() + self.final_ttl),
            },
        )
        return self._found(job_id, job), changed

    @staticmethod
    def _found(job_id: str, job: PrintJob | None) -> PrintJob:
        if job is None:
            raise KeyError(job_id)
        return job

    def list(self, state: JobState | None = None, limit: int = 1000) -> Iterator[PrintJob]:
        states = JOB_STATES if state is None else (state,)
        streams = [map(_job, self.table.query_state(s)) for s in states]  # type: ignore[arg-type]
        return iter(newest_first(streams, limit))

    def list_stale(self, before: float) -> builtins.list[PrintJob]:
        """`rendering` jobs whose lease ran out before `before`: their worker died."""
        items = self.table.query_state("rendering", newest_first=False)
        return [j for j in map(_job, items) if j.lease_until < before]  # type: ignore[arg-type]
