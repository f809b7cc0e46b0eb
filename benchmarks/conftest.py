"""`make bench` runs these with --benchmark-timer=time.process_time and libvips on one
thread, so figures mean "CPU per photo on one core" and peers in a group compare fairly."""

from __future__ import annotations

import os

os.environ.setdefault("VIPS_CONCURRENCY", "1")

import pytest  # noqa: E402

from tests.conftest import CORPUS  # noqa: E402
from tests.test_jpegtran import with_orientation  # noqa: E402

CAMERA = "olympus_12mp_42_IndexError.jpg"  # 4032x3024, 12.2 MP, the camera's 4:2:2 stream


@pytest.fixture(scope="session")
def big() -> dict[str, bytes]:
    folder = CORPUS / "big"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="session")
def rotated_jpeg(big: dict[str, bytes]) -> bytes:
    """The camera stream stored as a portrait shot is: EXIF orientation 6 and not one
    coefficient changed."""
    return with_orientation(big[CAMERA], 6)


@pytest.fixture(scope="session")
def phone_jpegs(big: dict[str, bytes]) -> tuple[bytes, bytes]:
    """4:2:0, as phones write: the photo at q85, upright and with EXIF orientation 6."""
    import pyvips

    upright = pyvips.Image.new_from_buffer(big[CAMERA], "").jpegsave_buffer(Q=85)
    return upright, with_orientation(upright, 6)


def say(config: pytest.Config, lines: list[str]) -> None:
    """Write lines to the terminal past pytest's capture (`make bench` runs without -s), so a
    benchmark's own table shows beside pytest-benchmark's."""
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is None:
        return
    with config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        for line in lines:
            tr.write_line(line)
