"""Overall quality 0..1: a technical score (sharp, well exposed, big enough, not a screenshot).

    quality = (0.55 sharp + 0.25 exposed + 0.2 resolution) * (1 - 0.8 screenshot)

Each part is 0..1. Sharpness anchors, measured at WORK_SIZE on 40 corpus photos: sharp
originals 236-3555 (median ~1300); the same blurred by sigma = 0.4% of the long side 32-320.
"""

from __future__ import annotations

import math

from ..context import TagContext

SOFT, CRISP = 50.0, 1500.0  # Laplacian variance at WORK_SIZE: log-scaled between these
GOOD_MP = 6.0  # megapixels for a sharp A4 print at ~250 ppi


def sharp_part(sharpness: float) -> float:
    lo, hi = math.log(SOFT), math.log(CRISP)
    return min(1.0, max(0.0, (math.log(max(sharpness, 1e-3)) - lo) / (hi - lo)))


def exposure_part(e: dict[str, float]) -> float:
    centred = 1 - min(1.0, abs(e["mean"] - 0.47) / 0.4)
    clipped = min(1.0, (e["clipped_dark"] + e["clipped_bright"]) / 25)
    return max(0.0, centred - clipped)


def quality(ctx: TagContext) -> None:
    t = ctx.tags
    w, h = ctx.master_size
    resolution = min(1.0, w * h / (GOOD_MP * 1e6)) ** 0.5
    q = 0.55 * sharp_part(t["sharpness"]) + 0.25 * exposure_part(t["exposure"]) + 0.2 * resolution
    q *= 1 - 0.8 * t["screenshot"]["score"]
    t["quality"] = round(q, 3)
