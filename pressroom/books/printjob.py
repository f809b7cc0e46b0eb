"""Render a print job: one delivery of a job's message, from `queued` to `ready` or `failed`.

A job is an order: its id is the order id and its payload the customer's design document
(pressroom.designs). `render_print_files` is the production BookRenderer: design -> check
against the photos' records (catalogue) -> Book (designs.to_book) -> print PDFs -> preflight.
It renders into a temporary folder (Lambda: /tmp, sized by the function's ephemeral storage)
and returns the files' bytes: `interior.pdf` and, for books with a cover, `cover.pdf`, with
the page previews and reports the book store keeps. Pages render one at a time in this
process (workers=1): Lambda has no /dev/shm, so process pools cannot start there.

`run_print_job` is the state machine's walk for one delivery (printjobs explains the states);
the host (the AWS print handler, `pressroom print`) gives it the stores and a `PrintLog` for its
log lines and metrics, so the flow is the same wherever a job is rendered. `deliver` plays the
queue's redeliveries for hosts without one (the CLI): the same attempts SQS would make.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pressroom.catalogue.books import book_id_for, key, publish_book
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

if TYPE_CHECKING:
    from pressroom.catalogue.base import Catalogue

PRINT_PREFIX = "print"


class JobBusy(Exception):
    """Another attempt holds the job's lease: try this message again later."""


def print_key(job_id: str, name: str) -> str:
    return f"{PRINT_PREFIX}/{job_id}/{name}"


def render_print_files(
    design: dict[str, Any], store: BlobStore, catalogue: Catalogue
) -> RenderedBook:
    from pressroom.designs import check
    from pressroom.preflight import preflight
    from pressroom.render.print import render_book

    from .make import design_photos, page_jpegs

    book, findings = check(design, design_photos(catalogue, design))
    if book is None or not findings.ok:
        first = next(f for f in findings.items if f.level == "fail")
        # The finding names the customer's own design, so it may be the public message.
        said = f"{first.where()}: {first.code}: {first.message}"[:300]
        raise PrintRejected("invalid_design", said, message=said)
    with tempfile.TemporaryDirectory(prefix="pressroom-print-") as tmp:
        interior = Path(tmp) / "interior.pdf"
        cover = Path(tmp) / "cover.pdf"
        try:
            result = render_book(
                book,
                store,
                interior,
                cover if book.cover else None,
                Path(tmp) / "previews",
                printer=book.printer,  # the design's printer: its flavour and output intent
            )
        except BlobNotFound as e:
            raise PrintRejected("missing_photo", str(e)) from None
        reports = {"interior": preflight(interior, book.product, printer=book.printer)}
        if result.cover:
            reports["cover"] = preflight(result.cover, book.product, printer=book.printer)
        failing = [(n, f) for n, r in reports.items() for f in r.findings if f.level == "fail"]
        if failing:
            # The printer would refuse them: no print files, the job fails with the first why.
            name, f = failing[0]
            said = f"{name}: {f.code}: {f.message}"[:300]
            raise PrintRejected("preflight", said, message=said)
        files = {"interior.pdf": interior.read_bytes()}
        if result.cover:
            files["cover.pdf"] = Path(result.cover).read_bytes()
        previews = page_jpegs(result.previews)
    return RenderedBook(
        files,
        pages=result.pages,
        layout=book.to_dict(),
        previews=previews,
        preflight={n: r.to_dict() for n, r in reports.items()},
        findings=findings.to_dict(),
    )


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
    """Where one delivery renders: the job store, the photos' records, their masters (and the
    book store beside them), where print files go."""

    jobs: JobStore
    store: BlobStore
    print_store: BlobStore
    catalogue: Catalogue
    renderer: BookRenderer = render_print_files
    lease: float = 900.0  # seconds an attempt holds the job (Settings.print_lease)
    max_receives: int = 3  # the queue's maxReceiveCount (Settings.print_max_receives)


def publish(store: BlobStore, design: dict[str, Any], rendered: RenderedBook) -> str | None:
    """The job's book in the book store, under its design's id (what `pressroom render`
    publishes too), so the console shows the design a job printed. None without a layout."""
    if not rendered.layout:
        return None
    book_id = book_id_for(design)
    publish_book(
        store,
        rendered.layout,
        pages=rendered.previews,
        preflight=rendered.preflight,
        book_id=book_id,
    )
    store.put(key(book_id, "design.json"), json.dumps(design).encode(), "application/json")
    return book_id


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
        rendered = run.renderer(job.book, run.store, run.catalogue)
        keys = []
        for name, data in rendered.files.items():
            k = print_key(job_id, name)
            run.print_store.put(k, data, content_type(name.rsplit(".", 1)[-1]))
            keys.append(k)
        book_id = publish(run.store, job.book, rendered)
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
    result: dict[str, Any] = {"files": keys, "pages": rendered.pages, "seconds": round(seconds, 3)}
    if book_id:
        result["book_id"] = book_id
    if rendered.preflight:
        result["preflight"] = {n: r.get("status") for n, r in rendered.preflight.items()}
    if rendered.findings:
        result["check"] = rendered.findings.get("status")
    job, changed = run.jobs.finish(job_id, attempt, result)
    if changed:
        log.ready(job, rendered.pages, seconds)
    else:
        log.lost_lease(job)
    return job.state


def deliver(run: PrintRun, job_id: str, log: PrintLog | None = None) -> PrintJob:
    """Every delivery a queue would make of one job's message, in this process: a failed
    attempt is tried again up to `max_receives` times, then the job is `failed`. Raises
    JobBusy while another attempt holds a live lease."""
    for receives in range(1, run.max_receives + 1):
        try:
            run_print_job(run, job_id, receives, log)
            break
        except JobBusy:
            raise
        except Exception:  # noqa: BLE001 - recorded on the job; the next delivery retries
            continue
    job = run.jobs.get(job_id)
    if job is None:
        raise KeyError(job_id)
    return job
