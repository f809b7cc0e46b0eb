"""`make bench` runs these with --benchmark-timer=time.process_time and libvips on one
thread, so figures mean "CPU per photo on one core" and peers in a group compare fairly."""

from __future__ import annotations

import os

os.environ.setdefault("VIPS_CONCURRENCY", "1")

import pytest  # noqa: E402

from tests.conftest import CORPUS  # noqa: E402


@pytest.fixture(scope="session")
def big() -> dict[str, bytes]:
    folder = CORPUS / "big"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def say(config: pytest.Config, lines: list[str]) -> None:
    """Write lines to the terminal past pytest's capture (`make bench` runs without -s), so a
    benchmark's own table shows beside pytest-benchmark's."""
    tr = config.pluginmanager.get_plugin("terminalreporter")
    if tr is None:
        return
    with config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        for line in lines:
            tr.write_line(line)
