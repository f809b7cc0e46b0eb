"""Sharpness: variance of the Laplacian of the luma at a fixed size (WORK_SIZE long side).

Fixed size because the statistic scales with resolution: measured on the 320-px image the
values compare across photos whatever their proxy size. Higher is sharper; roughly < 60 is
visibly soft at print sizes, > 300 crisp (see the README for measured figures).
"""

from __future__ import annotations

import cv2

from ..job import TagJob


def sharpness(job: TagJob) -> None:
    assert job.work is not None
    lap = cv2.Laplacian(job.work, cv2.CV_32F, ksize=1)
    job.tags["sharpness"] = round(float(lap.var()), 2)
