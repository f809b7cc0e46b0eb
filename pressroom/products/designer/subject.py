"""A subject on the fold: whether a photo laid across a spread would put what the eye goes to
in the gutter, read from the photo's `saliency_cols` tag (tags/steps/saliency.py).

The band is the middle FOLD_BAND of the spread around the fold; the photo's saliency in the
part of the band its crop shows, over the band's share of the crop, is the concentration. Even
texture measures ~1; a subject in the middle, more. Measured on 21x21 spreads (the crop
spreadable() makes) over the 32 corpus and demo photos at least 1.2 times as wide as high:
the corpus cat 1.61 and pug 1.56; of the demo photos two palm trees 2.09 and 2.12, a sunlit
sea 1.70 (its glint on the fold), a house 1.36 (its door), tulips 1.27 (the bouquet's edge),
and three portraits 1.41-1.71 (their faces, which the face rule keeps off the fold anyway);
the other 22 measure 0.49-1.21: harbour, flowers, painting, leaf, coasts, sunsets, pumpkins,
people standing to one side, and a screenshot (1.21). A designer would fold none of the
first ten; FOLD_SUBJECT sits just under the lowest of them.
Photos tagged before the tag existed carry no columns: no subject.
"""

from __future__ import annotations

import numpy as np

from pressroom.photos import PhotoFacts

from ..book import Placement

FOLD_BAND = 0.2  # of the spread's width, centred on the fold
FOLD_SUBJECT = 1.25  # the band holds this many times its share of the photo's saliency


def fold_concentration(photo: PhotoFacts, pl: Placement, fold: float) -> float | None:
    """Saliency density in the band around `fold` (mm, the placement's coordinates) over the
    crop's mean, or None when the photo has no saliency tag."""
    cols = photo.tags.get("saliency_cols")
    if not cols or not pl.image.w or not pl.crop.w:
        return None
    px_per_mm = pl.crop.w / pl.image.w
    half = FOLD_BAND / 2 * pl.frame.w * px_per_mm
    centre = pl.crop.x + (fold - pl.image.x) * px_per_mm
    x0, x1 = pl.crop.x, pl.crop.x + pl.crop.w
    a, b = max(x0, centre - half), min(x1, centre + half)
    if b <= a:
        return None
    # Saliency from the photo's left edge to each x (columns split by area).
    cum = np.concatenate([[0.0], np.cumsum(cols)])
    at = np.interp(np.array([x0, x1, a, b]) / pl.src_w, np.linspace(0.0, 1.0, len(cum)), cum)
    crop, band = at[1] - at[0], at[3] - at[2]
    return float(band / crop / ((b - a) / (x1 - x0))) if crop > 0 else None


def subject_on_fold(photo: PhotoFacts, pl: Placement, fold: float) -> bool:
    c = fold_concentration(photo, pl, fold)
    return c is not None and c > FOLD_SUBJECT
