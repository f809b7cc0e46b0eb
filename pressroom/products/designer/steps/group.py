"""Group the ordered photos into events (pressroom.curate's time and place clustering), then
into chapters: a book of many small events (a day here, an afternoon there) would open a new
chapter every page, so the closest events in time merge until each chapter holds about
PHOTOS_PER_CHAPTER photos. Each chapter gets its caption: dates, and the place its photos'
GPS names (offline gazetteer, designer/places.py)."""

from __future__ import annotations

import math
from datetime import datetime

from pressroom.photos import PhotoFacts

from ..context import Chapter, DesignContext
from ..places import place_name

PHOTOS_PER_CHAPTER = 5  # books; prints and ornaments have no chapters


def _span(photos: list[PhotoFacts]) -> tuple[datetime, datetime] | None:
    times = [p.time for p in photos if p.time]
    return (min(times), max(times)) if times else None


def dates(photos: list[PhotoFacts]) -> str:
    """ "4 May 2024", "4-9 May 2024", "28 April - 3 May 2024", "30 Dec 2023 - 2 Jan 2024"."""
    span = _span(photos)
    if span is None:
        return ""
    a, b = span
    if a.date() == b.date():
        return f"{a.day} {a:%B %Y}"
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}\u2013{b.day} {b:%B %Y}"
    if a.year == b.year:
        return f"{a.day} {a:%B} \u2013 {b.day} {b:%B %Y}"
    if (b - a).days < 31:
        return f"{a.day} {a:%b %Y} \u2013 {b.day} {b:%b %Y}"
    return f"{a.year}\u2013{b.year}"


def _same(a: list[PhotoFacts], b: list[PhotoFacts], fmt: str) -> bool:
    sa, sb = _span(a), _span(b)
    return sa is not None and sb is not None and f"{sa[0]:{fmt}}" == f"{sb[1]:{fmt}}"


def _merge(events: list[list[PhotoFacts]], limit: int) -> list[list[PhotoFacts]]:
    """Fewer, larger chapters while there are more than `limit`: events of the same month
    join, then of the same year, then the two neighbours closest in time; undated photos stay
    a chapter of their own at the end."""
    out = [list(e) for e in events]
    for fmt in ("%Y-%m", "%Y"):
        if len(out) <= limit:
            return out
        joined: list[list[PhotoFacts]] = []
        for e in out:
            if joined and _same(joined[-1], e, fmt):
                joined[-1] = joined[-1] + e
            else:
                joined.append(e)
        out = joined
    while len(out) > limit:
        best: tuple[float, int] | None = None
        for i in range(len(out) - 1):
            a, b = _span(out[i]), _span(out[i + 1])
            if a is None or b is None:
                continue
            gap = (b[0] - a[1]).total_seconds() + 3600 * (len(out[i]) + len(out[i + 1]))
            if best is None or gap < best[0]:
                best = (gap, i)
        if best is None:
            break
        i = best[1]
        out[i : i + 2] = [out[i] + out[i + 1]]
    return out


def group(ctx: DesignContext) -> None:
    from ....curate import curate, item

    if not ctx.photos:
        return
    items = [item(p.id, p.tags, p.captured_at, p.gps, p.width, p.height) for p in ctx.photos]
    rank = {p.id: i for i, p in enumerate(ctx.photos)}
    by_id = {p.id: p for p in ctx.photos}
    events = [sorted(e, key=rank.__getitem__) for e in curate(items).events if e]
    seen = {pid for e in events for pid in e}
    missing = [p.id for p in ctx.photos if p.id not in seen]
    if missing:
        events.append(missing)
    events.sort(key=lambda e: rank[e[0]])  # events in the book's order
    ctx.events = [[by_id[pid] for pid in e] for e in events]
    if not ctx.product.is_book:
        ctx.chapters = [Chapter(list(ctx.photos))]
        return
    limit = max(1, math.ceil(len(ctx.photos) / PHOTOS_PER_CHAPTER))
    ctx.chapters = []
    for photos in _merge(ctx.events, limit):
        points = [(p.gps["lat"], p.gps["lon"]) for p in photos if p.gps and "lat" in p.gps]
        ctx.chapters.append(Chapter(photos, dates(photos), place_name(points)))
