"""Printable: would this photo look acceptable in a printed book? A verdict with reasons.

Reasons: too_small (shorter side < 800 px: under 150 ppi on a 13x13 cm page), blurred,
too_dark, too_bright, screenshot.
"""

from __future__ import annotations

from ..context import TagContext

MIN_SHORT_SIDE = 800
BLURRED = 150.0  # Laplacian variance at WORK_SIZE: under every sharp corpus photo (236+)
DARK_MEAN, BRIGHT_MEAN = 0.12, 0.9
SCREENSHOT = 0.5


def printable(ctx: TagContext) -> None:
    t = ctx.tags
    reasons = []
    if min(ctx.master_size) < MIN_SHORT_SIDE:
        reasons.append("too_small")
    if t["sharpness"] < BLURRED:
        reasons.append("blurred")
    if t["exposure"]["mean"] < DARK_MEAN:
        reasons.append("too_dark")
    if t["exposure"]["mean"] > BRIGHT_MEAN:
        reasons.append("too_bright")
    if t["screenshot"]["score"] >= SCREENSHOT:
        reasons.append("screenshot")
    t["printable"] = {"ok": not reasons, "reasons": reasons}
