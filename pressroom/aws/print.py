"""Lambda: print jobs from SQS. Handler `pressroom.aws.print.handler`.

A job is an order: its id is the order id, its payload the customer's design document
(pressroom.designs). A message is either `{"order_id": ..., "design": {...}}` (the app sends
the design itself; the job is recorded from it, idempotent on the order id) or `{"job_id":
...}` for a job already recorded (`submit` does that: SQS messages stop at 256 KB), with the
submitter's correlation id as message attribute `correlation_id`. Per message: take the job
`queued` -> `rendering` (a conditional write with a lease), check the design against the
catalogue, render the print files to the print store under `print/<job id>/` and the book
(previews, preflight, the design) to the book store, then `ready`; a design that can never
print goes straight to `failed` with its reason. A message naming no valid job is logged
and dropped: there is no job to record a reason on.

Idempotent by job id: a redelivered message of a `ready`/`failed` job changes nothing; one
arriving while another attempt holds a live lease is reported as a batch item failure and
comes back later. A failing attempt puts the job back to `queued` and fails the message;
on the receive that reaches the queue's maxReceiveCount (PRESSROOM_PRINT_MAX_RECEIVES,
the template sets both from one parameter) the job becomes `failed` and SQS moves the
message to the DLQ. An attempt killed outright (timeout, OOM) leaves a `rendering` job with
an expired lease: the next delivery takes it over, and after the last one the cleanup
Lambda marks it `failed` ("timeout").

Books beyond Lambda's 15 minutes / 10 GB belong on AWS Batch or Step Functions with the
same job store and renderer; this handler is the Lambda-sized path. The flow itself is
`pressroom.books.printjob.run_print_job`; this module adds SQS, logs and metrics.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

from pressroom.aws._common import (
    CORRELATION_ATTRIBUTE,
    MetricUnit,
    container,
    count,
    logger,
    metrics,
    traced,
)
from pressroom.books.printjob import PRINT_PREFIX, JobBusy, PrintRun, print_key, run_print_job
from pressroom.ids import is_id
from pressroom.printjobs import PrintJob, PrintRejected

__all__ = ["PRINT_PREFIX", "JobBusy", "handler", "print_key", "run_job", "submit"]

processor = BatchProcessor(event_type=EventType.SQS)


def submit(
    design: dict[str, Any], job_id: str | None = None, correlation_id: str | None = None
) -> PrintJob:
    """Record a `queued` job of a design document and send its message (what the app's API
    calls). `job_id` is the order id.

    Idempotent by job id: submitting an existing id sends nothing and returns the job.
    """
    c = container()
    job_id = job_id or uuid.uuid4().hex
    correlation_id = correlation_id or logger.get_correlation_id() or job_id
    job, created = c.jobs.create(job_id, design, correlation_id=correlation_id)
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
    job_id = job_of(record.body, correlation_id or record.message_id)
    if job_id is None:
        return
    logger.append_keys(job_id=job_id)
    receives = int(record.attributes.approximate_receive_count)
    run_job(job_id, receives)


def job_of(body: str, correlation_id: str) -> str | None:
    """The job a message is about, recording it first when the message carries its design;
    None (logged, counted, message dropped) when the body names no valid job."""
    try:
        msg = json.loads(body)
    except ValueError:
        msg = None
    if isinstance(msg, dict) and "order_id" in msg:
        order_id = str(msg["order_id"])
        if is_id(order_id):
            # Anything but an object is stored as an empty design: its check fails it with
            # invalid_design, a reason on the job rather than a dropped message.
            design = msg.get("design")
            container().jobs.create(
                order_id, design if isinstance(design, dict) else {}, correlation_id
            )
            return order_id
    elif isinstance(msg, dict) and is_id(str(msg.get("job_id", ""))):
        return str(msg["job_id"])
    logger.error("print message names no job, dropped", extra={"body": body[:200]})
    count("PrintMessagesInvalid")
    return None


class _Log:
    """The print flow's events as Powertools log lines and EMF metrics."""

    def unknown(self, job_id: str) -> None:
        logger.error("unknown print job, message dropped")
        count("PrintJobsUnknown")

    def final(self, job: PrintJob) -> None:
        logger.info("print job already final", extra={"state": job.state})

    def rendering(self, job: PrintJob, receives: int) -> None:
        logger.info("print job rendering", extra={"attempt": job.attempts, "receives": receives})

    def rejected(self, job: PrintJob, error: PrintRejected) -> None:
        logger.warning("print job failed", extra={"reason": error.reason, "detail": error.detail})
        count("PrintJobsFailed", reason=error.reason)

    def attempt_failed(self, job: PrintJob, gave_up: bool) -> None:
        logger.exception("print attempt failed", extra={"attempt": job.attempts})
        if gave_up:
            count("PrintJobsFailed", reason="render_error")

    def ready(self, job: PrintJob, pages: int, seconds: float) -> None:
        count("PagesRendered", pages)
        count("PrintSeconds", round(seconds, 3), unit=MetricUnit.Seconds)
        count("PrintJobsReady")
        logger.info("print job ready", extra={"pages": pages, "seconds": seconds})

    def lost_lease(self, job: PrintJob) -> None:
        logger.warning("print attempt lost its lease; result left to the newer attempt")


def run_job(job_id: str, receives: int = 1) -> str:
    """One delivery of a job's message; returns the job's state afterwards."""
    c = container()
    run = PrintRun(
        c.jobs,
        c.store,
        c.print_store,
        c.catalogue,
        c.renderer,
        lease=c.settings.print_lease,
        max_receives=c.settings.print_max_receives,
    )
    return run_print_job(run, job_id, receives, _Log())


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
