"""Exposure: mean luma (0..1) and the share of pixels clipped to black or white (percent)."""

from __future__ import annotations

import numpy as np

from ..context import TagContext

DARK, BRIGHT = 5, 250  # luma at or beyond these carries no printable detail


def exposure(ctx: TagContext) -> None:
    assert ctx.grey is not None
    hist = np.bincount(ctx.grey.ravel(), minlength=256).astype(np.float64)
    n = hist.sum()
    ctx.tags["exposure"] = {
        "mean": round(float((hist * np.arange(256)).sum() / n / 255), 4),
        "clipped_dark": round(float(100 * hist[: DARK + 1].sum() / n), 2),
        "clipped_bright": round(float(100 * hist[BRIGHT:].sum() / n), 2),
    }
