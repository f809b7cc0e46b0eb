"""Choose each page's layout: the one whose frames suit its photos' orientations best, with
the best assignment of photos to frames (crop lost, resolution short of target)."""

from __future__ import annotations

import itertools
import math

from pressroom.photos import PhotoFacts

from ...model import Layout, Rect, layouts
from ..context import DesignContext, PagePlan
from ..geometry import frame_rect, page_size

OUT_OF_RANGE = 1.0  # penalty for a photo outside the aspect range its frame suits


def _cost(lay: Layout, plan: PagePlan, ctx: DesignContext, perm: tuple[int, ...]) -> float:
    prod = ctx.product
    w, h = page_size(prod, plan.photos[0].aspect)
    trim = Rect(0, 0, w, h)
    cost = 0.0
    for frame, pi in zip(lay.frames, perm, strict=True):
        photo: PhotoFacts = plan.photos[pi]
        r = frame_rect(frame, trim, prod.bleed, trim)
        cost += abs(math.log(photo.aspect / r.aspect))  # share of the photo cropped away
        lo, hi = frame.aspect
        if not lo <= photo.aspect <= hi:
            cost += OUT_OF_RANGE
        crop_w = min(photo.width, photo.height * r.aspect)
        ppi = crop_w / (r.w / 25.4)
        if ppi < prod.target_ppi:
            cost += 2 * (prod.target_ppi / ppi - 1)
    if plan.first_of_event and any(f.bleed for f in lay.frames):
        cost -= 0.3  # an event opens on a full-bleed picture when it can
    return cost


def choose_layouts(ctx: DesignContext) -> None:
    table = layouts()
    for plan in ctx.plans:
        cands = [table[i] for i in ctx.product.layouts if len(table[i].frames) == len(plan.photos)]
        best: tuple[float, str, tuple[int, ...]] | None = None
        for lay in sorted(cands, key=lambda lay: lay.id):
            for perm in itertools.permutations(range(len(plan.photos))):
                c = round(_cost(lay, plan, ctx, perm), 6)
                if best is None or (c, lay.id, perm) < best:
                    best = (c, lay.id, perm)
        if best is None:
            raise ValueError(f"{ctx.product.id} has no layout for {len(plan.photos)} photos")
        plan.layout, plan.assignment = best[1], list(best[2])
