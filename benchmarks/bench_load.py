"""Bounded load on `pressroom serve` over loopback: a mix of result-cache hits, misses (new
renders), bad signatures and unknown ids at a fixed concurrency, plus clients that hang up
mid-response; the server's resident memory before and after.

    .venv/bin/python -m benchmarks.bench_load --requests 10000 --concurrency 16

Prints one JSON object: counts by kind and status, 5xx, p50/p99 per kind and overall,
RSS after warm-up and after the run. Binds 127.0.0.1 only; every request is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PRESSROOM_CORPUS", ROOT.parent / "shared" / "corpus"))
KEY = bytes.fromhex("6b" * 32)
PHOTOS = ["orientation/Landscape_0.jpg", "orientation/Landscape_5.jpg",
          "orientation/Portrait_3.jpg", "valid/png/basn6a08.png"]  # fmt: skip
MIX = {"hit": 0.60, "miss": 0.15, "bad_signature": 0.15, "unknown_id": 0.10}
EXPECTED = {"hit": 200, "miss": 200, "bad_signature": 403, "unknown_id": 404}
SIZES = (96, 128, 160, 200, 240, 256, 300, 320, 360, 400, 480, 500, 512, 600, 640)


def prepare(data_dir: Path) -> list[str]:
    """Ingest the photos the load asks for (no tags: not what is measured)."""
    from pressroom.catalogue import open_catalogue
    from pressroom.config import Settings
    from pressroom.ingest.service import Ingestor
    from pressroom.storage import open_store

    settings = Settings(data_dir=data_dir)
    ing = Ingestor(open_store(settings), open_catalogue(settings), settings)
    ids = []
    for rel in PHOTOS:
        r = ing.ingest_path(CORPUS / rel)
        assert r.verdict == "accept", r
        ids.append(r.id)
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PRESSROOM_SIGNING_KEY": KEY.hex(), "PRESSROOM_TAGS": "0"}
    cmd = [sys.executable, "-m", "pressroom", "serve", "--host", "127.0.0.1", "--port",
           str(port), "--data", str(data_dir)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@dataclass
class Mix:
    """Request paths by kind, reproducible from a seed."""

    ids: list[str]
    seed: int = 1
    hot: list[str] = field(default_factory=list)  # the URLs whose results are cached
    n_miss: int = 0

    def __post_init__(self) -> None:
        from pressroom.render.signature import signed_path

        self.sign = lambda p: signed_path(p, KEY)
        self.rng = random.Random(self.seed)
        self.hot = [self.sign(f"/w:{w}/{pid}") for pid in self.ids for w in (200, 400)]

    def miss(self) -> str:
        """Options never asked before: a render (and then a cached result)."""
        self.n_miss += 1
        n = self.n_miss
        w, h = SIZES[n % len(SIZES)], SIZES[(n // len(SIZES)) % len(SIZES)]
        q = 30 + (n // len(SIZES) ** 2) % 70
        fmt = ("jpeg", "webp", "png")[n % 3]
        return self.sign(f"/w:{w}/h:{h}/fit:cover/f:{fmt}/q:{q}/{self.ids[n % len(self.ids)]}")

    def take(self, n: int) -> list[tuple[str, str]]:
        kinds = self.rng.choices(list(MIX), weights=list(MIX.values()), k=n)
        out = []
        for kind in kinds:
            if kind == "hit":
                path = self.rng.choice(self.hot)
            elif kind == "miss":
                path = self.miss()
            elif kind == "bad_signature":
                good = self.rng.choice(self.hot)
                sig, rest = good[1:].split("/", 1)
                path = f"/{sig[:-2]}{'AB' if sig[-2:] != 'AB' else 'CD'}/{rest}"
            else:
                path = self.sign(f"/w:200/{self.rng.getrandbits(96):024x}")
            out.append((kind, path))
        return out


async def _hang_up(port: int, path: str, after: int) -> None:
    """A client that reads `after` bytes of the response (0: none) and closes the socket."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: image/webp\r\n\r\n".encode())
    await writer.drain()
    if after:
        await asyncio.wait_for(reader.read(after), 30)
    writer.close()


async def _load(port: int, requests: list[tuple[str, str]], concurrency: int,
                hang_ups: list[str]) -> dict[str, Any]:  # fmt: skip
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for r in requests:
        queue.put_nowait(r)
    times: dict[str, list[float]] = {k: [] for k in MIX}
    statuses: Counter[str] = Counter()
    wrong: list[tuple[str, str, int]] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                kind, path = queue.get_nowait()
                t = time.perf_counter()
                r = await client.get(path, headers={"accept": "image/webp,image/*"})
                times[kind].append((time.perf_counter() - t) * 1000)
                statuses[f"{kind} {r.status_code}"] += 1
                if r.status_code != EXPECTED[kind]:
                    wrong.append((kind, path, r.status_code))

        async def hang_up_clients() -> None:
            for i, path in enumerate(hang_ups):
                await _hang_up(port, path, after=(0, 1, 200)[i % 3])
                await asyncio.sleep(0.01)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)), hang_up_clients())
        seconds = time.perf_counter() - started
    every = sorted(t for ts in times.values() for t in ts)
    return {
        "requests": len(requests),
        "seconds": round(seconds, 2),
        "per_s": round(len(requests) / seconds, 1),
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(n for k, n in statuses.items() if k.split()[-1].startswith("5")),
        "unexpected": wrong[:20],
        "p50_ms": _pct(every, 0.50),
        "p99_ms": _pct(every, 0.99),
        "by_kind_ms": {k: {"p50": _pct(sorted(v), 0.5), "p99": _pct(sorted(v), 0.99)}
                       for k, v in times.items() if v},  # fmt: skip
        "hang_ups": len(hang_ups),
    }


def _pct(sorted_ms: list[float], q: float) -> float:
    return round(sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))], 2)


def run(requests: int, concurrency: int = 16, warmup: int = 2000, hang_ups: int = 200,
        seed: int = 1, data_dir: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """Warm up (the hot results cached, every code path taken), then the measured load."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        data = data_dir or Path(tmp) / "data"
        ids = prepare(data)
        port = free_port()
        log = Path(tmp) / "server.log"
        server = start_server(data, port, log)
        try:
            mix = Mix(ids, seed)
            warm = [("hit", p) for p in mix.hot] + mix.take(warmup)
            asyncio.run(_load(port, warm, concurrency, []))
            rss_before = rss_mb(server.pid)
            load = mix.take(requests)
            # Hang-ups ask for renders that are not cached yet: the server is mid-work.
            cut = [mix.miss() for _ in range(hang_ups)]
            result = asyncio.run(_load(port, load, concurrency, cut))
            time.sleep(0.5)
            result["rss_after_warmup_mb"] = round(rss_before, 1)
            result["rss_after_mb"] = round(rss_mb(server.pid), 1)
            result["rss_growth"] = round(result["rss_after_mb"] / rss_before - 1, 4)
            health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
            result["healthy_after"] = health.status_code == 200
            result["server_alive"] = server.poll() is None
        except httpx.HTTPError as e:
            # A connection the server dropped: say what the server was doing, as the temporary
            # folder with its log goes with this run (one CI run saw a ReadError in warm-up).
            state = "alive" if server.poll() is None else f"exited {server.returncode}"
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{type(e).__name__} {e!r}; server {state}; log:\n{tail}") from e
        finally:
            server.terminate()
            server.wait(30)
        text = log.read_text(errors="replace")
        result["server_tracebacks"] = text.count("Traceback")
        result["server_log_tail"] = text[-1500:] if result["server_tracebacks"] else ""
        return result


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_load")
    p.add_argument("--requests", type=int, default=10_000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--warmup", type=int, default=2000)
    p.add_argument("--hang-ups", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    print(json.dumps(run(a.requests, a.concurrency, a.warmup, a.hang_ups, a.seed), indent=1))


if __name__ == "__main__":
    main()
