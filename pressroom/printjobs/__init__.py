"""Print jobs: one book to render into print files, with a small state machine.

    queued -> rendering -> ready
       \\          |  \\
        \\         v   -> queued   (a failed attempt that will be retried)
         -----> failed            (with a stable reason)

`rendering` holds a lease: a worker that died mid-render (Lambda timeout, OOM) leaves the job
`rendering` with an expired lease, and the next delivery of the same message takes it over.
Each start counts an attempt; finish/requeue name the attempt they belong to, so a zombie
worker whose lease was taken over cannot overwrite its successor's outcome. `ready` and
`failed` are final: replayed messages change nothing.

Backends: `pressroom.catalogue.sqlite_jobs.SqliteJobs` (local) and
`pressroom.catalogue.dynamodb.DynamoJobs` (AWS); `open_jobs(settings)` picks one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pressroom.reasons import PrintRejected as PrintRejected
from pressroom.reasons import codes

if TYPE_CHECKING:
    from pressroom.config import Settings
    from pressroom.storage.base import BlobStore

JobState = Literal["queued", "rendering", "ready", "failed"]
JOB_STATES: tuple[JobState, ...] = ("queued", "rendering", "ready", "failed")
FINAL_JOB_STATES: tuple[JobState, ...] = ("ready", "failed")

# Why a job failed: codes and words in the one registry (pressroom/reasons.toml, "print").
JOB_REASONS: dict[str, str] = {code: r.public for code, r in codes("print").items()}


@dataclass
class PrintJob:
    id: str
    state: JobState
    book: dict[str, Any] = field(default_factory=dict)  # what to render (the renderer's input)
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
    """A renderer's output: print files by name ("interior.pdf", "cover.pdf", ...)."""

    files: dict[str, bytes]
    pages: int


class BookRenderer(Protocol):
    """Render a job's book from the masters in `store`.

    Raise PrintRejected for books that can never render; any other exception is treated as
    transient and the job is retried (up to the queue's maxReceiveCount).
    """

    def __call__(self, book: dict[str, Any], store: BlobStore) -> RenderedBook: ...


class JobStore(Protocol):
    def create(
        self, job_id: str, book: dict[str, Any], correlation_id: str | None = None
    ) -> tuple[PrintJob, bool]:
        """A new `queued` job; an existing job is returned unchanged with created=False."""

    def get(self, job_id: str) -> PrintJob | None: ...

    def start(self, job_id: str, lease_seconds: float) -> tuple[PrintJob, bool]:
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


def open_jobs(settings: Settings) -> JobStore:
    """The job store beside the settings' catalogue: SQLite file or DynamoDB tables."""
    if settings.catalogue == "sqlite":
        from pressroom.catalogue.sqlite_jobs import SqliteJobs

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteJobs(settings.data_dir / "catalogue.sqlite3")
    if settings.catalogue.startswith("dynamodb://"):
        from pressroom.catalogue.dynamodb import DynamoJobs, table_prefix

        return DynamoJobs(table_prefix(settings.catalogue), endpoint_url=settings.aws_endpoint)
    raise ValueError(f"unsupported catalogue backend: {settings.catalogue!r}")
