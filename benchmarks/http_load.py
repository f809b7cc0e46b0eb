"""Bounded load generators on 127.0.0.1: a Python asyncio loop that fetches each URL once
(cold runs: every request a render), and wrk over a URL list for a fixed time (warm runs)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Stats:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def _pct(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


async def _each_once(urls: list[str], concurrency: int, accept: str) -> Stats:
    """Each URL once over `concurrency` keep-alive connections, by a bare HTTP/1.1 client on
    asyncio streams: ~0.1 ms of CPU a request where httpx took ~4, so on a 2-core machine
    the client no longer takes a core's share from the server it measures."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while not queue.empty():
            url = urlsplit(queue.get_nowait())
            if conn is None:
                conn = await asyncio.open_connection(url.hostname, url.port)
            reader, writer = conn
            path = url.path + (f"?{url.query}" if url.query else "")
            t = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: {accept}"
                         "\r\n\r\n".encode())  # fmt: skip
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            assert length, f"no Content-Length from {url.geturl()}: {head[:300]!r}"
            body = await reader.readexactly(int(length.group(1)))
            latencies.append((time.perf_counter() - t) * 1000)
            if status != 200 or len(body) < 1000:
                errors += 1
            if re.search(rb"(?im)^connection:\s*close", head):
                writer.close()
                conn = None
        if conn is not None:
            conn[1].close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Stats(len(latencies), elapsed, _pct(latencies, 0.5), _pct(latencies, 0.99), errors)


def each_once(urls: list[str], concurrency: int, accept: str = "*/*") -> Stats:
    return asyncio.run(_each_once(urls, concurrency, accept))


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


_LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "%s"})
end
"""


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(base: str, paths: list[str], seconds: int, connections: int, work: Path,
        accept: str = "*/*") -> Stats:  # fmt: skip
    """wrk -t1 over `paths` in turn for `seconds` (1 thread: the servers get the cores)."""
    listing = work / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = work / "rotate.lua"
    script.write_text(_LUA % (listing, accept))
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base]
    run = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60)
    out = run.stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    elapsed = _ms(re.search(r"requests in ([\d.]+(?:us|ms|s))", out).group(1)) / 1000
    p50 = _ms(re.search(r"50%\s+([\d.]+(?:us|ms|s))", out).group(1))
    p99 = _ms(re.search(r"99%\s+([\d.]+(?:us|ms|s))", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, errs.groups())) if errs else 0)
    return Stats(total, elapsed, p50, p99, errors)
