"""Issue 17 item 4: Display P3 -> sRGB of a 12-MP iPhone photo. lcms (libvips icc_transform,
as ingest's colour step called it) against pressroom.ingest.fastcolour's tables, walked by
its C kernel (ingest/_p3.c) and by numpy's passes (where the kernel is not built), on numpy
pixels as the HEIC decoder returns them and on a pyvips image (with the copies a hook in the
colour step would pay)."""

from __future__ import annotations

import numpy as np
import pillow_heif
import pytest
import pyvips

from pressroom.ingest import fastcolour

HEIC = "pug.heic"  # iPhone 13 Pro, 4032x3024, Display P3
GROUP = "heic 12MP: P3 -> sRGB"


@pytest.fixture(scope="module")
def p3(big: dict[str, bytes]) -> tuple[np.ndarray, bytes]:
    heif = pillow_heif.open_heif(big[HEIC])
    profile = heif.info["icc_profile"]
    assert fastcolour.is_display_p3(profile)
    return np.ascontiguousarray(np.asarray(heif)), profile


@pytest.fixture(scope="module")
def p3_vips(p3: tuple[np.ndarray, bytes]) -> pyvips.Image:
    arr, profile = p3
    img = pyvips.Image.new_from_array(arr, interpretation="srgb").copy_memory().copy()
    img.set_type(pyvips.GValue.blob_type, "icc-profile-data", profile)
    return img


@pytest.mark.benchmark(group=GROUP)
def test_lcms_icc_transform(benchmark, p3_vips) -> None:
    """Today's colour step: icc_transform to sRGB, perceptual, embedded profile."""

    def run() -> pyvips.Image:
        return p3_vips.icc_transform("srgb", embedded=True, intent="perceptual").copy_memory()

    assert benchmark(run).width == 4032


@pytest.mark.benchmark(group=GROUP)
def test_fast_kernel(benchmark, p3) -> None:
    """The tables walked by the C kernel, on the decoder's array, into a new array (profile
    checked each call): what ingest runs."""
    arr, profile = p3
    assert fastcolour._p3 is not None
    out = benchmark(fastcolour.p3_to_srgb, arr, profile)
    assert out.shape == (3024, 4032, 3)


@pytest.mark.benchmark(group=GROUP)
def test_fast_kernel_into_buffer(benchmark, p3) -> None:
    """The same into a preallocated (already faulted-in) array: the conversion alone."""
    arr, profile = p3
    out = np.empty_like(arr)
    benchmark(fastcolour.p3_to_srgb, arr, profile, out)


@pytest.mark.benchmark(group=GROUP)
def test_fast_numpy_passes_into_buffer(benchmark, p3, monkeypatch) -> None:
    """The same tables by numpy's passes, as where the kernel is not built."""
    arr, profile = p3
    out = np.empty_like(arr)
    monkeypatch.setattr(fastcolour, "_p3", None)
    benchmark(fastcolour.p3_to_srgb, arr, profile, out)


@pytest.mark.benchmark(group=GROUP)
def test_fast_from_vips_image(benchmark, p3_vips) -> None:
    """A hook in the colour step, which holds a pyvips image: numpy() out, convert, back."""
    profile = p3_vips.get("icc-profile-data")

    def run() -> pyvips.Image:
        arr = fastcolour.p3_to_srgb(p3_vips.numpy(), profile)
        return pyvips.Image.new_from_array(arr, interpretation="srgb")

    assert benchmark(run).width == 4032
