"""What the DynamoDB backends share: the value codec, one table with its by-state index, the
tables' schema, and the clock (one `_clock` for both, so tests step time in one place)."""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Iterable, Iterator
from typing import Any

# A module attribute so tests can step time deterministically (both backends read it).
_clock = time.time

DAY = 86_400.0
STATE_INDEX = "by-state"
TTL_ATTRIBUTE = "expires_at"
# table suffix -> key schema; deploy/template.yaml must agree (tests/test_sam_template.py).
TABLES = {"photos": "id", "print-jobs": "id"}
# Optimistic-lock retries before giving up: only a storm of writers to one id gets there.
MAX_RETRIES = 20


def clock() -> float:
    return _clock()


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


class Table:
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

    def put(
        self, values: dict[str, Any], condition: str, names: dict[str, str], params: dict[str, Any]
    ) -> bool:
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
        self,
        key: str,
        expression: str,
        condition: str,
        names: dict[str, str],
        params: dict[str, Any],
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

    def delete(
        self, key: str, condition: str | None = None, params: dict[str, Any] | None = None
    ) -> bool:
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
            return sum(int(page["Count"]) for page in self._pages(args))
        return (from_item(item) for page in self._pages(args) for item in page["Items"])

    def _pages(self, args: dict[str, Any]) -> Iterator[dict[str, Any]]:
        while True:
            page = self.client.query(**args)
            yield page
            if "LastEvaluatedKey" not in page:
                return
            args = {**args, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def newest_first(streams: Iterable[Iterator[Any]], limit: int) -> list[Any]:
    merged = heapq.merge(*streams, key=lambda r: (-r.updated_at, r.id))
    return list(itertools.islice(merged, limit))


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
