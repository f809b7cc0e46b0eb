"""The page count against the product's rules; for a cover file, the count its spine implies."""

from __future__ import annotations

from ..context import PreflightContext
from ..report import FAIL


def page_count(ctx: PreflightContext) -> None:
    p, r, cover = ctx.product, ctx.report, ctx.cover
    if p is None:
        return
    if cover is not None:
        if cover["pages"] is None:
            return  # the cover fits no page count: cover_construction says so
        for why in p.pages_ok(cover["pages"]):
            r.add(FAIL, "spine", f"cover spine {cover['spine_mm']} mm implies {why}")
        return
    for why in p.pages_ok(len(r.pages)):
        r.add(FAIL, "page_count", why)
