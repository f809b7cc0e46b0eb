"""Group the ordered photos into events (pressroom.curate's time and place clustering)."""

from __future__ import annotations

from ..context import DesignContext


def group(ctx: DesignContext) -> None:
    from ....curate import curate, item

    if not ctx.photos:
        return
    items = [item(p.id, p.tags, p.captured_at, None, p.width, p.height) for p in ctx.photos]
    rank = {p.id: i for i, p in enumerate(ctx.photos)}
    by_id = {p.id: p for p in ctx.photos}
    events = [sorted(e, key=rank.__getitem__) for e in curate(items).events if e]
    seen = {pid for e in events for pid in e}
    missing = [p.id for p in ctx.photos if p.id not in seen]
    if missing:
        events.append(missing)
    events.sort(key=lambda e: rank[e[0]])  # events in the book's order
    ctx.events = [[by_id[pid] for pid in e] for e in events]
