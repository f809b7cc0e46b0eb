"""Render a print job: one delivery of a job's message, from `queued` to `ready` or `failed`.

`render_print_files` is the production BookRenderer: a job's book (products.book.Book as a
dict) -> print PDFs. It runs `pressroom.render.print.render_book` into a temporary folder
(Lambda: /tmp, sized by the function's ephemeral storage) and returns the files' bytes:
`interior.pdf` and, for books with a cover, `cover.pdf`. Pages render one at a time in this
process (workers=1): Lambda has no /dev/shm, so process pools cannot start there.

`run_print_job` is the state machine's walk for one delivery (printjobs explains the states);
the host (the AWS print handler) gives it the stores and a `PrintLog` for its log lines and
metrics, so the flow is the same wherever a job is rendered.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pressroom.formats import content_type
from pressroom.printjobs import (
    FINAL_JOB_STATES,
    BookRenderer,
    JobStore,
    PrintJob,
    PrintRejected,
    RenderedBook,
)
from pressroom.reasons import public
from pressroom.storage.base import BlobNotFound, BlobStore

PRINT_PREFIX = "print"


class JobBusy(Exception):
    """Another attempt holds the job's lease: try this message again later."""


def print_key(job_id: str, name: str) -> str:
    return f"{PRINT_PREFIX}/{job_id}/{name}"


def render_print_files(book: dict[str, Any], store: BlobStore) -> RenderedBook:
    from pressroom.products.book import Book
    from pressroom.render.print import render_book

    try:
        layout = Book.from_dict(book)
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise PrintRejected("invalid_book", f"{type(e).__name__}: {e}"[:300]) from None
    if not layout.pages:
        raise PrintRejected("invalid_book", "no pages")
    with tempfile.TemporaryDirectory(prefix="pressroom-print-") as tmp:
        interior = Path(tmp) / "interior.pdf"
        cover = Path(tmp) / "cover.pdf"
        try:
            result = render_book(layout, store, interior, cover if layout.cover else None)
        except BlobNotFound as e:
            raise PrintRejected("missing_photo", str(e)) from None
        files = {"interior.pdf": interior.read_bytes()}
        if result.cover:
            files["cover.pdf"] = Path(result.cover).read_bytes()
    return RenderedBook(files, pages=result.pages)


class PrintLog(Protocol):
    """What the host logs and counts as a delivery goes; called where it happens (so
    `attempt_failed` runs inside the except block and may log the traceback)."""

    def unknown(self, job_id: str) -> None: ...
    def final(self, job: PrintJob) -> None: ...
    def rendering(self, job: PrintJob, receives: int) -> None: ...
    def rejected(self, job: PrintJob, error: PrintRejected) -> None: ...
    def attempt_failed(self, job: PrintJob, gave_up: bool) -> None: ...
    def ready(self, job: PrintJob, pages: int, seconds: float) -> None: ...
    def lost_lease(self, job: PrintJob) -> None: ...


class Quiet:
    """A PrintLog that says nothing (local runs, tests)."""

    def unknown(self, job_id: str) -> None: ...
    def final(self, job: PrintJob) -> None: ...
    def rendering(self, job: PrintJob, receives: int) -> None: ...
    def rejected(self, job: PrintJob, error: PrintRejected) -> None: ...
    def attempt_failed(self, job: PrintJob, gave_up: bool) -> None: ...
    def ready(self, job: PrintJob, pages: int, seconds: float) -> None: ...
    def lost_lease(self, job: PrintJob) -> None: ...


@dataclass(frozen=True)
class PrintRun:
    """Where one delivery renders: the job store, the masters, where print files go."""

    jobs: JobStore
    store: BlobStore
    print_store: BlobStore
    renderer: BookRenderer = render_print_files
    lease: float = 900.0  # seconds an attempt holds the job (Settings.print_lease)
    max_receives: int = 3  # the queue's maxReceiveCount (Settings.print_max_receives)


def run_print_job(
    run: PrintRun, job_id: str, receives: int = 1, log: PrintLog | None = None
) -> str:
    """One delivery of a job's message; returns the job's state afterwards ("unknown" for
    a job that was never submitted). Raises JobBusy while another attempt holds the lease,
    and re-raises a failed attempt's error after recording it (the message comes back)."""
    log = log or Quiet()
    job, started = run.jobs.start(job_id, lease_seconds=run.lease)
    if job is None:
        # Nothing could ever render it: acknowledge rather than cycle it to the DLQ.
        log.unknown(job_id)
        return "unknown"
    if not started:
        if job.state in FINAL_JOB_STATES:
            log.final(job)
            return job.state
        raise JobBusy(f"job {job_id} is held by attempt {job.attempts}")

    attempt = job.attempts
    log.rendering(job, receives)
    started_at = time.perf_counter()
    try:
        rendered = run.renderer(job.book, run.store)
        keys = []
        for name, data in rendered.files.items():
            key = print_key(job_id, name)
            run.print_store.put(key, data, content_type(name.rsplit(".", 1)[-1]))
            keys.append(key)
    except PrintRejected as r:
        failed, _ = run.jobs.fail(job_id, r.reason, r.message)
        log.rejected(failed, r)
        return failed.state
    except Exception:
        gave_up = receives >= run.max_receives
        log.attempt_failed(job, gave_up)
        message = public("print", "render_error")
        if gave_up:
            # SQS moves the message to the DLQ instead of delivering it again.
            run.jobs.fail(job_id, "render_error", message)
        else:
            run.jobs.requeue(job_id, attempt, "render_error", message)
        raise
    seconds = time.perf_counter() - started_at
    result = {"files": keys, "pages": rendered.pages, "seconds": round(seconds, 3)}
    job, changed = run.jobs.finish(job_id, attempt, result)
    if changed:
        log.ready(job, rendered.pages, seconds)
    else:
        log.lost_lease(job)
    return job.state
