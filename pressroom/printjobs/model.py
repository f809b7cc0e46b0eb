"""The print job's types: states, the record, and the two ports (JobStore, BookRenderer).

A job's id is the order id, and its stored payload (`PrintJob.book`, the column's historic
name) is the customer's design document (pressroom.designs, version 1): the same record
locally (SQLite) and on AWS (DynamoDB), whoever submitted it.

A leaf module (nothing of pressroom's at run time), so the backends that implement JobStore
(catalogue.sqlite_jobs, catalogue.dynamodb.jobs) import it without importing `open_jobs`,
which imports them.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from pressroom.catalogue.base import Catalogue
    from pressroom.storage.base import BlobStore

JobState = Literal["queued", "rendering", "ready", "failed"]
JOB_STATES: tuple[JobState, ...] = ("queued", "rendering", "ready", "failed")
FINAL_JOB_STATES: tuple[JobState, ...] = ("ready", "failed")


@dataclass
class PrintJob:
    id: str
    state: JobState
    book: dict[str, Any] = field(default_factory=dict)  # the design document to render
    reason: str | None = None  # stable code when failed (or of the last failed attempt)
    message: str | None = None
    result: dict[str, Any] = field(default_factory=dict)  # files, pages, seconds when ready
    attempts: int = 0  # starts so far; also the token of the current attempt
    lease_until: float = 0.0  # `rendering` belongs to attempt `attempts` until then
    correlation_id: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass
class RenderedBook:
    """A renderer's output: print files by name ("interior.pdf", "cover.pdf", ...), and what
    the book store keeps to show the job's book: the layout (Book.to_dict()), page previews
    (JPEG by page name), preflight reports and the design's check findings."""

    files: dict[str, bytes]
    pages: int
    layout: dict[str, Any] = field(default_factory=dict)
    previews: dict[str, bytes] = field(default_factory=dict)
    preflight: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: dict[str, Any] = field(default_factory=dict)


class BookRenderer(Protocol):
    """Render a job's design from the photos' records in `catalogue` and their masters in
    `store`.

    Raise PrintRejected for designs that can never render; any other exception is treated as
    transient and the job is retried (up to the queue's maxReceiveCount).
    """

    def __call__(
        self, design: dict[str, Any], store: BlobStore, catalogue: Catalogue
    ) -> RenderedBook: ...


class JobStore(Protocol):
    """Every backend implements all of it (SqliteJobs, DynamoJobs): callers never probe."""

    def create(
        self, job_id: str, book: dict[str, Any], correlation_id: str | None = None
    ) -> tuple[PrintJob, bool]:
        """A new `queued` job; an existing job is returned unchanged with created=False."""

    def get(self, job_id: str) -> PrintJob | None: ...

    def start(self, job_id: str, lease_seconds: float) -> tuple[PrintJob | None, bool]:
        """`queued` (or `rendering` with an expired lease) -> `rendering`, attempts + 1.

        Returns (job, started). started=False: final, leased by a live attempt, or absent
        (then the job is None).
        """

    def finish(self, job_id: str, attempt: int, result: dict[str, Any]) -> tuple[PrintJob, bool]:
        """`rendering` by `attempt` -> `ready`."""

    def requeue(
        self, job_id: str, attempt: int, reason: str, message: str
    ) -> tuple[PrintJob, bool]:
        """`rendering` by `attempt` -> `queued`, remembering why the attempt failed."""

    def fail(self, job_id: str, reason: str, message: str) -> tuple[PrintJob, bool]:
        """`queued` or `rendering` -> `failed`. A final job is returned as it is."""

    def list(self, state: JobState | None = None, limit: int = 1000) -> Iterator[PrintJob]:
        """Newest first."""

    def list_stale(self, before: float) -> builtins.list[PrintJob]:
        """`rendering` jobs whose lease ran out before `before`: their worker died."""
