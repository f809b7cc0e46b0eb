"""Issue 17 item 7: the cost table. CPU ms (median and min of N runs, one core, libvips one
thread) and peak memory over the process's warmed-up baseline per operation, each operation in
its own fresh process (benchmarks/cost_ops.py), and what that is in Lambda GB-seconds per
million at the memory size deploy/template.yaml gives the function that runs it.

Lambda bills wall time x memory; at 2048 MB a function gets ~1.2 vCPU, so one single-threaded
operation's wall time is about its CPU time (a lower bound: S3 and DynamoDB round trips add).

    .venv/bin/python -m pytest benchmarks/bench_costs.py --benchmark-only -q -s
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_COST_RUNS", "7"))
OPS = {
    # operation: (cost_ops spec, Lambda function whose MemorySize applies)
    "ingest JPEG 12 MP upright (no tags)": ("ingest:olympus_12mp_42_IndexError.jpg", "Upload"),
    "ingest JPEG 12 MP upright + tags": ("ingest:olympus_12mp_42_IndexError.jpg+tags", "Upload"),
    "ingest JPEG 12 MP EXIF-rotated": ("ingest:rotated", "Upload"),
    "ingest HEIC 12 MP (P3)": ("ingest:pug.heic", "Upload"),
    "rendition 1008 px (once per photo)": ("rendition:", "Thumbnail"),
    "thumbnail cold 400 jpeg (proxy)": ("thumb:proxy-400-jpeg", "Thumbnail"),
    "thumbnail cold 400 webp (proxy)": ("thumb:proxy-400-webp", "Thumbnail"),
    "thumbnail cold 400 avif (proxy)": ("thumb:proxy-400-avif", "Thumbnail"),
    "thumbnail cold 1000 jpeg (1008 rung)": ("thumb:rendition-1000-jpeg", "Thumbnail"),
    "thumbnail cold 1000 webp (1008 rung)": ("thumb:rendition-1000-webp", "Thumbnail"),
    "thumbnail cold 1000 avif (1008 rung)": ("thumb:rendition-1000-avif", "Thumbnail"),
    "thumbnail cold 400 jpeg (master, before)": ("thumb:master-400-jpeg", "Thumbnail"),
    "thumbnail warm hit (result read)": ("warm:", "Thumbnail"),
}
ROWS: dict[str, tuple[float, float, float, float]] = {}


def memory_sizes() -> dict[str, int]:
    """MemorySize of each function in the SAM template (UploadFunction -> "Upload")."""
    text = (ROOT / "deploy" / "template.yaml").read_text()
    sizes: dict[str, int] = {}
    for m in re.finditer(r"\n  (\w+)Function:\n(.*?)(?=\n  \w+:\n|\Z)", text, re.S):
        found = re.search(r"MemorySize:\s*(\d+)", m.group(2))
        if found:
            sizes[m.group(1)] = int(found.group(1))
    return sizes


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest):
    yield
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if tr is None or not ROWS:
        return
    mem = memory_sizes()
    lines = ["", f"cost per operation (fresh process each, {RUNS} runs, CPU on one core)",
             f"{'operation':<42}{'CPU ms':>9}{'min':>8}{'peak MB':>9}{'Lambda MB':>10}"
             f"{'GB-s / 1M':>11}"]  # fmt: skip
    for name, (median, low, peak, base) in ROWS.items():
        fn = OPS[name][1]
        gb = mem.get(fn, 0) / 1024
        gbs = median / 1000 * gb * 1e6
        lines.append(f"{name:<42}{median:>9.1f}{low:>8.1f}{peak - base:>9.0f}"
                     f"{mem.get(fn, 0):>10}{gbs:>11,.0f}")  # fmt: skip
    lines.append("peak MB: the process's maximum RSS over its warmed-up baseline")
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        for line in lines:
            tr.write_line(line)


@pytest.mark.parametrize("name", list(OPS))
def test_cost(benchmark, name: str, tmp_path: Path) -> None:
    spec = OPS[name][0]
    env = {**os.environ, "VIPS_CONCURRENCY": "1", "PYTHONPATH": str(ROOT)}

    def run() -> str:
        cmd = [sys.executable, "-m", "benchmarks.cost_ops", spec, str(tmp_path), str(RUNS)]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip().splitlines()[-1]

    out = benchmark.pedantic(run, rounds=1, iterations=1)
    median, low, peak, base = (float(v) for v in out.split())
    ROWS[name] = (median, low, peak, base)
    benchmark.extra_info.update(cpu_ms=median, peak_mb=round(peak - base, 1))
    assert median > 0 and peak >= base
