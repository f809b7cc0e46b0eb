"""Five dominant colours: k-means in CIELAB (perceptual distances) on a 64-px thumbnail.

Each colour is {"hex": "#rrggbb", "share": fraction of the picture}, largest share first.
k-means starts from fixed seeds so the same photo always gives the same palette.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..context import TagContext
from .pixels import resize_long

K = 5


def palette(rgb: np.ndarray, k: int = K) -> list[dict[str, object]]:
    small = resize_long(rgb, 64)
    lab8 = cv2.cvtColor(small, cv2.COLOR_RGB2LAB).reshape(-1, 3)
    # distinct colours, counted on packed 24-bit keys (np.unique over rows sorts records)
    k = min(k, len(np.unique(lab8.astype(np.int32) @ np.array([65536, 256, 1], np.int32))))
    lab = lab8.astype(np.float32)
    cv2.setRNGSeed(12345)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    _, labels, centres = cv2.kmeans(lab, k, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    counts = np.bincount(labels.ravel(), minlength=k)
    rgb_c = cv2.cvtColor(np.clip(centres, 0, 255).astype(np.uint8)[None], cv2.COLOR_LAB2RGB)[0]
    order = np.argsort(-counts, kind="stable")
    n = counts.sum()
    return [
        {"hex": "#{:02x}{:02x}{:02x}".format(*map(int, rgb_c[i])), "share": round(counts[i] / n, 3)}
        for i in order
        if counts[i]
    ]


def colours(ctx: TagContext) -> None:
    assert ctx.rgb is not None
    ctx.tags["colours"] = palette(ctx.rgb)
