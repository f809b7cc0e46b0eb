"""Drop what should not print: rejected uploads, blurred, screenshots and near-duplicates
(keeping the best of each group). Reads the tags from the tagging step when present, through
pressroom.curate; photos without tags are kept."""

from __future__ import annotations

from pressroom.photos import PhotoFacts

from ..context import DesignContext

DROP_REASONS = ("blurred", "screenshot")  # printable reasons that take a photo out of a book
SCREENSHOT = 0.5


def _screenshot(p: PhotoFacts) -> bool:
    s = p.tags.get("screenshot")
    score = s.get("score") if isinstance(s, dict) else s
    return isinstance(score, (int, float)) and score >= SCREENSHOT


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
    for group in c.duplicates:  # best first
        live = [pid for pid in group if pid not in gone]
        for pid in live[1:]:
            gone[pid] = "duplicate"
    for pid, reason in gone.items():
        ctx.drop(by_id[pid], reason)
    ctx.photos = [p for p in kept if p.id not in gone]
