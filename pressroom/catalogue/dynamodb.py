"""The catalogue and the print jobs in DynamoDB: `dynamodb://<table prefix>`.

Two tables, `<prefix>-photos` and `<prefix>-print-jobs` (deploy/template.yaml creates them
with the same keys as TABLES below), each keyed by `id` with a `by-state` index
(state, updated_at) for listings newest first and for the cleanup's "missing for N days".

Every state change is one conditional write, DynamoDB's atomic primitive, so S3's
at-least-once delivery is harmless: of two deliveries racing to complete the same photo,
exactly one write succeeds and the other learns it lost from ConditionalCheckFailed.
Writes that merge `data` read first and put with a revision condition (optimistic locking),
because DynamoDB cannot merge a map into a possibly absent map in one expression.

Values are stored as native DynamoDB types (maps, lists, numbers), so records stay readable
in the console and in DynamoDB Streams. Numbers keep their Python type: an int comes back
an int, a float a float. `expires_at` is the tables' TTL attribute: a `missing` photo and a
final print job carry one; DynamoDB deletes the item some time after it passes.
"""

from __future__ import annotations

import builtins
import heapq
import itertools
import math
import time
from collections.abc import Iterable, Iterator
from typing import Any

from pressroom.catalogue.base import STATES, PhotoRecord, State, require_final
from pressroom.printjobs import JOB_STATES, JobState, PrintJob

# A module attribute so tests can step time deterministically.
_clock = time.time

DAY = 86_400.0
STATE_INDEX = "by-state"
TTL_ATTRIBUTE = "expires_at"
# table suffix -> key schema; deploy/template.yaml must agree (tests/test_sam_template.py).
TABLES = {"photos": "id", "print-jobs": "id"}
# Optimistic-lock retries before giving up: only a storm of writers to one id gets there.
MAX_RETRIES = 20


def table_prefix(url: str) -> str:
    prefix = url.removeprefix("dynamodb://").strip("/")
    if not url.startswith("dynamodb://") or not prefix:
        raise ValueError(f"catalogue {url!r}: expected 'dynamodb://<table prefix>'")
    return prefix


# -- values ------------------------------------------------------------------------------


def to_attr(value: Any) -> dict[str, Any]:
    """A Python value as a DynamoDB AttributeValue (JSON-like values only)."""
    if value is None:
        return {"NULL": True}
    if hasattr(value, "tolist"):  # numpy scalars and arrays (taggers' output) -> Python
        value = value.tolist()
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int):
        return {"N": str(value)}
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"DynamoDB cannot store {value!r}")
        return {"N": repr(float(value))}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, dict):
        return {"M": {str(k): to_attr(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [to_attr(v) for v in value]}
    raise TypeError(f"cannot store {type(value).__name__} in DynamoDB")


def from_attr(attr: dict[str, Any]) -> Any:
    ((kind, value),) = attr.items()
    if kind == "S":
        return value
    if kind == "N":
        # Written by to_attr: a float always has "." or an exponent, an int never does.
        return float(value) if any(c in value for c in ".eE") else int(value)
    if kind == "M":
        return {k: from_attr(v) for k, v in value.items()}
    if kind == "L":
        return [from_attr(v) for v in value]
    if kind == "BOOL":
        return value
    if kind == "NULL":
        return None
    raise TypeError(f"unexpected DynamoDB type {kind}")


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    return {k: to_attr(v) for k, v in values.items() if v is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: from_attr(v) for k, v in item.items()}


# -- one table -------------------------------------------------------------------------


class _Table:
    """A table of `id`-keyed items with the by-state index. Picklable; client made lazily."""

    def __init__(self, name: str, client: Any = None, endpoint_url: str | None = None) -> None:
        self.name = name
        self.endpoint_url = endpoint_url
        self._client = client

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "endpoint_url": self.endpoint_url}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["name"], endpoint_url=state["endpoint_url"])  # type: ignore[misc]

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3  # ~0.15 s: only when the table is first used

            self._client = boto3.client("dynamodb", endpoint_url=self.endpoint_url)
        return self._client

    def lost_race(self, error: Exception) -> bool:
        from botocore.exceptions import ClientError

        return (
            isinstance(error, ClientError)
            and error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
        )

    def get(self, key: str) -> dict[str, Any] | None:
        # Strongly consistent: a state check right after another writer's commit must see it.
        response = self.client.get_item(
            TableName=self.name, Key={"id": {"S": key}}, ConsistentRead=True
        )
        item = response.get("Item")
        return from_item(item) if item else None

    def put(self, values: dict[str, Any], condition: str, names: dict, params: dict) -> bool:
        """Conditional put; False when the condition failed (someone else won)."""
        try:
            self.client.put_item(
                TableName=self.name,
                Item=to_item(values),
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                **({"ExpressionAttributeValues": to_item(params)} if params else {}),
            )
        except Exception as e:
            if self.lost_race(e):
                return False
            raise
        return True

    def update(
        self, key: str, expression: str, condition: str, names: dict, params: dict
    ) -> dict[str, Any] | None:
        """Conditional update; the new item, or None when the condition failed."""
        try:
            response = self.client.update_item(
                TableName=self.name,
                Key={"id": {"S": key}},
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=to_item(params),
                ReturnValues="ALL_NEW",
            )
        except Exception as e:
            if self.lost_race(e):
                return None
            raise
        return from_item(response["Attributes"])

    def delete(self, key: str, condition: str | None = None, params: dict | None = None) -> bool:
        extra: dict[str, Any] = {}
        if condition:
            extra = {
                "ConditionExpression": condition,
                "ExpressionAttributeNames": {"#state": "state"},
                "ExpressionAttributeValues": to_item(params or {}),
            }
        try:
            self.client.delete_item(TableName=self.name, Key={"id": {"S": key}}, **extra)
        except Exception as e:
            if self.lost_race(e):
                return False
            raise
        return True

    def query_state(
        self,
        state: str,
        *,
        newest_first: bool = True,
        before: float | None = None,
        reason: str | None = None,
        count: bool = False,
    ) -> Iterator[dict[str, Any]] | int:
        """Items in one state from the by-state index (eventually consistent), paginated."""
        names = {"#state": "state"}
        values: dict[str, Any] = {":state": state}
        key = "#state = :state"
        if before is not None:
            key += " AND #u < :before"
            names["#u"] = "updated_at"
            values[":before"] = before
        args: dict[str, Any] = {
            "TableName": self.name,
            "IndexName": STATE_INDEX,
            "KeyConditionExpression": key,
            "ScanIndexForward": not newest_first,
        }
        if reason is not None:
            args["FilterExpression"] = "#reason = :reason"
            names["#reason"] = "reason"
            values[":reason"] = reason
        args["ExpressionAttributeNames"] = names
        args["ExpressionAttributeValues"] = to_item(values)
        if count:
            args["Select"] = "COUNT"
            return sum(page["Count"] for page in self._pages(args))
        return (from_item(item) for page in self._pages(args) for item in page["Items"])

    def _pages(self, args: dict[str, Any]) -> Iterator[dict[str, Any]]:
        while True:
            page = self.client.query(**args)
            yield page
            if "LastEvaluatedKey" not in page:
                return
            args = {**args, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def _newest_first(streams: Iterable[Iterator[Any]], limit: int) -> builtins.list[Any]:
    merged = heapq.merge(*streams, key=lambda r: (-r.updated_at, r.id))
    return builtins.list(itertools.islice(merged, limit))


# -- photos ----------------------------------------------------------------------------


def _photo(item: dict[str, Any]) -> PhotoRecord:
    return PhotoRecord(
        id=item["id"],
        state=item["state"],
        reason=item.get("reason"),
        message=item.get("message"),
        data=item.get("data", {}),
        created_at=item.get("created_at", 0.0),
        updated_at=item.get("updated_at", 0.0),
    )


class DynamoCatalogue:
    """`Catalogue` over the `<prefix>-photos` table."""

    def __init__(
        self,
        prefix: str,
        client: Any = None,
        endpoint_url: str | None = None,
        missing_ttl: float = 30 * DAY,
    ) -> None:
        self.table = _Table(f"{prefix}-photos", client, endpoint_url)
        # A photo announced but never uploaded expires by itself after this (the cleanup
        # Lambda removes it sooner; TTL is the backstop).
        self.missing_ttl = missing_ttl

    def __repr__(self) -> str:
        return f"DynamoCatalogue({self.table.name!r})"

    def announce(self, photo_id: str, data: dict[str, Any] | None = None) -> PhotoRecord:
        now = _clock()
        values = {
            "id": photo_id,
            "state": "missing",
            "data": data or {},
            "rev": 0,
            "created_at": now,
            "updated_at": now,
            TTL_ATTRIBUTE: int(now + self.missing_ttl),
        }
        if self.table.put(values, "attribute_not_exists(#id)", {"#id": "id"}, {}):
            return _photo(values)
        existing = self.get(photo_id)
        assert existing is not None
        return existing

    def complete(
        self,
        photo_id: str,
        state: State,
        *,
        reason: str | None = None,
        message: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> tuple[PhotoRecord, bool]:
        require_final(state)
        for _ in range(MAX_RETRIES):
            current = self.table.get(photo_id)
            if current is not None and current["state"] != "missing":
                return _photo(current), False
            now = _clock()
            values = {
                "id": photo_id,
                "state": state,
                "reason": reason,
                "message": message,
                "data": {**(current or {}).get("data", {}), **(data or {})},
                "rev": (current or {}).get("rev", 0) + 1,
                "created_at": (current or {}).get("created_at", now),
                "updated_at": now,
            }  # no expires_at: a final record stays
            # Absent, or still `missing` at the revision we merged: then exactly one writer
            # wins; a loser re-reads and finds the record final (or merges again).
            if current is None:
                won = self.table.put(values, "attribute_not_exists(#id)", {"#id": "id"}, {})
            else:
                won = self.table.put(
                    values,
                    "#state = :missing AND #rev = :rev",
                    {"#state": "state", "#rev": "rev"},
                    {":missing": "missing", ":rev": current.get("rev", 0)},
                )
            if won:
                return _photo(values), True
        raise RuntimeError(f"photo {photo_id}: too many concurrent writers")

    def get(self, photo_id: str) -> PhotoRecord | None:
        item = self.table.get(photo_id)
        return _photo(item) if item else None

    def update_data(self, photo_id: str, data: dict[str, Any]) -> PhotoRecord:
        for _ in range(MAX_RETRIES):
            current = self.table.get(photo_id)
            if current is None:
                raise KeyError(photo_id)
            values = {
                **current,
                "data": {**current.get("data", {}), **data},
                "rev": current.get("rev", 0) + 1,
                "updated_at": _clock(),
            }
            if self.table.put(
                values, "#rev = :rev", {"#rev": "rev"}, {":rev": current.get("rev", 0)}
            ):
                return _photo(values)
        raise RuntimeError(f"photo {photo_id}: too many concurrent writers")

    def list(
        self, state: State | None = None, reason: str | None = None, limit: int = 1000
    ) -> Iterator[PhotoRecord]:
        states = STATES if state is None else (state,)
        streams = [
            map(_photo, self.table.query_state(s, reason=reason))  # type: ignore[arg-type]
            for s in states
        ]
        return iter(_newest_first(streams, limit))

    def delete(self, photo_id: str) -> None:
        self.table.delete(photo_id)

    def count_by_state(self) -> dict[str, int]:
        return {s: self.table.query_state(s, count=True) for s in STATES}  # type: ignore[misc]

    def list_missing_older_than(self, seconds: float) -> builtins.list[PhotoRecord]:
        """Announced but never completed, last touched more than `seconds` ago; oldest first."""
        items = self.table.query_state("missing", newest_first=False, before=_clock() - seconds)
        return [_photo(i) for i in items]  # type: ignore[union-attr]

    def delete_if_missing(self, photo_id: str, older_than: float) -> bool:
        """Delete a record still `missing` and untouched since `older_than` (epoch seconds).

        Conditional, so an upload completing meanwhile is never deleted by the cleanup.
        """
        return self.table.delete(
            photo_id,
            "#state = :missing AND updated_at < :cutoff",
            {":missing": "missing", ":cutoff": older_than},
        )


# -- print jobs ------------------------------------------------------------------------


def _job(item: dict[str, Any]) -> PrintJob:
    return PrintJob(
        id=item["id"],
        state=item["state"],
        book=item.get("book", {}),
        reason=item.get("reason"),
        message=item.get("message"),
        result=item.get("result", {}),
        attempts=item.get("attempts", 0),
        lease_until=item.get("lease_until", 0.0),
        correlation_id=item.get("correlation_id"),
        created_at=item.get("created_at", 0.0),
        updated_at=item.get("updated_at", 0.0),
    )


class DynamoJobs:
    """`JobStore` over the `<prefix>-print-jobs` table: every transition one UpdateItem."""

    def __init__(
        self,
        prefix: str,
        client: Any = None,
        endpoint_url: str | None = None,
        final_ttl: float = 90 * DAY,
    ) -> None:
        self.table = _Table(f"{prefix}-print-jobs", client, endpoint_url)
        self.final_ttl = final_ttl  # ready/failed job records expire after this

    def __repr__(self) -> str:
        return f"DynamoJobs({self.table.name!r})"

    def _transition(
        self, job_id: str, expression: str, condition: str, params: dict[str, Any]
    ) -> tuple[PrintJob | None, bool]:
        names = {"#state": "state", "#u": "updated_at"}
        for name in ("attempts", "lease_until", "reason", "message", "result", TTL_ATTRIBUTE):
            if f"#{name}" in expression or f"#{name}" in condition:
                names[f"#{name}"] = name
        item = self.table.update(job_id, expression, condition, names, {**params, ":now": _clock()})
        if item is not None:
            return _job(item), True
        current = self.table.get(job_id)
        return (_job(current) if current else None), False

    def create(
        self, job_id: str, book: dict[str, Any], correlation_id: str | None = None
    ) -> tuple[PrintJob, bool]:
        now = _clock()
        values = {
            "id": job_id,
            "state": "queued",
            "book": book,
            "attempts": 0,
            "correlation_id": correlation_id,
            "created_at": now,
            "updated_at": now,
        }
        if self.table.put(values, "attribute_not_exists(#id)", {"#id": "id"}, {}):
            return _job(values), True
        existing = self.get(job_id)
        assert existing is not None
        return existing, False

    def get(self, job_id: str) -> PrintJob | None:
        item = self.table.get(job_id)
        return _job(item) if item else None

    def start(self, job_id: str, lease_seconds: float) -> tuple[PrintJob, bool]:
        now = _clock()
        job, changed = self._transition(
            job_id,
            "SET #state = :rendering, #attempts = #attempts + :one,"
            " #lease_until = :lease, #u = :now",
            "#state = :queued OR (#state = :rendering AND #lease_until < :now)",
            {
                ":rendering": "rendering",
                ":queued": "queued",
                ":one": 1,
                ":lease": now + lease_seconds,
            },
        )
        return job, changed  # type: ignore[return-value]

    def finish(self, job_id: str, attempt: int, result: dict[str, Any]) -> tuple[PrintJob, bool]:
        job, changed = self._transition(
            job_id,
            "SET #state = :ready, #result = :result, #u = :now, #expires_at = :expires"
            " REMOVE #reason, #message",
            "#state = :rendering AND #attempts = :attempt",
            {
                ":ready": "ready",
                ":rendering": "rendering",
                ":attempt": attempt,
                ":result": result,
                ":expires": int(_clock() + self.final_ttl),
            },
        )
        return self._found(job_id, job), changed

    def requeue(
        self, job_id: str, attempt: int, reason: str, message: str
    ) -> tuple[PrintJob, bool]:
        job, changed = self._transition(
            job_id,
            "SET #state = :queued, #reason = :reason, #message = :message, #u = :now",
            "#state = :rendering AND #attempts = :attempt",
            {
                ":queued": "queued",
                ":rendering": "rendering",
                ":attempt": attempt,
                ":reason": reason,
                ":message": message,
            },
        )
        return self._found(job_id, job), changed

    def fail(self, job_id: str, reason: str, message: str) -> tuple[PrintJob, bool]:
        job, changed = self._transition(
            job_id,
            "SET #state = :failed, #reason = :reason, #message = :message, #u = :now,"
            " #expires_at = :expires",
            "#state IN (:queued, :rendering)",
            {
                ":failed": "failed",
                ":queued": "queued",
                ":rendering": "rendering",
                ":reason": reason,
                ":message": message,
                ":expires": int(_clock() + self.final_ttl),
            },
        )
        return self._found(job_id, job), changed

    @staticmethod
    def _found(job_id: str, job: PrintJob | None) -> PrintJob:
        if job is None:
            raise KeyError(job_id)
        return job

    def list(self, state: JobState | None = None, limit: int = 1000) -> Iterator[PrintJob]:
        states = JOB_STATES if state is None else (state,)
        streams = [map(_job, self.table.query_state(s)) for s in states]  # type: ignore[arg-type]
        return iter(_newest_first(streams, limit))

    def list_stale(self, before: float) -> builtins.list[PrintJob]:
        """`rendering` jobs whose lease ran out before `before`: their worker died."""
        items = self.table.query_state("rendering", newest_first=False)
        return [j for j in map(_job, items) if j.lease_until < before]  # type: ignore[arg-type]


def create_tables(prefix: str, client: Any) -> None:
    """Create both tables as deploy/template.yaml does (tests and local moto runs)."""
    for suffix in TABLES:
        client.create_table(
            TableName=f"{prefix}-{suffix}",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "state", "AttributeType": "S"},
                {"AttributeName": "updated_at", "AttributeType": "N"},
            ],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": STATE_INDEX,
                    "KeySchema": [
                        {"AttributeName": "state", "KeyType": "HASH"},
                        {"AttributeName": "updated_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        client.update_time_to_live(
            TableName=f"{prefix}-{suffix}",
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
