"""Perceptual hashes, 64 bits each as 16 hex digits (the common definitions, as in `imagehash`).

pHash: luma at 32x32, 2-D DCT, the 8x8 lowest frequencies against their median.
dHash: luma at 9x8, each pixel brighter than its right-hand neighbour.
Near-duplicates are pairs whose pHash Hamming distance is small (see pressroom.curate).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..context import TagContext


def _hex(bits: np.ndarray) -> str:
    return f"{int(''.join('1' if b else '0' for b in bits.ravel()), 2):016x}"


def phash(grey: np.ndarray) -> str:
    small = cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(small)[:8, :8]
    return _hex(low > np.median(low))


def dhash(grey: np.ndarray) -> str:
    small = cv2.resize(grey, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    return _hex(small[:, 1:] > small[:, :-1])


def hashes(ctx: TagContext) -> None:
    assert ctx.grey is not None
    ctx.tags["phash"] = phash(ctx.grey)
    ctx.tags["dhash"] = dhash(ctx.grey)
