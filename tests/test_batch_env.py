"""Pool workers keep the memory they free (GLIBC_TUNABLES set at their exec, issue 17): a
second 48 MB buffer, the size of libjpeg's coefficient arrays for a lossless rotation of a
12-MP JPEG, reuses the first one's pages instead of faulting 12,000 fresh ones in."""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Any

from pressroom.batch import run_batch
from pressroom.batch.pool import MALLOC_TUNABLES


def _setup() -> None:
    return None


def _faults_of_second_buffer(_: Any, mb: int) -> tuple[str | None, int, int]:
    def faults() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt

    first = b"\x01" * (mb << 20)  # malloc + written: every page faulted in
    del first
    before = faults()
    second = b"\x02" * (mb << 20)
    after = faults()
    del second
    return os.environ.get("GLIBC_TUNABLES"), after - before, (mb << 20) // 4096


def test_workers_keep_freed_memory_and_the_parent_is_unchanged() -> None:
    assert "GLIBC_TUNABLES" not in os.environ
    ((env, faults, pages),) = list(run_batch(_setup, _faults_of_second_buffer, [48], 1, timeout=60))
    assert env == MALLOC_TUNABLES
    assert faults < pages / 20, (faults, pages)  # reused: a few hundred at most
    assert "GLIBC_TUNABLES" not in os.environ


def test_without_the_tunables_the_pages_fault_again(monkeypatch) -> None:
    """The reason for the setting, shown: glibc's defaults unmap and refault the buffer."""
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.check=0")  # present: the pool keeps it
    ((env, faults, pages),) = list(run_batch(_setup, _faults_of_second_buffer, [48], 1, timeout=60))
    assert env == "glibc.malloc.check=0"
    assert faults > pages / 2, (faults, pages)


def test_the_lambda_functions_get_the_same_setting() -> None:
    template = (Path(__file__).parent.parent / "deploy" / "template.yaml").read_text()
    assert f'GLIBC_TUNABLES: "{MALLOC_TUNABLES}"' in template


def test_make_bench_measures_with_the_same_setting() -> None:
    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    assert f"MALLOC_TUNABLES := {MALLOC_TUNABLES}\n" in makefile
    assert "GLIBC_TUNABLES=$(MALLOC_TUNABLES)" in makefile
