"""`make bench` runs these with --benchmark-timer=time.process_time and libvips on one
thread, so figures mean "CPU per photo on one core" and peers in a group compare fairly."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

os.environ.setdefault("VIPS_CONCURRENCY", "1")

import pytest  # noqa: E402

from pressroom.catalogue import open_catalogue  # noqa: E402
from pressroom.config import Settings  # noqa: E402
from pressroom.ingest.service import Ingestor, Tagger  # noqa: E402
from pressroom.storage import open_store  # noqa: E402
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


def make_ingestor(folder: Path, tagger: Tagger | None = None) -> Ingestor:
    """An ingestor on the CLI's default backends (a folder store, SQLite) under `folder`,
    without the CLI worker's per-file budget."""
    settings = Settings(data_dir=folder)
    return Ingestor(open_store(settings), open_catalogue(settings), settings, tagger)


_ids = itertools.count()


def ingest(ingestor: Ingestor, data: bytes) -> str:
    """One upload under a fresh id (the same bytes under the same id would be a replay, which
    does no work), asserted accepted; its id."""
    r = ingestor.ingest_bytes(data, "photo.jpg", photo_id=f"p{next(_ids)}")
    assert r.state == "uploaded", r
    return r.id


def say(config: pytest.Config, lines: list[str]) -> None:
    """Write lines to the terminal past pytest's capture (`make bench` runs without -s), so a
    benchmark's own table shows beside pytest-benchmark's."""
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is None:
        return
    with config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        for line in lines:
            tr.write_line(line)
