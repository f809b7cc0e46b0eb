"""Page count and page plans from the photos.

Books: the page count is the one asked for; not asked, the plan chooses it, from the
product's minimum (or what the chapters need) up to one page for AVERAGE_PER_PAGE photos,
within the product's rules. A dynamic programme cuts the chapters' photos (in order) into
pages, each page one of:

- photos: 1-6 photos of one chapter (cost: distance from the density of the photos over the
  largest page count allowed, plus the best layout's fit, fit.exact of each photo in each
  frame: crop, ppi, faces, and the page's coverage, over the layouts the layout search tries
  on that page, a chapter's first page with its opener costs; LONE for a portrait alone on a
  landscape page);
- spread: one photo across a left page and the right page facing it (a panoramic spread),
  allowed only when no face lies in the gutter zone (the safe margin plus the gutter on both
  sides of the fold) and no other subject sits on the fold (subject.py: a cat, a palm tree);
- text: a chapter opener (dates and place), before the chapter's first photos; page 1 may
  be a title page (the book's title and dates).

With fewer photos than pages the density falls under one, so pages take fewer photos, then
spreads and openers, before any blank page. Blank pages come only when even one photo a page,
every possible spread and every opener cannot reach the product's minimum; then they go where
a printer expects them (the last page, facing the back endpaper, then page 1, facing the front
one) and the book says how many more photos would fill them. Without `pad` that is an error
(not_enough_photos) saying the same.
Prints and ornaments: one photo a page.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from functools import cache

from pressroom.photos import PhotoFacts
from pressroom.reasons import DesignError

from ...book import Page
from ...layout import Layout, layouts
from ...model import Product
from .. import fit
from ..context import DesignContext, PagePlan, face_rects
from ..crop import place
from ..geometry import layout_frames, page_size, safe_zone, spread_zones
from ..subject import subject_on_fold
from .layouts import allowed, opener_cost
from .select import best_reach, page_layouts

MAX_PER_PAGE = 6
CAPACITY_PER_PAGE = 4  # photos kept when there are more than the largest book holds
AVERAGE_PER_PAGE = 2.0
W_DENSITY = 0.3
# A chapter opened on a page of text instead of photos: dearer than any photo page but the
# emptiest (half of W_SPARSE), so only where photos run short. At 0.6 the plan opened six of
# a 24-page A4 book's chapters (44 photos) on text pages rather than shrink a photo page.
TEXT_COST = fit.W_SPARSE / 2
TITLE_COST = 1.0  # page 1 as a title page (the book's title and dates)
LEFT_OPENER = 0.4  # openers read best on a right-hand page
PANORAMA = 1.8  # photos this wide make a spread gladly
SPREAD_MIN_ASPECT = 1.2  # narrower photos lose too much across a spread
SPREAD_COST = 0.5  # a spread instead of two pages of photos
SPREAD_AFTER_SPREAD = 1.0  # two spreads in a row read as one long strip
# A portrait alone on a landscape page (28x21), not a chapter's first page: half the page
# beside it stays white, which a designer fills by pairing it (2-up-portraits) or lets an
# opener's caption fill (l-opener-portrait). Dearer than a title page (TITLE_COST + density)
# and than the density a pair saves, so a plan with pages to spare does not split pairs.
# (A landscape alone on A4 is a designed band across the page: a4-1-up-landscape-centre.)
LONE = 1.0
INF = float("inf")
BAND = 16  # photos placed after j pages stay within this of j x density (keeps the plan fast)


def _round_to(p: int, multiple: int, lo: int, hi: int) -> int | None:
    up = math.ceil(p / multiple) * multiple
    if up <= hi:
        return up
    down = (p // multiple) * multiple
    return down if down >= lo else None


@cache
def _by_count(ids: tuple[str, ...]) -> dict[int, list[Layout]]:
    """The page layouts (of these ids) by how many photos they hold."""
    table = layouts()
    out: dict[int, list[Layout]] = {}
    for i in ids:
        out.setdefault(len(table[i].frames), []).append(table[i])
    return out


class Fits:
    """Quick costs of photos on pages, cached: the dynamic programme asks many times."""

    def __init__(self, product: Product, photos: list[PhotoFacts]) -> None:
        self.product = product
        self.photos = photos
        self.by_count = _by_count(tuple(page_layouts(product)))
        self.frames = {
            lay.id: layout_frames(product, lay) for ls in self.by_count.values() for lay in ls
        }
        w, h = page_size(product)
        self.lone = [w > (1 + fit.SQUARE) * h and p.aspect < 1 - fit.SQUARE for p in photos]
        # Placed as on a right-hand page (gutter on the left); the layout search redoes them
        # on each page's own side.
        self.safe = safe_zone(product, w, h, 1)
        self.probe = Page(1, w, h, product.bleed, "", safe=self.safe, side="right")
        # A photo's quick costs depend on its size and faces alone, so photos of one shape
        # (a phone's 4032x3024 without faces, say) are placed once.
        shapes: dict[tuple[object, ...], int] = {}
        self._shape = [
            shapes.setdefault(
                (p.width, p.height, *((f.x, f.y, f.w, f.h) for f in face_rects(p))), len(shapes)
            )
            for p in photos
        ]
        # Each shape's first photo stands for it (setdefault numbered shapes in that order).
        reps = [photos[self._shape.index(s)] for s in range(len(shapes))]
        placed = [
            {
                (lay, f): place(rep, r, self.safe, product)
                for lay, rs in self.frames.items()
                for f, r in enumerate(rs)
            }
            for rep in reps
        ]
        # The best ppi a photo of each shape reaches in a frame of the product with its faces
        # kept safe.
        reach = [
            max((pl.ppi for pl in pls.values() if "fitted" not in pl.flags), default=0.0)
            for pls in placed
        ]
        self.reach = [reach[s] for s in self._shape]  # by photo
        self._pair = {
            (s, lay, f): fit.exact(pl, self.probe, reach[s], product)
            for s, pls in enumerate(placed)
            for (lay, f), pl in pls.items()
        }
        self._area = {
            (s, lay, f): fit.shown(pl, self.probe)
            for s, pls in enumerate(placed)
            for (lay, f), pl in pls.items()
        }
        self._page: dict[tuple[int, int], tuple[float, float]] = {}

    def pair(self, i: int, lay: str, f: int) -> float:
        return self._pair[(self._shape[i], lay, f)]

    def page(self, i: int, k: int, opener: bool = False) -> float:
        """Best quick cost of photos i..i+k-1 on one page over the k-frame layouts the layout
        search tries there, with its costs for a chapter's first page (layouts.allowed,
        layouts.opener_cost)."""
        if (i, k) not in self._page:
            self._page[(i, k)] = self._best_page(i, k)
        return self._page[(i, k)][opener]

    def _best_page(self, i: int, k: int) -> tuple[float, float]:
        """(inside a chapter, on its first page), in one pass over the assignments."""
        inner, first = INF, INF
        plan = PagePlan(self.photos[i : i + k], 0, first_of_event=True)
        lays = [lay for lay in self.by_count.get(k, []) if allowed(lay, plan)]
        bled = any(lay.opener for lay in lays)
        for lay in lays:
            idx = range(i, i + k)
            if k <= 4:
                perms: Iterator[tuple[int, ...]] = itertools.permutations(idx)
            else:  # a grid: reading order, or photos matched to frames by aspect
                fr = sorted(range(k), key=lambda f: self.frames[lay.id][f].aspect)
                ph = sorted(idx, key=lambda j: self.photos[j].aspect)
                matched = [0] * k
                for f, j in zip(fr, ph, strict=True):
                    matched[f] = j
                perms = iter([tuple(idx), tuple(matched)])
            best = INF
            for perm in perms:
                c = sum(self.pair(j, lay.id, f) for f, j in enumerate(perm))
                shown = sum(self._area[(self._shape[j], lay.id, f)] for f, j in enumerate(perm))
                c += fit.coverage_cost(shown)
                c1 = c + opener_cost(lay, True, shown, bled)
                first = min(first, c1)
                best = min(best, c)
            if not lay.opener:
                inner = min(inner, best)
        return inner + (LONE if k == 1 and self.lone[i] else 0.0), first


def spreadable(photo: PhotoFacts, product: Product) -> float | None:
    """Quick cost of the photo across a spread, or None when a face would lie in the gutter
    zone (or no crop keeps the faces safe on one side of the fold) or a subject on the fold."""
    if photo.aspect < SPREAD_MIN_ASPECT:
        return None
    frame, sides = spread_zones(product)
    fold = page_size(product)[0]
    for safe in sides:
        pl = place(photo, frame, safe, product)
        if "fitted" in pl.flags or "shrunk" in pl.flags or subject_on_fold(photo, pl, fold):
            continue
        if all(safe.contains(f, 1e-6) for f in pl.faces):
            loss = 1 - min(photo.aspect, frame.aspect) / max(photo.aspect, frame.aspect)
            cost = SPREAD_COST + fit.W_CROP * loss
            cost += fit.ppi_cost(pl.ppi, best_reach(photo, product), product)
            return cost - (0.5 if photo.aspect >= PANORAMA else 0.0)
    return None


def paginate(ctx: DesignContext) -> None:
    prod = ctx.product
    n = len(ctx.photos)
    if n == 0:
        raise DesignError("no_photos", f"{len(ctx.dropped)} dropped", message=_none_usable(ctx))
    if not prod.is_book:
        if n > prod.pages_max:
            for p in ctx.photos[prod.pages_max :]:
                ctx.drop(p, "over_page_limit")
            ctx.photos = ctx.photos[: prod.pages_max]
        ctx.plans = [PagePlan([p], event=0) for p in ctx.photos]
        return
    if n > prod.pages_max * CAPACITY_PER_PAGE:  # more than the book can hold: keep the best
        keep = sorted(ctx.photos, key=lambda p: (-p.quality, p.id))[: prod.pages_max * 4]
        ids = {p.id for p in keep}
        for p in ctx.photos:
            if p.id not in ids:
                ctx.drop(p, "over_page_limit")
        ctx.photos = [p for p in ctx.photos if p.id in ids]
        for ch in ctx.chapters:
            ch.photos = [p for p in ch.photos if p.id in ids]
        ctx.chapters = [ch for ch in ctx.chapters if ch.photos]
        n = len(ctx.photos)
        ctx.warnings.append(f"kept the best {n} photos: the book holds at most {n}")
    seq = [p for ch in ctx.chapters for p in ch.photos]
    chapter = [ci for ci, ch in enumerate(ctx.chapters) for _ in ch.photos]
    starts = {0} | {i for i in range(1, n) if chapter[i] != chapter[i - 1]}
    need = sum(math.ceil(len(ch.photos) / MAX_PER_PAGE) for ch in ctx.chapters)
    want = ctx.pages or math.ceil(n / AVERAGE_PER_PAGE)
    total = (
        _round_to(
            min(max(want, need, prod.pages_min), prod.pages_max),
            prod.pages_multiple,
            prod.pages_min,
            prod.pages_max,
        )
        or prod.pages_max
    )
    if ctx.pages and total != ctx.pages:
        ctx.warnings.append(f"{ctx.pages} pages asked for; {prod.id} rules give {total}")
    # Not asked for: any count the rules allow from the chapters' need up to `want` may do;
    # the plan picks the cheapest (photos that pair up do not pad the book with lone pages).
    # With more than 2 x BAND photos the plan's band keeps it within BAND photos of the
    # average, so at most BAND / AVERAGE_PER_PAGE pages under `want` (200 photos: 92-100).
    low = max(need, prod.pages_min)
    counts = [c for c in range(low, total + 1) if c % prod.pages_multiple == 0]
    counts = (counts if not ctx.pages and want <= prod.pages_max else []) or [total]
    spread = [spreadable(p, prod) for p in seq]
    fill = (
        n + sum(c is not None for c in spread) + sum(bool(c.title or c.place) for c in ctx.chapters)
    )
    blanks = max(0, total - fill)
    plans = None
    while plans is None:  # spreads start on left pages: parity may cost a page more
        front = 1 if blanks >= 2 else 0  # page 1 faces the front endpaper
        sizes = counts if not blanks else [total - blanks]
        plans = _plan(ctx, seq, chapter, starts, spread, sizes, first=1 + front)
        if plans is None:
            blanks += 1
    if blanks:
        ctx.more_photos = blanks
        filled = total - blanks
        msg = f"{blanks} more photos would fill the book ({n} usable photos fill {filled} pages)"
        if not ctx.pad:
            said = (
                f"{prod.id} needs at least {total} pages, and "
                f"{'1 usable photo fills' if n == 1 else f'the {n} usable photos fill'} "
                f"{filled} page{'' if filled == 1 else 's'}: add {blanks} more photos, or "
                "allow blank pages (--pad)."
            )
            raise DesignError("not_enough_photos", said, message=said)
        ctx.blank_pages = blanks
        ctx.warnings.append(f"{blanks} blank pages added to reach the page rules; {msg}")
    blank = [PagePlan([], event=-1, kind="blank") for _ in range(blanks)]
    ctx.plans = blank[:front] + plans + blank[front:]


def _none_usable(ctx: DesignContext) -> str:
    """Why no photo is left, by reason: "None of the 20 photos can go into the book (14
    rejected at upload (not_an_image, truncated); 6 blurred)"."""
    from ....reasons import reason

    counts: dict[str, int] = {}
    for d in ctx.dropped:
        counts[d["reason"]] = counts.get(d["reason"], 0) + 1
    upload = sorted(c for c in counts if reason("upload", c) is not None)
    parts = [f"{sum(counts[c] for c in upload)} rejected at upload ({', '.join(upload)})"]
    parts = parts if upload else []
    for code, k in sorted(counts.items(), key=lambda kv: -kv[1]):
        if code not in upload:
            parts.append(f"{k} {code.replace('_', ' ')}")
    why = f" ({'; '.join(parts)})" if parts else ""
    return f"None of the {len(ctx.dropped)} photos can go into the book{why}."


def _plan(
    ctx: DesignContext,
    seq: list[PhotoFacts],
    chapter: list[int],
    starts: set[int],
    spread: list[float | None],
    sizes: list[int],
    first: int,
) -> list[PagePlan] | None:
    """The cheapest cut of `seq` into exactly one of `sizes` pages (page `first` onwards; the
    density aimed at is that of the largest); None when no cut fills any of them."""
    pages = max(sizes, default=0)
    if pages <= 0:
        return None
    n = len(seq)
    fits = Fits(ctx.product, seq)
    ctx.reach = {p.id: r for p, r in zip(seq, fits.reach, strict=True)}
    d = n / pages
    words = [bool(ch.title or ch.place) for ch in ctx.chapters]
    openers = {i for i in starts if words[chapter[i]]}
    end = [0] * n  # end (exclusive) of each photo's chapter
    for i in range(n - 1, -1, -1):
        end[i] = end[i + 1] if i + 1 < n and chapter[i + 1] == chapter[i] else i + 1
    # best[(i, j, t)] = (cost, previous state, move): i photos placed on j pages, t = what the
    # last page was (0 photos, 1 an opener, 2 a spread, 3 the title page)
    best: dict[
        tuple[int, int, int], tuple[float, tuple[int, int, int] | None, tuple[str, int] | None]
    ] = {(0, 0, 0): (0.0, None, None)}
    for j in range(pages):
        lo, hi = (max(0, int(j * d) - BAND), min(n, int(j * d) + BAND)) if n > 2 * BAND else (0, n)
        for i in range(lo, hi + 1):
            for t in (0, 1, 2, 3):
                state = best.get((i, j, t))
                if state is None:
                    continue
                number = first + j
                moves: list[tuple[int, int, int, float, tuple[str, int]]] = []
                if i < n:
                    opens = i in starts and t != 1  # a chapter's first page (no text opener)
                    for k in range(1, min(MAX_PER_PAGE, end[i] - i) + 1):
                        c = W_DENSITY * (k - d) ** 2 + fits.page(i, k, opens)
                        moves.append((i + k, j + 1, 0, c, ("photos", k)))
                    if (sp := spread[i]) is not None and number % 2 == 0 and j + 2 <= pages:
                        c = W_DENSITY * 2 * (0.5 - d) ** 2 + sp
                        c += SPREAD_AFTER_SPREAD if t == 2 else 0.0
                        moves.append((i + 1, j + 2, 2, c, ("spread", 1)))
                    if i == 0 and j == 0 and ctx.title and first == 1:  # a title page
                        c = W_DENSITY * d**2 + TITLE_COST
                        moves.append((i, j + 1, 3, c, ("title", 0)))
                    if t != 1 and i in openers:
                        c = W_DENSITY * d**2 + TEXT_COST + (LEFT_OPENER if number % 2 == 0 else 0)
                        moves.append((i, j + 1, 1, c, ("text", 0)))
                for ni, nj, nt, c, move in moves:
                    key = (ni, nj, nt)
                    if key not in best or state[0] + c < best[key][0] - 1e-9:
                        best[key] = (state[0] + c, (i, j, t), move)
    ends = [(n, size, t) for size in sizes for t in (0, 1, 2, 3)]
    goal = min(((best[k][0], k) for k in ends if k in best), default=None)
    if goal is None:
        return None
    path = []
    at: tuple[int, int, int] | None = goal[1]
    while at is not None and best[at][1] is not None:
        _, prev, taken = best[at]
        assert prev is not None and taken is not None
        path.append((prev[0], taken))
        at = prev
    plans: list[PagePlan] = []
    opened: set[int] = set()
    for i, (kind, k) in reversed(path):
        ci = chapter[min(i, n - 1)]
        first_of = ci not in opened
        if kind != "title":  # the title page opens the book, not its first chapter
            opened.add(ci)
        if kind == "photos":
            plans.append(PagePlan(seq[i : i + k], ci, first_of_event=first_of))
        elif kind == "spread":
            plans.append(PagePlan([seq[i]], ci, first_of_event=first_of, kind="spread"))
            plans.append(PagePlan([seq[i]], ci, kind="spread"))
        elif kind == "title":
            plans.append(PagePlan([], -1, kind="title"))
        else:
            plans.append(PagePlan([], ci, first_of_event=first_of, kind="text"))
    return plans
