"""Lambda on a schedule (EventBridge): handler `pressroom.aws.cleanup.handler`.

1. Photos announced but never uploaded for PRESSROOM_MISSING_DAYS: deleted, each with a
   conditional delete, so an upload completing at that moment is never lost. (The table's
   TTL is the backstop; TTL deletions can lag by days.)
2. Thumbnail results (`<result prefix>/` in the media bucket) older than
   PRESSROOM_RESULT_CACHE_DAYS: deleted; the next request renders them again.
3. Print jobs still `rendering` long after their lease ran out: every redelivery of their
   message is over (the queue's visibility timeout is 6x the lease), so their last attempt
   was killed outright (timeout, OOM) -> `failed` ("timeout").
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pressroom.aws._common import container, count, logger, metrics, traced
from pressroom.books.printjob import PRINT_PREFIX
from pressroom.reasons import public

if TYPE_CHECKING:
    from pressroom.catalogue.base import Catalogue
    from pressroom.printjobs import JobStore
    from pressroom.storage.base import BlobStore

DAY = 86_400.0
# A stale `rendering` job is given up once a redelivery would certainly have come: SQS's
# visibility timeout is 6 leases (deploy/template.yaml), plus one lease of margin.
STALE_LEASES = 7


def sweep_missing(catalogue: Catalogue, max_age: float, now: float) -> int:
    cutoff = now - max_age
    # Conditional deletes: an upload completing meanwhile is never swept.
    records = catalogue.list_missing_older_than(max_age)
    return sum(catalogue.delete_if_missing(record.id, cutoff) for record in records)


def sweep_results(s3: Any, storage: str, result_prefix: str, max_age: float, now: float) -> int:
    """Delete result-cache objects last written more than max_age ago (S3 storage only)."""
    if not storage.startswith("s3://"):
        logger.info("result cache not on S3, not swept", extra={"storage": storage})
        return 0
    bucket, _, prefix = storage.removeprefix("s3://").partition("/")
    prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    removed = 0
    batch: list[dict[str, str]] = []
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}{result_prefix}/"):
        for obj in page.get("Contents", []):
            if obj["LastModified"].timestamp() < now - max_age:
                batch.append({"Key": obj["Key"]})
            if len(batch) == 1000:  # DeleteObjects' limit
                removed += _delete(s3, bucket, batch)
                batch = []
    if batch:
        removed += _delete(s3, bucket, batch)
    return removed


def _delete(s3: Any, bucket: str, objects: list[dict[str, str]]) -> int:
    response = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    errors = response.get("Errors", [])
    for error in errors[:10]:
        logger.warning("result not deleted", extra={"key": error.get("Key"), "s3": error})
    return len(objects) - len(errors)


def sweep_stale_jobs(
    jobs: JobStore, lease: float, now: float, print_store: BlobStore | None = None
) -> int:
    """Fail jobs whose last attempt died, and remove any print files that attempt left:
    a failed job has no print files, so none can be mistaken for a finished book."""
    failed = 0
    for job in jobs.list_stale(now - STALE_LEASES * lease):
        _, changed = jobs.fail(job.id, "timeout", public("print", "timeout"))
        if changed:
            logger.warning("print job timed out", extra={"job_id": job.id})
            failed += 1
            if print_store is not None:
                for key in list(print_store.keys(f"{PRINT_PREFIX}/{job.id}/")):
                    print_store.delete(key)
    return failed


def run(now: float | None = None) -> dict[str, int]:
    c = container()
    s = c.settings
    now = time.time() if now is None else now
    summary = {
        "missing_removed": sweep_missing(c.catalogue, s.missing_days * DAY, now),
        "results_removed": sweep_results(
            c.s3, s.storage, s.result_prefix, s.result_cache_days * DAY, now
        ),
        "jobs_timed_out": sweep_stale_jobs(c.jobs, s.print_lease, now, c.print_store),
    }
    count("MissingPhotosRemoved", summary["missing_removed"])
    count("ResultsRemoved", summary["results_removed"])
    count("PrintJobsTimedOut", summary["jobs_timed_out"])
    logger.info("cleanup done", extra=summary)
    return summary


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    # The EventBridge event id correlates this run's log lines.
    logger.set_correlation_id(event.get("id"))
    return run()
