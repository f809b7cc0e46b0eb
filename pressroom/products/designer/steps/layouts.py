"""Choose every page's layout, spread by spread (facing pages as pairs: page 1 alone, then
2+3, 4+5, ..., the last even page alone).

For each page every layout with as many frames as it has photos is tried with every
assignment of photos to frames (grids of 5-6: reading order or matched by aspect), each photo
placed by crop.place on the page's real safe zone (gutter side included) and costed by
fit.exact (crop lost, ppi short of target, faces cut or without headroom, fitted or shrunk
photos; the target counts as reachable when a layout for as many photos takes the photo
there) and fit.coverage_cost (a page mostly white), plus CHRONOLOGY for each pair of photos
out of capture order in reading order, GUTTER_BLEED for a photo bleeding into the binding,
and on a chapter's first page opener_cost. The best
few of each page combine into candidate spreads, and a Viterbi pass over the spreads picks
the cheapest sequence, paying REPEAT for a spread laid out like the one before, SHARED for
each layout the two spreads share, so the book does not read as one grid, and FACING for
facing pages that copy one asymmetric layout (2-up-mixed faces its mirror).
"""

from __future__ import annotations

import itertools
from datetime import datetime

from pressroom.photos import PhotoFacts

from ...book import Page
from ...layout import Layout, layouts
from ...model import Rect
from .. import fit
from ..context import DesignContext, PagePlan
from ..crop import place
from ..geometry import page_frames, page_size, safe_zone, side
from ..score import COVERAGE_FULL
from .select import best_reach, page_layouts

CHRONOLOGY = 0.3  # per pair of photos out of capture order on a page
REPEAT = 1.0  # a spread laid out exactly like the one before
SHARED = 0.25  # each layout a spread shares with the one before
FACING = 0.6  # facing pages with the same asymmetric layout: a copy, not a spread
SYMMETRIC = {
    "1-up-square",
    "a4-1-up-landscape-top",
    "a4-1-up-landscape-centre",
    "a4-2-up-landscape-top",
    "2-up-landscapes",
    "2-up-portraits",
    "4-up-grid",
    "6-up-grid-3x2",
    "6-up-grid-2x3",
    "5-up-grid",
    "3-up-portraits",
    "sq-4-up-portraits-landscapes",
    "sq-4-up-landscapes-portraits",
}
OPENER_CAPTION = 1.0  # a chapter's first page without room for its caption
# a chapter's one photo framed on white (28x21: a square statue cut to 1.15 in 1-up-square, 0.61
# of the page) where l-opener-portrait bleeds it off three edges beside the caption
OPENER_PLAIN = 1.0
# A photo bleeding off a page's binding edge but not its outer edge runs into the fold of a
# bound book; each such layout has a mirror that bleeds off the outer edge instead.
GUTTER_BLEED = 1.0
KEEP = 4  # best layouts per page carried into the spread search

_LATE = datetime.max


def _inversions(photos: list[PhotoFacts], perm: tuple[int, ...]) -> int:
    t = [photos[i].time or _LATE for i in perm]
    return sum(a > b for a, b in itertools.combinations(t, 2))


def _perms(lay: Layout, photos: list[PhotoFacts], frames: list[Rect]) -> list[tuple[int, ...]]:
    k = len(photos)
    if k <= 4:
        return list(itertools.permutations(range(k)))
    fr = sorted(range(k), key=lambda f: frames[f].aspect)
    ph = sorted(range(k), key=lambda j: photos[j].aspect)
    matched = [0] * k
    for f, j in zip(fr, ph, strict=True):
        matched[f] = j
    return [tuple(range(k)), tuple(matched)]


def page_options(
    ctx: DesignContext, plan: PagePlan, number: int, reach: dict[str, float]
) -> list[tuple[float, str, tuple[int, ...]]]:
    """(cost, layout, assignment) for the page, cheapest first."""
    prod = ctx.product
    table = layouts()
    w, h = page_size(prod, plan.photos[0].aspect)
    trim = Rect(0, 0, w, h)
    safe = safe_zone(prod, w, h, number)
    probe = Page(number, w, h, prod.bleed, "", safe=safe, side=side(prod, number))
    out = []
    lids = [lid for lid in page_layouts(prod) if allowed(table[lid], plan)]
    rects = {lid: page_frames(table[lid], trim, prod.bleed) for lid in lids}
    placed = {
        (lid, f, j): place(photo, r, safe, prod)
        for lid, rs in rects.items()
        for f, r in enumerate(rs)
        for j, photo in enumerate(plan.photos)
    }
    # The best ppi each photo reaches on a page of this many photos (as Fits.reach, faces
    # kept safe): the plan has fixed the count, so a photo no such layout takes to the target
    # is not cut into a worse shape to come a little closer (a lone 2560-px landscape squared
    # to 276 ppi instead of 264).
    near = [
        min(reach[ph.id], max((pl.ppi for (_, _, i), pl in placed.items()
                               if i == j and "fitted" not in pl.flags), default=0.0))
        for j, ph in enumerate(plan.photos)
    ]  # fmt: skip
    bled = any(table[lid].opener for lid in lids)  # an opener's layout takes the photos
    for lid in lids:
        lay = table[lid]
        frames = rects[lid]
        gutter = GUTTER_BLEED if into_binding(lay, probe.side) else 0.0
        pair: dict[tuple[int, int], float] = {}
        area: dict[tuple[int, int], float] = {}
        for f in range(len(frames)):
            for j in range(len(plan.photos)):
                pl = placed[(lid, f, j)]
                pair[(f, j)] = fit.exact(pl, probe, near[j], prod)
                area[(f, j)] = fit.shown(pl, probe)
        opens = plan.first_of_event and prod.is_book
        for perm in _perms(lay, plan.photos, frames):
            c = sum(pair[(f, j)] for f, j in enumerate(perm))
            shown = sum(area[(f, j)] for f, j in enumerate(perm))
            c += fit.coverage_cost(shown) + gutter
            c += opener_cost(lay, opens, shown, bled)
            c += CHRONOLOGY * _inversions(plan.photos, perm)
            out.append((round(c, 6), lid, perm))
    if not out:
        raise ValueError(f"{prod.id} has no layout for {len(plan.photos)} photos")
    out.sort()
    seen: set[str] = set()
    best = []
    for o in out:  # the best assignment of each layout
        if o[1] not in seen:
            seen.add(o[1])
            best.append(o)
    return best[:KEEP]


def into_binding(lay: Layout, page_side: str | None) -> bool:
    """Does a frame bleed off the page's binding edge (the left of a right-hand page) without
    bleeding off its outer edge too? A full-bleed page is fine: no single picture sits in the
    fold, the whole page does."""
    if page_side is None:
        return False
    for f in lay.frames:
        left, right = f.rect.x < 1e-6, f.rect.x1 > 1 - 1e-6
        if f.bleed and left != right and (left if page_side == "right" else right):
            return True
    return False


def opener_cost(lay: Layout, opens: bool, shown: float, bled: bool) -> float:
    """On a chapter's first page: OPENER_CAPTION for a layout without room for the caption,
    OPENER_PLAIN for one photo framed on white (under COVERAGE_FULL of the page) where an
    opener's layout would bleed it off the edges beside its caption."""
    if not opens:
        return 0.0
    cost = 0.0 if any(t.role == "caption" for t in lay.texts) else OPENER_CAPTION
    if bled and len(lay.frames) == 1 and not lay.opener and shown < COVERAGE_FULL:
        cost += OPENER_PLAIN
    return cost


def allowed(lay: Layout, plan: PagePlan) -> bool:
    """As many frames as photos; an opener's layout only on a chapter's first page, with
    each photo's shape in its frame's range."""
    if len(lay.frames) != len(plan.photos):
        return False
    if not lay.opener:
        return True
    fits = zip(lay.frames, plan.photos, strict=True)
    return plan.first_of_event and all(f.aspect[0] <= ph.aspect <= f.aspect[1] for f, ph in fits)


def _fixed(plan: PagePlan) -> str | None:
    fixed = {"spread": "spread-panorama", "text": "chapter-text", "title": "chapter-text"}
    return {**fixed, "blank": "blank"}.get(plan.kind)


def choose_layouts(ctx: DesignContext) -> None:
    prod = ctx.product
    reach = dict(ctx.reach)
    for plan in ctx.plans:  # prints and ornaments: their one frame
        for p in plan.photos:
            if p.id not in reach:
                reach[p.id] = best_reach(p, prod)
    options: list[list[tuple[float, str, tuple[int, ...]]]] = []
    for number, plan in enumerate(ctx.plans, start=1):
        fixed = _fixed(plan)
        if fixed:
            options.append([(0.0, fixed, tuple(range(len(plan.photos))))])
        else:
            options.append(page_options(ctx, plan, number, reach))
    if not prod.is_book:  # one page each, nothing faces anything
        for plan, opts in zip(ctx.plans, options, strict=True):
            plan.layout, plan.assignment = opts[0][1], list(opts[0][2])
        return
    units = [[0]] + [
        list(range(i, min(i + 2, len(ctx.plans)))) for i in range(1, len(ctx.plans), 2)
    ]
    # Viterbi over spreads: state = the chosen option of each page of the spread
    trail: list[dict[tuple[int, ...], tuple[float, tuple[int, ...] | None]]] = []
    prev: dict[tuple[int, ...], tuple[float, tuple[int, ...] | None]] = {(): (0.0, None)}
    prev_unit: list[int] = []
    for unit in units:
        cur: dict[tuple[int, ...], tuple[float, tuple[int, ...] | None]] = {}
        for combo in itertools.product(*(range(len(options[p])) for p in unit)):
            own = sum(options[p][c][0] for p, c in zip(unit, combo, strict=True))
            lays = [options[p][c][1] for p, c in zip(unit, combo, strict=True)]
            if len(lays) == 2 and lays[0] == lays[1] and lays[0] not in SYMMETRIC:
                own += FACING
            best: tuple[float, tuple[int, ...] | None] | None = None
            for pc, (pcost, _) in prev.items():
                before = [options[p][c][1] for p, c in zip(prev_unit, pc, strict=True)]
                c = pcost + own + _repeat(before, lays)
                if best is None or c < best[0] - 1e-9:
                    best = (c, pc)
            assert best is not None
            cur[combo] = best
        trail.append(cur)
        prev, prev_unit = cur, unit
    combo = min(prev, key=lambda k: (prev[k][0], k))
    for unit, states in zip(reversed(units), reversed(trail), strict=True):
        for pg, c in zip(unit, combo, strict=True):
            _, layout, assignment = options[pg][c]
            ctx.plans[pg].layout, ctx.plans[pg].assignment = layout, list(assignment)
        back = states[combo][1]
        combo = back if back is not None else ()


def _repeat(before: list[str], now: list[str]) -> float:
    skip = {"blank", "chapter-text", "spread-panorama"}
    if not before:
        return 0.0
    cost = REPEAT if before == now and not set(now) & skip else 0.0
    return cost + SHARED * len((set(before) & set(now)) - skip)
