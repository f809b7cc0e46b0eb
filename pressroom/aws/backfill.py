"""Lambda: the per-item worker of the backfill state machine. `pressroom.aws.backfill.handler`.

deploy/template.yaml's BackfillStateMachine is a Step Functions Distributed Map: it lists a
bucket prefix (ItemReader `s3:listObjectsV2`), batches the listing (ItemBatcher, with the
execution's mode and bucket as BatchInput) and invokes this function per batch:

    {"BatchInput": {"mode": "retag", "bucket": "stack-media"},
     "Items": [{"Etag": "\\"0570...\\"", "Key": "proxies/3f2a....jpg", "Size": 41234,
                "LastModified": 1795460250, "StorageClass": "STANDARD"}, ...]}

A single listing item with "mode" and "bucket" beside it (an ItemSelector instead of a
batcher) is accepted too. Each key names one photo:

- `proxies/<id>.jpg`, `masters/<id>.jpg|png` (the media bucket, under the store's prefix):
  retag from the stored proxy; remaster from the stored master;
- `uploads/<id>` or `uploads/<user>/<id>.<ext>` (the uploads bucket, as the upload handler
  reads them): retag as above; remaster from this original, re-reading its metadata.

The work is pressroom.ingest.backfill (see there what each mode does to a record): the
same ingestor, store and catalogue as the upload handler (`_common.container()`), the
same conditional record writes, and records' states never change. A listing key that
names no photo is counted `ignored`. A photo whose processing raised is reported in
`failed` and, once the rest of the batch is done, the invocation fails, so Step Functions
retries the batch (idempotent: finished photos come back `changed: false`) and counts it
against ToleratedFailurePercentage.
"""

from __future__ import annotations

import time
from pathlib import PurePosixPath
from typing import Any

from pressroom.aws._common import container, count, logger, metrics, traced
from pressroom.aws.upload import UPLOAD_PREFIX, photo_id_from_key
from pressroom.ids import is_id

MEDIA_FOLDERS = ("masters", "proxies")


class BackfillFailed(RuntimeError):
    """Some photos of the batch failed: the batch is retried by Step Functions."""


def photo_from_key(key: str) -> tuple[str, str] | None:
    """(photo id, "original" | "master" | "proxy") for a listing key; None for other keys."""
    if key.startswith(UPLOAD_PREFIX):
        pid = photo_id_from_key(key)
        return None if pid is None else (pid, "original")
    path = PurePosixPath(key)
    if path.parent.name in MEDIA_FOLDERS and is_id(path.stem) and path.suffix:
        return path.stem, {"masters": "master", "proxies": "proxy"}[path.parent.name]
    return None


def backfill_item(item: dict[str, Any], mode: str, bucket: str) -> dict[str, Any]:
    """One listing item -> one photo backfilled; the result as a small dict."""
    key = item["Key"]
    found = photo_from_key(key)
    if found is None:
        count("BackfillItems", outcome="ignored")
        return {"key": key, "outcome": "ignored"}
    photo_id, kind = found
    logger.append_keys(photo_id=photo_id, key=key)
    c = container()
    original = None
    if mode == "remaster" and kind == "original":
        size = item.get("Size")
        limit = c.settings.limits.max_bytes
        if size is not None and int(size) > limit:
            count("BackfillItems", outcome="skipped")
            return {"key": key, "id": photo_id, "outcome": "skipped", "reason": "too_large"}
        response = c.s3.get_object(Bucket=bucket, Key=key)
        with response["Body"] as body:
            original = body.read(limit + 1)
    result = c.backfiller.run(mode, photo_id, original)
    count("BackfillItems", outcome=result.outcome)
    out = {k: v for k, v in {"key": key, **result.to_dict()}.items() if v is not None}
    # "message" is the log record's own field: the public message goes as "public_message".
    logger.info("photo backfilled", extra={
        ("public_message" if k == "message" else k): v for k, v in out.items()
    })  # fmt: skip
    return out


def items_of(event: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    """(mode, bucket, listing items) from a batch or a single-item event."""
    if "Items" in event:
        given = event.get("BatchInput") or {}
        items = event["Items"]
    else:
        given, items = event, [event]
    mode, bucket = given.get("mode"), given.get("bucket")
    if mode not in ("retag", "remaster") or not bucket:
        raise ValueError('backfill events need "mode" (retag | remaster) and "bucket"')
    return mode, bucket, items


@traced
@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    mode, bucket, items = items_of(event)
    logger.append_keys(mode=mode, bucket=bucket)
    started = time.perf_counter()
    results, failed = [], []
    for item in items:
        try:
            results.append(backfill_item(item, mode, bucket))
        except Exception as exc:  # noqa: BLE001 - the rest of the batch still runs
            logger.exception("photo backfill failed", extra={"key": item.get("Key")})
            count("BackfillItems", outcome="failed")
            failed.append({"key": item.get("Key"), "error": f"{type(exc).__name__}: {exc}"})
        finally:
            logger.remove_keys(["photo_id", "key"])
    outcomes: dict[str, int] = {}
    for r in results:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    summary = {
        "mode": mode,
        "bucket": bucket,
        "items": len(items),
        "outcomes": outcomes,
        "changed": sum(1 for r in results if r.get("changed")),
        "seconds": round(time.perf_counter() - started, 3),
        "results": results,
    }
    if failed:
        logger.error("backfill batch failed", extra={"failed": failed, **outcomes})
        raise BackfillFailed(f"{len(failed)} of {len(items)} photos failed: {failed}")
    logger.info("backfill batch done", extra={k: v for k, v in summary.items() if k != "results"})
    return summary
