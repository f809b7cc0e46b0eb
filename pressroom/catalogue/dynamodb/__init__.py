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

Modules: table.py (codec, one table, schema), photos.py (DynamoCatalogue), jobs.py (DynamoJobs).
"""

from __future__ import annotations

from pressroom.catalogue.dynamodb.jobs import DynamoJobs
from pressroom.catalogue.dynamodb.photos import DynamoCatalogue
from pressroom.catalogue.dynamodb.table import (
    DAY,
    STATE_INDEX,
    TABLES,
    TTL_ATTRIBUTE,
    create_tables,
    from_attr,
    table_prefix,
    to_attr,
)

__all__ = [
    "DAY",
    "STATE_INDEX",
    "TABLES",
    "TTL_ATTRIBUTE",
    "DynamoCatalogue",
    "DynamoJobs",
    "create_tables",
    "from_attr",
    "table_prefix",
    "to_attr",
]
