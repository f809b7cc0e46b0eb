"""Where the eye goes across the photo, left to right: spectral-residual saliency (Hou &
Zhang, CVPR 2007) of the luma at 64 px, summed down each of COLS equal columns (shares that
add up to 1).

The designer reads it before folding a photo across a spread's gutter. Faces are one kind of
subject; a cat's face, a pug or a lone palm tree are others, and no face detector sees them.
The residual of the log spectrum is what a photo has that a "typical" photo's smooth 1/f
spectrum does not: the odd object against its ground. Texture that fills the frame (a field
of flowers, a leaf's veins, a harbour's horizon) spreads it evenly across the columns.
What it measured on the corpus and demo photos: `products/designer/subject.py`.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..context import TagContext

COLS = 32
SIZE = 64  # the long side Hou & Zhang work at: objects, not texture, stand out at this scale


def saliency_map(grey: np.ndarray) -> np.ndarray:
    """Spectral-residual saliency of a grey image at SIZE px long side, summing to 1."""
    h, w = grey.shape[:2]
    s = SIZE / max(h, w)
    small = cv2.resize(
        grey.astype(np.float32),
        (max(1, round(w * s)), max(1, round(h * s))),
        interpolation=cv2.INTER_AREA,
    )
    spectrum = np.fft.fft2(small)
    log_amp = np.log(np.abs(spectrum) + 1e-6)
    residual = log_amp - cv2.blur(log_amp, (3, 3))
    sal = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    sal = cv2.GaussianBlur(sal, (0, 0), 2.5)  # the paper's smoothing, at this size
    total = float(sal.sum())
    return sal / total if total > 0 else np.full_like(sal, 1 / sal.size)


def columns(sal: np.ndarray, n: int = COLS) -> list[float]:
    """The map's mass in n equal columns of the photo (fractional pixels split by area)."""
    cols = sal.sum(axis=0)
    edges = np.linspace(0, len(cols), n + 1)
    cum = np.concatenate([[0.0], np.cumsum(cols)])
    at = np.interp(edges, np.arange(len(cum)), cum)
    return [round(float(v), 4) for v in np.diff(at)]


def saliency(ctx: TagContext) -> None:
    assert ctx.work is not None
    ctx.tags["saliency_cols"] = columns(saliency_map(ctx.work))
