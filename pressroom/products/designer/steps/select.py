"""Drop what should not print: rejected uploads, blurred, screenshots, photos too small for
the product's smallest frame, and near-duplicates or bursts (keeping the best shot of each
group: faces first, the sharpest, then quality). Reads the tags from the tagging step when
present, through pressroom.curate; photos without tags are kept."""

from __future__ import annotations

from pressroom.photos import PhotoFacts

from ...layout import layouts
from ...model import Product
from ..context import DesignContext
from ..geometry import best_ppi

DROP_REASONS = ("blurred", "screenshot")  # printable reasons that take a photo out of a book
SCREENSHOT = 0.5


def _screenshot(p: PhotoFacts) -> bool:
    s = p.tags.get("screenshot")
    score = s.get("score") if isinstance(s, dict) else s
    return isinstance(score, (int, float)) and score >= SCREENSHOT


def page_layouts(product: Product) -> list[str]:
    """The product's layouts that hold photos on one page (no spread, no text page)."""
    table = layouts()
    return [i for i in product.layouts if table[i].kind == "page" and table[i].frames]


def best_reach(p: PhotoFacts, product: Product) -> float:
    """The best ppi the photo reaches in any frame of the product's page layouts."""
    table = layouts()
    return max(best_ppi(product, table[i], p.width, p.height) for i in page_layouts(product))


def too_small(p: PhotoFacts, product: Product) -> bool:
    """Under the product's minimum ppi even in its smallest frame: a postage stamp at best."""
    return best_reach(p, product) < product.min_ppi - 1e-6


def _sharpness(p: PhotoFacts) -> float:
    """Sharpness where it matters: the faces' own when the tagger recorded it, else the
    photo's (variance of the Laplacian, comparable across photos)."""
    per_face = [f.get("sharpness") for f in p.tags.get("faces") or [] if isinstance(f, dict)]
    vals = [float(v) for v in per_face if isinstance(v, (int, float))]
    if vals:
        return min(vals)
    s = p.tags.get("sharpness")
    return float(s) if isinstance(s, (int, float)) else 0.0


def best_shot_key(p: PhotoFacts) -> tuple[bool, bool, float, float, str]:
    """Best first within a burst or duplicate group: printable, with faces (a look-alike
    where no face was found has them turned away or blurred), sharpest, best quality."""
    return (not p.printable, not p.faces, -_sharpness(p), -p.quality, p.id)


def select(ctx: DesignContext) -> None:
    from ....curate import curate, item

    kept: list[PhotoFacts] = []
    for p in ctx.photos:
        if p.state != "uploaded" or not p.master or not p.width or not p.height:
            ctx.drop(p, p.reason or "not_uploaded")
        else:
            kept.append(p)
    by_id = {p.id: p for p in kept}
    c = curate([item(p.id, p.tags, p.captured_at, None, p.width, p.height) for p in kept])
    gone: dict[str, str] = {}
    for pid, reasons in c.unprintable.items():
        bad = [r for r in reasons if r in DROP_REASONS]
        if bad:
            gone[pid] = bad[0]
    for p in kept:
        if p.id not in gone and _screenshot(p):
            gone[p.id] = "screenshot"
        elif p.id not in gone and too_small(p, ctx.product):
            gone[p.id] = "too_small"
    for group in c.duplicates:
        live = sorted((by_id[pid] for pid in group if pid not in gone), key=best_shot_key)
        for p in live[1:]:
            gone[p.id] = "duplicate"
    for pid, reason in gone.items():
        ctx.drop(by_id[pid], reason)
    ctx.photos = [p for p in kept if p.id not in gone]
