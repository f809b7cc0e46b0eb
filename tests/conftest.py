"""Shared fixtures. The public corpus (../shared/corpus) is required: a missing corpus fails
the run rather than skipping the tests that matter most."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

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


@pytest.fixture(autouse=True)
def _fallbacks_unsaid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no quiet fallback said (pressroom.capabilities.fallback marks
    what it said in the environment, which a later test's subprocess would inherit)."""
    monkeypatch.delenv("PRESSROOM_FALLBACKS_SAID", raising=False)


@pytest.fixture
def no_libturbojpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    """libturbojpeg cannot be loaded, as on a machine without it (restored after the test)."""
    from pressroom import turbojpeg

    monkeypatch.setattr(turbojpeg, "_loaded", None)
    monkeypatch.setattr(turbojpeg, "_load_error", None)
    monkeypatch.setenv("PRESSROOM_TURBOJPEG", "/nonexistent/libturbojpeg.so.0")


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "MANIFEST.tsv").exists():
        pytest.fail(f"test corpus missing at {CORPUS} (set PRESSROOM_CORPUS)")
    return CORPUS


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not MANIFEST:
        raise pytest.UsageError(f"test corpus missing at {CORPUS} (set PRESSROOM_CORPUS)")


# No silent skips: a test that skips (a missing tool, a skipif, an importorskip) fails
# instead, with the skip's reason. Tools the tests need are installed by `make test`, and a
# missing one fails with its install command (tests/system_tools.py). xfail is unaffected.
# PRESSROOM_ALLOW_SKIPS=1 lets skips through, for a partial run on a machine without them.
ALLOW_SKIPS = os.environ.get("PRESSROOM_ALLOW_SKIPS") == "1"


def _no_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if ALLOW_SKIPS or not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"skipped, and this suite allows no skips: {reason} "
        "(`make test` installs what the tests need; PRESSROOM_ALLOW_SKIPS=1 allows skips)"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    _no_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    report = yield
    _no_skip(report)
    return report
