"""Issue 4 HTTP targets: `pressroom serve` cold >= 1.5x thumbor's req/s; warm hits >= 1,000 req/s.

Both servers on 127.0.0.1 with 2 processes each (this machine's cores), the same 12-MP JPEG
masters (ingested from ../shared/corpus/big/; thumbor reads them from a folder with its file
loader and PIL engine), the same 400 px-class outputs, the same concurrency.
Cold: every URL once (8 photos x 16 sizes: each request a render; a result cache on both
sides but no hits). Warm: the same URLs again under wrk for a fixed time (result-cache hits).
thumbor comes from a separate venv (THUMBOR_VENV, default /tmp/thumbor-venv:
`python3 -m venv /tmp/thumbor-venv && /tmp/thumbor-venv/bin/pip install thumbor`).

    .venv/bin/python -m pytest benchmarks/bench_http.py --benchmark-only -q -s
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pressroom.catalogue.sqlite import SqliteCatalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.storage.local import LocalStore

from . import http_load, http_servers

WORKERS = int(os.environ.get("BENCH_HTTP_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_HTTP_CONCURRENCY", "8"))
WARM_SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "8"))
WIDTHS = [400 + 8 * i for i in range(16)]  # distinct sizes: distinct renders when cold
RESULTS: dict[tuple[str, str, str], http_load.Stats] = {}  # (server, format, phase)
RSS: dict[tuple[str, str], float] = {}  # (server, format) -> MB after cold + warm


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory, big: dict[str, bytes]
) -> tuple[Path, list[str]]:
    """A pressroom data folder with the masters, and a plain folder of the same masters."""
    data = tmp_path_factory.mktemp("http-data")
    store = LocalStore(data / "blobs")
    ingestor = Ingestor(store, SqliteCatalogue(data / "catalogue.sqlite3"), Settings(data_dir=data))
    folder = data / "masters-folder"
    folder.mkdir()
    ids = []
    for name, raw in big.items():
        r = ingestor.ingest_bytes(raw, name)
        assert r.verdict == "accept" and r.master and r.id
        shutil.copyfile(data / "blobs" / r.master, folder / f"{r.id}.jpg")
        ids.append(r.id)
    return data, ids


def pressroom_paths(ids: list[str], fmt: str) -> list[str]:
    q = 82 if fmt == "jpeg" else 80
    return [f"/_/w:{w}/h:{w}/fit:inside/f:{fmt}/q:{q}/{i}" for w in WIDTHS for i in ids]


def thumbor_paths(ids: list[str], fmt: str) -> list[str]:
    q = 82 if fmt == "jpeg" else 80
    return [f"/unsafe/fit-in/{w}x{w}/filters:format({fmt}):quality({q})/{i}.jpg"
            for w in WIDTHS for i in ids]  # fmt: skip


def _run(base: str, paths: list[str], fmt: str, server: str, work: Path) -> None:
    RESULTS[(server, fmt, "cold")] = http_load.each_once([base + p for p in paths], CONCURRENCY)
    if http_load.wrk_available():
        RESULTS[(server, fmt, "warm")] = http_load.wrk(base, paths, WARM_SECONDS, CONCURRENCY, work)
    else:  # no wrk: the same Python loop, three passes over the cached URLs
        urls = [base + p for p in paths] * 3
        RESULTS[(server, fmt, "warm")] = http_load.each_once(urls, CONCURRENCY)


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest):
    yield
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if tr is None or not RESULTS:
        return
    lines: list[str] = [""]
    lines.append(f"HTTP on 127.0.0.1: {WORKERS} processes each, concurrency {CONCURRENCY}")
    lines.append(f"{'server':<11}{'format':<7}{'phase':<6}{'req/s':>9}{'p50 ms':>9}"
                  f"{'p99 ms':>9}{'errors':>8}{'pressroom x':>13}")  # fmt: skip
    for (server, fmt, phase), s in sorted(RESULTS.items(), key=lambda kv: (kv[0][2], kv[0][1])):
        other = RESULTS.get(("thumbor", fmt, phase))
        ratio = f"{RESULTS[('pressroom', fmt, phase)].rps / other.rps:>13.2f}" if (
            server == "thumbor" and ("pressroom", fmt, phase) in RESULTS and other) else ""
        lines.append(f"{server:<11}{fmt:<7}{phase:<6}{s.rps:>9.1f}{s.p50_ms:>9.1f}"
                      f"{s.p99_ms:>9.1f}{s.errors:>8}{ratio}")  # fmt: skip
    lines.append("resident memory after both runs (all processes): " + ", ".join(
        f"{s} {f} {mb:.0f} MB" for (s, f), mb in sorted(RSS.items())))  # fmt: skip
    # Module teardown output is captured like a test's: print past the capture.
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        for line in lines:
            tr.write_line(line)


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_pressroom_serve(benchmark, library, tmp_path: Path, fmt: str) -> None:
    data, ids = library
    port = http_servers.free_port()
    with http_servers.pressroom(data, port, WORKERS, tmp_path / "serve.log") as server:
        benchmark.pedantic(_run, (server.base, pressroom_paths(ids, fmt), fmt, "pressroom",
                                  tmp_path), rounds=1, iterations=1)  # fmt: skip
        RSS[("pressroom", fmt)] = server.rss_mb()
    for phase in ("cold", "warm"):
        s = RESULTS[("pressroom", fmt, phase)]
        assert s.errors == 0, (phase, s)
        benchmark.extra_info[f"{phase}_rps"] = round(s.rps, 1)
        benchmark.extra_info[f"{phase}_p50_ms"] = round(s.p50_ms, 1)
        benchmark.extra_info[f"{phase}_p99_ms"] = round(s.p99_ms, 1)


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_thumbor(benchmark, library, tmp_path: Path, fmt: str) -> None:
    if not http_servers.thumbor_available():
        pytest.skip(f"thumbor not installed in {http_servers.THUMBOR_VENV}")
    data, ids = library
    port = http_servers.free_port()
    results = tmp_path / "thumbor-results"
    with http_servers.thumbor(data / "masters-folder", results, port, WORKERS,
                              tmp_path / "thumbor.log") as server:  # fmt: skip
        benchmark.pedantic(_run, (server.base, thumbor_paths(ids, fmt), fmt, "thumbor",
                                  tmp_path), rounds=1, iterations=1)  # fmt: skip
        RSS[("thumbor", fmt)] = server.rss_mb()
    for phase in ("cold", "warm"):
        s = RESULTS[("thumbor", fmt, phase)]
        benchmark.extra_info[f"{phase}_rps"] = round(s.rps, 1)
        benchmark.extra_info[f"{phase}_p50_ms"] = round(s.p50_ms, 1)
        benchmark.extra_info[f"{phase}_p99_ms"] = round(s.p99_ms, 1)
