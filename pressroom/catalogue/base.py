"""The photo catalogue interface. Backends store records and know nothing of images.

A photo moves  missing -> uploaded  or  missing -> rejected (with a reason). A photo that was
never announced may go straight to uploaded/rejected (local ingest). Once uploaded or rejected
a record is final: repeating a transition changes nothing, so replayed events are harmless.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

State = Literal["missing", "uploaded", "rejected"]
STATES: tuple[State, ...] = ("missing", "uploaded", "rejected")


@dataclass
class PhotoRecord:
    id: str
    state: State
    reason: str | None = None  # stable code when rejected
    message: str | None = None  # one public line when rejected
    data: dict[str, Any] = field(default_factory=dict)  # metadata, master key, tags, ...
    created_at: float = 0.0
    updated_at: float = 0.0


def require_final(state: str) -> None:
    """complete() moves records to a final state only; every backend enforces it alike."""
    if state not in ("uploaded", "rejected"):
        raise ValueError(f"complete() needs a final state, not {state!r}")


class Catalogue(Protocol):
    """Every backend implements all of it (SqliteCatalogue, DynamoCatalogue): never probe."""

    def announce(self, photo_id: str, data: dict[str, Any] | None = None) -> PhotoRecord:
        """Create a `missing` record; an existing record is returned unchanged."""

    def complete(
        self,
        photo_id: str,
        state: State,
        *,
        reason: str | None = None,
        message: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> tuple[PhotoRecord, bool]:
        """Atomically move an absent or `missing` record to `uploaded`/`rejected`.

        Returns (record, changed). A record already final is returned as it is, changed=False.
        """

    def get(self, photo_id: str) -> PhotoRecord | None: ...

    def update_data(self, photo_id: str, data: dict[str, Any]) -> PhotoRecord:
        """Merge keys into a record's data (tags added later). Raise KeyError when absent."""

    def list(
        self, state: State | None = None, reason: str | None = None, limit: int = 1000
    ) -> Iterator[PhotoRecord]:
        """Newest first."""

    def delete(self, photo_id: str) -> None: ...

    def count_by_state(self) -> dict[str, int]:
        """Records per state, every state present (0 when none)."""

    def list_missing_older_than(self, seconds: float) -> builtins.list[PhotoRecord]:
        """Announced but never completed, last touched more than `seconds` ago; oldest first."""

    def delete_if_missing(self, photo_id: str, older_than: float) -> bool:
        """Delete a record still `missing` and untouched since `older_than` (epoch seconds).

        Conditional, so an upload completing while the cleanup runs is never deleted.
        """
