"""Shared fixtures. The public corpus (../shared/corpus) is required: a missing corpus fails
the run rather than skipping the tests that matter most."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PRESSROOM_CORPUS", ROOT.parent / "shared" / "corpus"))


def _manifest() -> list[dict[str, str]]:
    path = CORPUS / "MANIFEST.tsv"
    if not path.exists():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


MANIFEST = _manifest()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "MANIFEST.tsv").exists():
        pytest.fail(f"test corpus missing at {CORPUS} (set PRESSROOM_CORPUS)")
    return CORPUS


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not MANIFEST:
        raise pytest.UsageError(f"test corpus missing at {CORPUS} (set PRESSROOM_CORPUS)")
