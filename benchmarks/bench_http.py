"""HTTP targets (issue 17): cold thumbnails >= 4x thumbor's req/s at <= 1/4 of its CPU per request;
warm hits >= thumbor's req/s; server RSS after the run <= 1.5x thumbor's. pressroom renders from
its rendition ladder (pressroom.render.renditions: the ingest proxy, 1008 and 2016 px renditions
made on first need, the master): the proxies (a 12-MP JPEG's is its 1/8 decode, ~500 px)
answer part of round 0 (400-520 px), the 1008 px renditions (made on the first request that
needs one) the rest; thumbor decodes the 12-MP master every time. Cold figures add up all
rounds for both servers (the same URLs), so a ratio never compares different sizes.

Both servers on 127.0.0.1 with 2 processes each (this machine's cores), the same 12-MP JPEG
masters (ingested from ../shared/corpus/big/; thumbor reads them from a folder with its file
loader and PIL engine), the same outputs (fit inside 400..520 px, JPEG q82 / WebP q80), the
same concurrency, both running at once and measured in turns (so a busy neighbour on a shared
machine hits both alike). Cold: each URL once (8 photos x 16 sizes, fresh sizes every round:
every request a render). Warm: those URLs again under wrk for a fixed time (result-cache hits
on both sides). Besides req/s and latency, the servers' own CPU per request is reported: it
does not depend on what else the machine is doing.
thumbor comes from a separate venv (THUMBOR_VENV, default /tmp/thumbor-venv:
`python3 -m venv /tmp/thumbor-venv && /tmp/thumbor-venv/bin/pip install thumbor`).

    .venv/bin/python -m pytest benchmarks/bench_http.py --benchmark-only -q
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pressroom.catalogue.sqlite import SqliteCatalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.storage.local import LocalStore

from . import http_load, http_servers
from .conftest import say

WORKERS = int(os.environ.get("BENCH_HTTP_WORKERS", "2"))
CONCURRENCY = int(os.environ.get("BENCH_HTTP_CONCURRENCY", "8"))
ROUNDS = int(os.environ.get("BENCH_HTTP_ROUNDS", "3"))
WARM_SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "5"))
QUALITY = {"jpeg": 82, "webp": 80}
Row = tuple[float, float, float, float, int]  # req/s, p50, p99, CPU ms per request, errors
RESULTS: dict[tuple[str, str, str], Row] = {}  # (format, phase, server) -> median row
RSS: dict[tuple[str, str], float] = {}
ROUND_CPU: dict[tuple[str, str, str], list[float]] = {}  # CPU ms per request of each round


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


def widths(round_: int) -> list[int]:
    return [400 + 8 * (16 * round_ + i) for i in range(16)]  # never repeated across rounds


PATHS: dict[str, Callable[[list[str], str, int], list[str]]] = {
    "pressroom": lambda ids, fmt, w: [
        f"/_/w:{x}/h:{x}/fit:inside/f:{fmt}/q:{QUALITY[fmt]}/{i}" for x in widths(w) for i in ids
    ],
    "thumbor": lambda ids, fmt, w: [
        f"/unsafe/fit-in/{x}x{x}/filters:format({fmt}):quality({QUALITY[fmt]})/{i}.jpg"
        for x in widths(w)
        for i in ids
    ],
}


def _measure(server: http_servers.Server, run: Callable[[], http_load.Stats]) -> Row:
    cpu = server.cpu_seconds()
    s = run()
    cpu_ms = (server.cpu_seconds() - cpu) * 1000 / max(1, s.requests)
    return s.rps, s.p50_ms, s.p99_ms, cpu_ms, s.errors


def _compare(servers: dict[str, http_servers.Server], ids: list[str], fmt: str, work: Path):
    rows: dict[tuple[str, str], list[Row]] = {}
    for r in range(ROUNDS):
        for name, server in servers.items():
            urls = [server.base + p for p in PATHS[name](ids, fmt, r)]
            row = _measure(server, lambda u=urls: http_load.each_once(u, CONCURRENCY))
            rows.setdefault(("cold", name), []).append(row)
    for _ in range(ROUNDS):
        for name, server in servers.items():
            paths = [p for w in range(ROUNDS) for p in PATHS[name](ids, fmt, w)]  # all cached
            if http_load.wrk_available():
                run = lambda s=server, p=paths: http_load.wrk(  # noqa: E731
                    s.base, p, WARM_SECONDS, CONCURRENCY, work)
            else:  # no wrk: the Python loop over the cached URLs
                run = lambda s=server, p=paths: http_load.each_once(  # noqa: E731
                    [s.base + x for x in p], CONCURRENCY)
            rows.setdefault(("warm", name), []).append(_measure(server, run))
    for (phase, name), found in rows.items():
        if phase == "cold":  # rounds differ in sizes: both servers over all of them
            rps = len(found) / sum(1 / r[0] for r in found)  # same requests each round
            cpu = sum(r[3] for r in found) / len(found)
            mid = sorted(found)[len(found) // 2]
            RESULTS[(fmt, phase, name)] = (rps, mid[1], mid[2], cpu, sum(r[4] for r in found))
        else:  # the same URLs every round: the median round by req/s (a busy neighbour
            # only ever slows a round down)
            RESULTS[(fmt, phase, name)] = sorted(found)[len(found) // 2]
        ROUND_CPU[(fmt, phase, name)] = [row[3] for row in found]
        assert all(row[4] == 0 for row in found), (fmt, phase, name, found)
    for name, server in servers.items():
        RSS[(fmt, name)] = server.rss_mb()


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest):
    yield
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if tr is None or not RESULTS:
        return
    lines = ["", f"HTTP on 127.0.0.1: {WORKERS} processes each, concurrency {CONCURRENCY}; "
             f"cold: all {ROUNDS} rounds together, warm: median of {ROUNDS} rounds"]  # fmt: skip
    lines.append(f"{'format':<7}{'phase':<6}{'server':<11}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
                 f"{'CPU ms/req':>12}{'req/s x':>10}{'CPU x':>8}")  # fmt: skip
    for (fmt, phase, name), (rps, p50, p99, cpu, _) in sorted(RESULTS.items()):
        line = f"{fmt:<7}{phase:<6}{name:<11}{rps:>9.1f}{p50:>9.1f}{p99:>9.1f}{cpu:>12.2f}"
        base = RESULTS.get((fmt, phase, "pressroom"))
        if name != "pressroom" and base:
            line += f"{base[0] / rps:>10.2f}{cpu / base[3]:>8.2f}"
        lines.append(line)
    lines.append("CPU ms per request, round by round (cold rounds: 400-520, 528-648, 656-776 px): "
                 + "; ".join(f"{f} {p} {n} " + "/".join(f"{c:.1f}" for c in cpu)
                             for (f, p, n), cpu in sorted(ROUND_CPU.items())))  # fmt: skip
    lines.append("resident memory after the runs: " + ", ".join(
        f"{n} {f} {mb:.0f} MB" for (f, n), mb in sorted(RSS.items())))  # fmt: skip
    lines.append("req/s x: pressroom's req/s over the peer's; CPU x: the peer's CPU per request "
                 "over pressroom's")  # fmt: skip
    for fmt in sorted({k[0] for k in RESULTS}):
        p, t = RESULTS.get((fmt, "cold", "pressroom")), RESULTS.get((fmt, "cold", "thumbor"))
        pw, tw = RESULTS.get((fmt, "warm", "pressroom")), RESULTS.get((fmt, "warm", "thumbor"))
        if p and t and pw and tw:
            rss = RSS.get((fmt, "pressroom"), 0) / max(1.0, RSS.get((fmt, "thumbor"), 1.0))
            lines.append(
                f"targets {fmt}: cold req/s x {p[0] / t[0]:.2f} (>= 4), cold CPU x "
                f"{t[3] / p[3]:.2f} (>= 4), warm req/s x {pw[0] / tw[0]:.2f} (>= 1), "
                f"RSS x {rss:.2f} (<= 1.5)"
            )
    say(request.config, lines)  # module teardown output is captured like a test's


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
def test_pressroom_vs_thumbor(benchmark, library, tmp_path: Path, fmt: str) -> None:
    data, ids = library
    with http_servers.pressroom(
        data, http_servers.free_port(), WORKERS, tmp_path / "serve.log"
    ) as pressroom:
        servers = {"pressroom": pressroom}
        if not http_servers.thumbor_available():
            benchmark.pedantic(_compare, (servers, ids, fmt, tmp_path), rounds=1, iterations=1)
            pytest.skip(f"thumbor not installed in {http_servers.THUMBOR_VENV}: pressroom only")
        with http_servers.thumbor(
            data / "masters-folder", tmp_path / "thumbor-results", http_servers.free_port(),
            WORKERS, tmp_path / "thumbor.log",
        ) as thumbor:  # fmt: skip
            servers["thumbor"] = thumbor
            benchmark.pedantic(_compare, (servers, ids, fmt, tmp_path), rounds=1, iterations=1)
    for (f, phase, name), row in RESULTS.items():
        if f == fmt:
            benchmark.extra_info[f"{name}_{phase}_rps"] = round(row[0], 1)
            benchmark.extra_info[f"{name}_{phase}_cpu_ms"] = round(row[3], 2)
