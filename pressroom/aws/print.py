"""Lambda: print jobs from SQS. Handler `pressroom.aws.print.handler`.

A message is `{"job_id": ...}` (the book itself lives in the job record; SQS messages stop
at 256 KB) with the submitter's correlation id as message attribute `correlation_id`.
Per message: take the job `queued` -> `rendering` (a conditional write with a lease),
render the print files to the print store under `print/<job id>/`, then `ready`; a book
that can never print goes straight to `failed` with its reason.

Idempotent by job id: a redelivered message of a `ready`/`failed` job changes nothing; one
arriving while another attempt holds a live lease is reported as a batch item failure and
comes back later. A failing attempt puts the job back to `queued` and fails the message;
on the receive that reaches the queue's maxReceiveCount (PRESSROOM_PRINT_MAX_RECEIVES,
the template sets both from one parameter) the job becomes `failed` and SQS moves the
message to the DLQ. An attempt killed outright (timeout, OOM) leaves a `rendering` job with
an expired lease: the next delivery takes it over, and after the last one the cleanup
Lambda marks it `failed` ("timeout").

Books beyond Lambda's 15 minutes / 10 GB belong on AWS Batch or Step Functions with the
same job store and renderer; this handler is the Lambda-sized path.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from pressroom.aws._common import (
    CORRELATION_ATTRIBUTE,
    MetricUnit,
    container,
    count,
    logger,
    metrics,
)
from pressroom.printjobs import FINAL_JOB_STATES, JOB_REASONS, PrintJob, PrintRejected

PRINT_PREFIX = "print"
CONTENT_TYPES = {"pdf": "application/pdf", "json": "application/json", "jpg": "image/jpeg"}

processor = BatchProcessor(event_type=EventType.SQS)


class JobBusy(Exception):
    """Another attempt holds the job's lease: try this message again later."""


def print_key(job_id: str, name: str) -> str:
    return f"{PRINT_PREFIX}/{job_id}/{name}"


def submit(
    book: dict[str, Any], job_id: str | None = None, correlation_id: str | None = None
) -> PrintJob:
    """Record a `queued` job and send its message (what the app's API calls).

    Idempotent by job id: submitting an existing id sends nothing and returns the job.
    """
    c = container()
    job_id = job_id or uuid.uuid4().hex
    correlation_id = correlation_id or logger.get_correlation_id() or job_id
    job, created = c.jobs.create(job_id, book, correlation_id=correlation_id)
    if created:
        if not c.settings.print_queue_url:
            raise RuntimeError("PRESSROOM_PRINT_QUEUE_URL is not set")
        c.sqs.send_message(
            QueueUrl=c.settings.print_queue_url,
            MessageBody=json.dumps({"job_id": job_id}),
            MessageAttributes={
                CORRELATION_ATTRIBUTE: {"DataType": "String", "StringValue": correlation_id}
            },
        )
        logger.info("print job queued", extra={"job_id": job_id})
    return job


def record_handler(record: Any) -> None:
    attributes = record.raw_event.get("messageAttributes") or {}
    correlation_id = (attributes.get(CORRELATION_ATTRIBUTE) or {}).get("stringValue")
    logger.set_correlation_id(correlation_id or record.message_id)
    job_id = json.loads(record.body)["job_id"]
    logger.append_keys(job_id=job_id)
    receives = int(record.attributes.approximate_receive_count)
    run_job(job_id, receives)


def run_job(job_id: str, receives: int = 1) -> str:
    """One delivery of a job's message; returns the job's state afterwards."""
    c = container()
    settings = c.settings
    job, started = c.jobs.start(job_id, lease_seconds=settings.print_lease)
    if job is None:
        # Nothing could ever render it: acknowledge rather than cycle it to the DLQ.
        logger.error("unknown print job, message dropped")
        count("PrintJobsUnknown")
        return "unknown"
    if not started:
        if job.state in FINAL_JOB_STATES:
            logger.info("print job already final", extra={"state": job.state})
            return job.state
        raise JobBusy(f"job {job_id} is held by attempt {job.attempts}")

    attempt = job.attempts
    logger.info("print job rendering", extra={"attempt": attempt, "receives": receives})
    started_at = time.perf_counter()
    try:
        rendered = c.renderer(job.book, c.store)
        keys = []
        for name, data in rendered.files.items():
            key = print_key(job_id, name)
            content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower())
            c.print_store.put(key, data, content_type)
            keys.append(key)
    except PrintRejected as r:
        job, _ = c.jobs.fail(job_id, r.reason, r.message)
        logger.warning("print job failed", extra={"reason": r.reason, "detail": r.detail})
        count("PrintJobsFailed", reason=r.reason)
        return job.state
    except Exception:
        logger.exception("print attempt failed", extra={"attempt": attempt})
        message = JOB_REASONS["render_error"]
        if receives >= settings.print_max_receives:
            # SQS moves the message to the DLQ instead of delivering it again.
            c.jobs.fail(job_id, "render_error", message)
            count("PrintJobsFailed", reason="render_error")
        else:
            c.jobs.requeue(job_id, attempt, "render_error", message)
        raise
    seconds = time.perf_counter() - started_at
    result = {"files": keys, "pages": rendered.pages, "seconds": round(seconds, 3)}
    job, changed = c.jobs.finish(job_id, attempt, result)
    if changed:
        count("PagesRendered", rendered.pages)
        count("PrintSeconds", round(seconds, 3), unit=MetricUnit.Seconds)
        count("PrintJobsReady")
        logger.info("print job ready", extra={"pages": rendered.pages, "seconds": seconds})
    else:
        logger.warning("print attempt lost its lease; result left to the newer attempt")
    return job.state


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
