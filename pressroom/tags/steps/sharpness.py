"""Sharpness: variance of the Laplacian of the luma at a fixed size (WORK_SIZE long side).

Fixed size because the statistic scales with resolution: measured on the 200-px image the
values compare across photos whatever their proxy size or pipeline. Higher is sharper:
sharp corpus photos measure 236-3555, the same blurred by 0.4% of their long side 32-320
(content matters: a low value can also be a smooth subject, so curation compares copies).
"""

from __future__ import annotations

import cv2

from ..context import TagContext


def sharpness(ctx: TagContext) -> None:
    assert ctx.work is not None
    lap = cv2.Laplacian(ctx.work, cv2.CV_32F, ksize=1)
    ctx.tags["sharpness"] = round(float(lap.var()), 2)
