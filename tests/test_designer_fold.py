"""The fold rule's subject test (products/designer/subject.py) on photos whose saliency is
known: a subject in the middle stays off the fold, even texture crosses, and a photo tagged
before the saliency tag existed crosses as it always did."""

from __future__ import annotations

from typing import Any

import pytest

from pressroom.photos import PhotoFacts
from pressroom.products import get_product
from pressroom.products.designer.crop import place
from pressroom.products.designer.geometry import page_size, spread_zones
from pressroom.products.designer.steps.paginate import spreadable
from pressroom.products.designer.subject import FOLD_SUBJECT, fold_concentration

PRODUCT = get_product("photobook-21x21")


def photo(cols: list[float] | None, w: int = 4032, h: int = 2268) -> PhotoFacts:
    tags: dict[str, Any] = {"faces": []}
    if cols is not None:
        tags["saliency_cols"] = cols
    return PhotoFacts("p1", master="masters/p1.jpg", width=w, height=h, tags=tags)


def middle(share: float) -> list[float]:
    """32 columns, `share` of the saliency in the middle four (14-17), the rest even."""
    rest = (1 - share) / 28
    return [share / 4 if 14 <= i < 18 else rest for i in range(32)]


def concentration(p: PhotoFacts) -> float | None:
    frame, _ = spread_zones(PRODUCT)
    return fold_concentration(p, place(p, frame, frame, PRODUCT), page_size(PRODUCT)[0])


def test_even_texture_crosses_the_fold() -> None:
    even = photo([1 / 32] * 32)
    assert concentration(even) == pytest.approx(1.0, abs=0.02)
    assert spreadable(even, PRODUCT) is not None


def test_a_subject_in_the_middle_stays_off_the_fold() -> None:
    cat = photo(middle(0.5))  # half the saliency in the middle eighth: 4x its share
    c = concentration(cat)
    assert c is not None and c > FOLD_SUBJECT
    assert spreadable(cat, PRODUCT) is None


def test_a_subject_to_one_side_crosses() -> None:
    cols = [0.5 / 4 if i < 4 else 0.5 / 28 for i in range(32)]  # the eye goes to the left
    c = concentration(photo(cols))
    assert c is not None and c < 1.0
    assert spreadable(photo(cols), PRODUCT) is not None


def test_photos_tagged_before_the_tag_cross_as_before() -> None:
    old = photo(None)
    assert concentration(old) is None
    assert spreadable(old, PRODUCT) is not None
