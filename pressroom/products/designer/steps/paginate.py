"""Meet the product's page rules and split events into pages.

Books: between min and max pages, a multiple of `multiple`; 1-4 photos a page, about two on
average, each event starting on a new page and getting pages in proportion to its photos.
Prints and ornaments: one photo a page. Too few photos for the minimum is an error unless
the caller asked for blank pages (`pad`).
"""

from __future__ import annotations

import math

from pressroom.reasons import DesignError

from ..context import DesignContext, PagePlan

MAX_PER_PAGE = 4
AVERAGE_PER_PAGE = 2.0


def _round_to(p: int, multiple: int, lo: int, hi: int) -> int | None:
    up = math.ceil(p / multiple) * multiple
    if up <= hi:
        return up
    down = (p // multiple) * multiple
    return down if down >= lo else None


def paginate(ctx: DesignContext) -> None:
    prod = ctx.product
    n = len(ctx.photos)
    if n == 0:
        raise DesignError("no_photos", f"{len(ctx.dropped)} dropped")
    if not prod.is_book:
        if n > prod.pages_max:
            for p in ctx.photos[prod.pages_max :]:
                ctx.drop(p, "over_page_limit")
            ctx.photos = ctx.photos[: prod.pages_max]
        ctx.plans = [PagePlan([p], event=0) for p in ctx.photos]
        return
    events = ctx.events or [ctx.photos]
    p_lo = sum(math.ceil(len(e) / MAX_PER_PAGE) for e in events)
    if p_lo > prod.pages_max:  # too many events to give each its own pages: one flow
        events = [[p for e in events for p in e]]
        p_lo = math.ceil(n / MAX_PER_PAGE)
    if p_lo > prod.pages_max:  # more photos than the book can hold: keep the best
        keep = sorted(ctx.photos, key=lambda p: (-p.quality, p.id))[: prod.pages_max * 4]
        keep_ids = {p.id for p in keep}
        for p in ctx.photos:
            if p.id not in keep_ids:
                ctx.drop(p, "over_page_limit")
        ctx.photos = [p for p in ctx.photos if p.id in keep_ids]
        events = [ctx.photos]
        n, p_lo = len(ctx.photos), prod.pages_max
        ctx.warnings.append(f"kept the best {n} photos: the book holds at most {n}")
    lo, hi = max(p_lo, prod.pages_min), min(n, prod.pages_max)
    content = None
    if lo <= hi:
        target = min(max(math.ceil(n / AVERAGE_PER_PAGE), lo), hi)
        content = _round_to(target, prod.pages_multiple, lo, hi)
    if content is None:
        if not ctx.pad:
            raise DesignError(
                "not_enough_photos",
                f"{prod.id} needs at least {prod.pages_min} pages; {n} usable photos fill "
                f"at most {n} (pass pad=True / --pad to add blank pages)",
            )
        content = min(n, prod.pages_max)
        total = _round_to(max(content, prod.pages_min), prod.pages_multiple, 0, prod.pages_max)
        ctx.blank_pages = (total or prod.pages_max) - content
        ctx.warnings.append(f"{ctx.blank_pages} blank pages added to reach the page rules")
    counts = _share(content, [len(e) for e in events])
    ctx.plans = []
    for ei, (event, k) in enumerate(zip(events, counts, strict=True)):
        sizes = _rhythm(sorted(_split(len(event), k)))  # opens with its emptiest page
        at = 0
        for j, size in enumerate(sizes):
            ctx.plans.append(PagePlan(event[at : at + size], ei, first_of_event=j == 0))
            at += size


def _share(pages: int, sizes: list[int]) -> list[int]:
    """Pages per event: at least ceil(n/4), at most n, the rest to the most crowded."""
    k = [math.ceil(s / MAX_PER_PAGE) for s in sizes]
    for _ in range(pages - sum(k)):
        open_ = [i for i, s in enumerate(sizes) if k[i] < s]
        i = max(open_, key=lambda i: (sizes[i] / k[i], -i))
        k[i] += 1
    return k


def _rhythm(sizes: list[int]) -> list[int]:
    """Vary neighbouring pages (2+2 -> 1+3, 3+3 -> 2+4) so a book does not read as one grid;
    the photo count and the page count stay the same, and the event still opens lightest."""
    out = list(sizes)
    for pair, j in enumerate(range(1, len(out) - 1, 2)):  # page 0 stays the opener
        a, b = out[j], out[j + 1]
        if a == b and 2 <= a <= 3 and pair % 2 == 0:
            out[j], out[j + 1] = (a - 1, b + 1) if pair % 4 == 0 else (a + 1, b - 1)
    i = out.index(min(out))
    out[0], out[i] = out[i], out[0]
    return out


def _split(n: int, k: int) -> list[int]:
    base, extra = divmod(n, k)
    return [base + (1 if i < extra else 0) for i in range(k)]
