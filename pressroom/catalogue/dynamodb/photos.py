"""The photo catalogue in DynamoDB: the `<prefix>-photos` table (see dynamodb/__init__.py)."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from pressroom.catalogue.base import STATES, PhotoRecord, State, require_final
from pressroom.catalogue.dynamodb.table import (
    DAY,
    MAX_RETRIES,
    TTL_ATTRIBUTE,
    Table,
    clock,
    newest_first,
)


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
        self.table = Table(f"{prefix}-photos", client, endpoint_url)
        # A photo announced but never uploaded expires by itself after this (the cleanup
        # Lambda removes it sooner; TTL is the backstop).
        self.missing_ttl = missing_ttl

    def __repr__(self) -> str:
        return f"DynamoCatalogue({self.table.name!r})"

    def announce(self, photo_id: str, data: dict[str, Any] | None = None) -> PhotoRecord:
        now = clock()
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
            now = clock()
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
                "updated_at": clock(),
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
        return iter(newest_first(streams, limit))

    def delete(self, photo_id: str) -> None:
        self.table.delete(photo_id)

    def count_by_state(self) -> dict[str, int]:
        return {s: self.table.query_state(s, count=True) for s in STATES}  # type: ignore[misc]

    def list_missing_older_than(self, seconds: float) -> builtins.list[PhotoRecord]:
        """Announced but never completed, last touched more than `seconds` ago; oldest first."""
        items = self.table.query_state("missing", newest_first=False, before=clock() - seconds)
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
