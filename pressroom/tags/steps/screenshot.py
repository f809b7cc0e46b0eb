"""Screenshot / document score 0..1 from metadata and pixels.

Signals (each in the output so a caller can see why):
* camera: EXIF names a camera make or model -> a photo, almost surely.
* screen_size: the upright size is exactly a common screen resolution.
* png: the upload was a PNG (phones save screenshots as PNG; cameras never do).
* flat: share of the proxy's luma in perfectly flat 8x8 blocks (UI fills, page background). Sensor
  noise and JPEG grain leave almost no such block in a photo, even in a clear sky.
* axis_edges: share of strong edges that run exactly horizontally or vertically (panels,
  text baselines, table rules); photos spread their edges over all directions.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ..context import TagContext

# Common phone, tablet and desktop screen resolutions (either orientation).
SCREEN_SIZES = frozenset(
    s
    for w, h in (
        (640, 1136),
        (750, 1334),
        (828, 1792),
        (1080, 1920),
        (1125, 2436),
        (1242, 2208),
        (1242, 2688),
        (1170, 2532),
        (1179, 2556),
        (1284, 2778),
        (1290, 2796),
        (1206, 2622),
        (1320, 2868),
        (1080, 2340),
        (1080, 2400),
        (1080, 2412),
        (1440, 2560),
        (1440, 3040),
        (1440, 3088),
        (1440, 3120),
        (1440, 3200),
        (720, 1280),
        (720, 1600),
        (1536, 2048),
        (1620, 2160),
        (1640, 2360),
        (1668, 2224),
        (1668, 2388),
        (2048, 2732),
        (1280, 800),
        (1366, 768),
        (1440, 900),
        (1536, 864),
        (1600, 900),
        (1680, 1050),
        (1920, 1080),
        (1920, 1200),
        (2560, 1440),
        (2560, 1600),
        (2880, 1800),
        (3024, 1964),
        (3456, 2234),
        (3840, 2160),
        (5120, 2880),
        (1280, 720),
        (1280, 1024),
    )
    for s in ((w, h), (h, w))
)
# Logistic weights, set by hand on rendered screens and documents vs the corpus photos (see
# tests/test_tags.py). Measured: photos without camera EXIF reach flat 0.07 and axis_edges
# 0.13; rendered screens start at flat 0.34 and axis_edges 0.16, documents at 0.5 and 0.21.
WEIGHTS = {"camera": -4.0, "screen_size": 2.5, "png": 1.5, "flat": 10.0, "axis_edges": 8.0}
BIAS = -5.0


def flat_share(grey: np.ndarray, block: int = 8) -> float:
    h, w = (grey.shape[0] // block) * block, (grey.shape[1] // block) * block
    if not h or not w:
        return 0.0
    b = grey[:h, :w].reshape(h // block, block, w // block, block).swapaxes(1, 2)
    cells = b.reshape(h // block, w // block, block * block)
    return float((cells.min(axis=-1) == cells.max(axis=-1)).mean())


def axis_edge_share(grey: np.ndarray) -> float:
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    strong = mag > 80
    if strong.sum() < 50:
        return 0.0
    ax, ay = np.abs(gx[strong]), np.abs(gy[strong])
    return float((np.minimum(ax, ay) <= 0.02 * np.maximum(ax, ay)).mean())


def score(signals: dict[str, float]) -> float:
    z = BIAS + sum(WEIGHTS[k] * float(v) for k, v in signals.items())
    return 1 / (1 + math.exp(-z))


def screenshot(ctx: TagContext) -> None:
    assert ctx.grey is not None and ctx.work is not None
    r = ctx.record
    signals = {
        "camera": bool(r.get("camera_make") or r.get("camera_model")),
        "screen_size": (r.get("width"), r.get("height")) in SCREEN_SIZES,
        "png": r.get("format") == "PNG",
        "flat": round(flat_share(ctx.grey), 3),
        "axis_edges": round(axis_edge_share(ctx.work), 3),
    }
    ctx.tags["screenshot"] = {"score": round(score(signals), 3), **signals}
