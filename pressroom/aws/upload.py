"""Lambda: S3 ObjectCreated -> SQS -> here. Handler `pressroom.aws.upload.handler`.

Each SQS message holds one S3 notification. Per S3 record: URL-decode the key (S3 encodes
it, spaces as "+"), take the photo id from it, skip records already final, read the upload,
ingest it (validate, master, proxy, tags) and move the catalogue record missing -> uploaded
or -> rejected with one conditional write. S3 delivers at least once: a redelivered event
finds the record final and changes nothing, uploads nothing.

Upload keys name the photo the app announced: `uploads/<photo id>` or
`uploads/<user>/<photo id>.<ext>`; the id follows pressroom.ids (1-64 of [A-Za-z0-9_-]).

Failures are per message (Powertools BatchProcessor, ReportBatchItemFailures): a message
whose processing raised is reported in `batchItemFailures` and comes back after the
visibility timeout, the rest of the batch is deleted; after maxReceiveCount it goes to the
DLQ. A bad image is not a failure: it is a `rejected` record.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

from pressroom import reasons
from pressroom.aws._common import container, count, logger, measure, metrics, traced
from pressroom.ids import is_id  # dependency-free: this handler must import cheaply

UPLOAD_PREFIX = "uploads/"

processor = BatchProcessor(event_type=EventType.SQS)


def photo_id_from_key(key: str) -> str | None:
    """`uploads/<id>` or `uploads/<user>/<id>.<ext>` -> id; None for any other key."""
    if not key.startswith(UPLOAD_PREFIX):
        return None
    name = key.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem if is_id(stem) else None


def record_handler(record: Any) -> None:
    """One SQS message: an S3 notification (one or more records) or S3's test event."""
    body = json.loads(record.body)
    if body.get("Event") == "s3:TestEvent":
        # Sent once when the notification is configured; carries no object.
        logger.info("s3 test event skipped", extra={"bucket": body.get("Bucket")})
        return
    records = body.get("Records")
    if not isinstance(records, list):
        raise ValueError("message is not an S3 event notification")
    for s3_record in records:
        ingest_s3_record(s3_record, fallback_correlation_id=record.message_id)


def ingest_s3_record(s3_record: dict[str, Any], fallback_correlation_id: str | None = None) -> str:
    """Ingest one S3 record; returns what happened ("uploaded", "rejected", "repeat", ...)."""
    correlation_id = (s3_record.get("responseElements") or {}).get(
        "x-amz-request-id"
    ) or fallback_correlation_id
    logger.set_correlation_id(correlation_id)
    event_name = s3_record.get("eventName", "")
    if not event_name.startswith("ObjectCreated"):
        logger.info("not an ObjectCreated event, skipped", extra={"event_name": event_name})
        return "skipped"
    bucket = s3_record["s3"]["bucket"]["name"]
    key = unquote_plus(s3_record["s3"]["object"]["key"])
    size = s3_record["s3"]["object"].get("size")
    photo_id = photo_id_from_key(key)
    logger.append_keys(bucket=bucket, key=key, photo_id=photo_id)
    if photo_id is None:
        logger.warning("upload key names no photo, ignored")
        count("UploadsIgnored")
        return "ignored"

    c = container()
    existing = c.catalogue.get(photo_id)
    if existing is not None and existing.state != "missing":
        # A redelivery: not even the object is read again.
        logger.info("photo already final, nothing to do", extra={"state": existing.state})
        count("UploadsRepeated")
        return "repeat"

    started = time.perf_counter()
    limit = c.settings.limits.max_bytes
    if size is not None and size > limit:
        # Refused from the notification alone: the object is never downloaded.
        record, changed = c.catalogue.complete(
            photo_id,
            "rejected",
            reason="too_large",
            message=reasons.public("upload", "too_large"),
            data={"bytes": size, "source_name": key.rsplit("/", 1)[-1]},
        )
        outcome = _report(record.state, record.reason, changed, started)
        return outcome
    response = c.s3.get_object(Bucket=bucket, Key=key)
    with response["Body"] as body:
        # One byte over the limit is enough to know: a lying size never costs more.
        data = body.read(limit + 1)
    result = c.ingestor.ingest_bytes(data, key, photo_id=photo_id)
    return _report(result.state, result.reason, result.changed, started)


def _report(state: str | None, reason: str | None, changed: bool, started: float) -> str:
    elapsed_ms = (time.perf_counter() - started) * 1000
    if not changed:
        logger.info("photo completed by another delivery", extra={"state": state})
        count("UploadsRepeated")
        return "repeat"
    measure("IngestMs", elapsed_ms)
    if state == "uploaded":
        count("PhotosAccepted")
    else:
        count("PhotosRejected", reason=reason or "unknown")
    logger.info(
        "photo ingested",
        extra={"state": state, "reason": reason, "ingest_ms": round(elapsed_ms, 1)},
    )
    return state or "unknown"


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
