"""pressroom.imaging's resize helpers: fit_within (the ingest proxy's resize) against libvips'
thumbnail_image, whose sizes it keeps, and the exact Lanczos3 it computes instead."""

from __future__ import annotations

import numpy as np
import pytest
import pyvips

from pressroom.imaging import fit_within
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def photo() -> pyvips.Image:
    return pyvips.Image.new_from_file(str(CORPUS / "big" / "olympus_12mp_42_IndexError.jpg"))


@pytest.mark.parametrize(
    "size", [(4032, 3024), (3024, 4032), (1000, 1000), (641, 10), (10, 641), (7, 5000)]
)
def test_sizes_are_thumbnails(photo: pyvips.Image, size: tuple[int, int]) -> None:
    img = photo.resize(size[0] / photo.width, vscale=size[1] / photo.height)
    assert (img.width, img.height) == size
    want = img.thumbnail_image(640, height=640, size="down")
    got = fit_within(img, 640)
    assert (got.width, got.height) == (want.width, want.height)


def test_small_images_are_left_alone(photo: pyvips.Image) -> None:
    small = photo.resize(0.1)
    assert fit_within(small, 640) is small


def test_the_exact_lanczos(photo: pyvips.Image) -> None:
    """No box shrink first: libvips' Lanczos3 over every source pixel, which thumbnail_image
    approaches within ~49 dB."""
    got = fit_within(photo, 640).numpy()
    exact = photo.resize(640 / 4032, kernel="lanczos3", gap=0.0).numpy()
    assert np.array_equal(got, exact)
    thumb = photo.thumbnail_image(640, height=640, size="down").numpy().astype(float)
    assert 10 * np.log10(255**2 / np.mean((thumb - got) ** 2)) > 45


def test_alpha_is_premultiplied() -> None:
    """Transparent pixels' colour must not bleed into the opaque ones beside them (as
    thumbnail_image premultiplies): a transparent black half next to an opaque white half."""
    rgba = np.zeros((400, 1600, 4), np.uint8)
    rgba[:, 800:] = 255
    out = fit_within(pyvips.Image.new_from_array(rgba, interpretation="srgb"), 400).numpy()
    assert out.shape == (100, 400, 4) and out.dtype == np.uint8
    opaque = out[..., 3] > 0
    assert out[..., :3][opaque].min() >= 250  # no grey fringe on the white side
