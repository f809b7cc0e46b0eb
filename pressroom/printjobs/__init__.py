"""Print jobs: one book to render into print files, with a small state machine.

    queued -> rendering -> ready
       \\          |  \\
        \\         v   -> queued   (a failed attempt that will be retried)
         -----> failed            (with a stable reason)

`rendering` holds a lease: a worker that died mid-render (Lambda timeout, OOM) leaves the job
`rendering` with an expired lease, and the next delivery of the same message takes it over.
Each start counts an attempt; finish/requeue name the attempt they belong to, so a zombie
worker whose lease was taken over cannot overwrite its successor's outcome. `ready` and
`failed` are final: replayed messages change nothing. Why a job failed is a reason of the
"print" domain in pressroom/reasons.toml (PrintRejected carries one; `reasons.public("print",
code)` is its public message).

The types and ports are in printjobs/model.py; the backends, `pressroom.catalogue.sqlite_jobs.
SqliteJobs` (local) and `pressroom.catalogue.dynamodb.DynamoJobs` (AWS), import that alone;
`open_jobs(settings)` here picks one. Rendering a job is a use case: pressroom.books.printjob.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pressroom.printjobs.model import (
    FINAL_JOB_STATES,
    JOB_STATES,
    BookRenderer,
    JobState,
    JobStore,
    PrintJob,
    RenderedBook,
)
from pressroom.reasons import PrintRejected

if TYPE_CHECKING:
    from pressroom.config import Settings

__all__ = [
    "FINAL_JOB_STATES",
    "JOB_STATES",
    "BookRenderer",
    "JobState",
    "JobStore",
    "PrintJob",
    "PrintRejected",
    "RenderedBook",
    "open_jobs",
]

def open_jobs(settings: Settings) -> JobStore:
    """The job store beside the settings' catalogue: SQLite file or DynamoDB tables."""
    # Backends are imported here so one backend's dependencies never load for another.
    if settings.catalogue == "sqlite":
        from pressroom.catalogue.sqlite_jobs import SqliteJobs

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteJobs(settings.data_dir / "catalogue.sqlite3")
    if settings.catalogue.startswith("dynamodb://"):
        from pressroom.catalogue.dynamodb.jobs import DynamoJobs
        from pressroom.catalogue.dynamodb.table import table_prefix

        return DynamoJobs(table_prefix(settings.catalogue), endpoint_url=settings.aws_endpoint)
    raise ValueError(f"unsupported catalogue backend: {settings.catalogue!r}")
