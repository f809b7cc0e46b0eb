"""`pressroom serve --workers 2`: a lean parent that forks its workers on one socket (no
uvicorn supervisor, no multiprocessing resource tracker), replaces a worker that dies and
stops them all on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group(pgid: int) -> dict[int, int]:
    """pid -> parent pid of every live process in the process group."""
    out = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out[int(stat.parent.name)] = int(fields[1])
    return out


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _wait_for(check, seconds: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_")}
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pressroom", "serve", "--port", str(port), "--workers", "2",
         "--data", str(tmp_path / "data")],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _healthy(base) or proc.poll() is not None)
        assert proc.poll() is None, (tmp_path / "serve.log").read_text()
        yield proc, base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_two_workers_under_a_lean_parent_and_sigterm_stops_them_all(
    server: tuple[subprocess.Popen[bytes], str],
) -> None:
    proc, base = server
    _wait_for(lambda: len(_group(proc.pid)) == 3, 30)
    group = _group(proc.pid)
    workers = [pid for pid, ppid in group.items() if ppid == proc.pid]
    assert len(workers) == 2 and set(group) == {proc.pid, *workers}
    assert not any("multiprocessing" in _cmdline(pid) for pid in group)  # no resource tracker
    # The parent never loads the image engine or the web stack; the workers do.
    assert "libvips" not in Path(f"/proc/{proc.pid}/maps").read_text()
    # Each worker loads the engine while it builds its app: wait for that, not for the fork.
    loaded = lambda: all("libvips" in Path(f"/proc/{w}/maps").read_text() for w in workers)  # noqa: E731
    _wait_for(loaded, 30)
    assert loaded()
    assert _healthy(base)

    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    _wait_for(lambda: not _group(proc.pid), 5)
    assert time.monotonic() - t0 < 5
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/health", timeout=2)


def _accepted(pid: int, port: int) -> int:
    """How many established connections to `port` process `pid` holds (its fds that are
    sockets in /proc/net/tcp with that local port, state 01)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == port and f[3] == "01":
            inodes.add(f"socket:[{f[9]}]")
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd) in inodes)


def test_connections_spread_over_the_workers(
    server: tuple[subprocess.Popen[bytes], str],
) -> None:
    """Each worker listens on its own SO_REUSEPORT socket: a burst of keep-alive connections
    (a load balancer's, a benchmark's) lands on both, not all on whichever woke first. With
    16 connections hashed over 2 sockets, all on one has odds of 2 in 65,536."""
    proc, base = server
    port = int(base.rsplit(":", 1)[1])
    _wait_for(lambda: len(_group(proc.pid)) == 3, 30)
    workers = [pid for pid, ppid in _group(proc.pid).items() if ppid == proc.pid]
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
    try:
        for c in conns:  # a request answered: the connection is accepted by now
            c.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert c.recv(65536).startswith(b"HTTP/1.1 200")
        held = {w: _accepted(w, port) for w in workers}
        assert sum(held.values()) == 16 and all(held.values()), held
        assert _accepted(proc.pid, port) == 0  # the parent only holds the port
    finally:
        for c in conns:
            c.close()


def test_a_worker_that_dies_is_replaced(server: tuple[subprocess.Popen[bytes], str]) -> None:
    proc, base = server
    _wait_for(lambda: len(_group(proc.pid)) == 3, 30)
    victim = next(pid for pid, ppid in _group(proc.pid).items() if ppid == proc.pid)
    os.kill(victim, signal.SIGKILL)
    _wait_for(lambda: victim not in _group(proc.pid) and len(_group(proc.pid)) == 3, 30)
    for _ in range(4):  # both workers answer (the kernel spreads accepts between them)
        assert _healthy(base)
    assert proc.poll() is None


def test_workers_that_cannot_start_stop_the_parent_with_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the data folder should be")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_")}
    r = subprocess.run(
        [sys.executable, "-m", "pressroom", "serve", "--port", str(_free_port()), "--workers",
         "2", "--data", str(tmp_path / "data")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert r.returncode == 3
    lines = r.stderr.strip().splitlines()
    assert "Traceback" not in r.stderr
    assert lines[-1] == "pressroom serve: stopped: a worker could not start"
    assert 1 <= len(lines[:-1]) <= 2, r.stderr  # each worker once, not replaced again
    assert all("could not start: [Errno 20] Not a directory" in x for x in lines[:-1]), r.stderr


def _rss_anon_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon")


def test_an_idle_worker_gives_freed_pixel_memory_back(tmp_path: Path, corpus: Path) -> None:
    """After a burst of cold renders, glibc keeps the freed pixels in its arenas; once the
    worker has rendered nothing for IDLE_TRIM_SECONDS it trims them (pressroom.memory)."""
    from pressroom.api.thumbnails import IDLE_TRIM_SECONDS

    data = tmp_path / "data"
    photos = [corpus / "big" / n for n in ("jolla.jpg", "HMD_Nokia_8.3_5G.jpg")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_")}
    ingest = subprocess.run(
        [sys.executable, "-m", "pressroom", "ingest", "--no-tags", "--json", "--data", str(data),
         *map(str, photos)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    ids = [json.loads(line)["id"] for line in ingest.stdout.splitlines()]
    port = _free_port()
    env |= {"PRESSROOM_ALLOW_UNSIGNED": "1", "PRESSROOM_THUMB_SIZES": "*"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pressroom", "serve", "--port", str(port), "--workers", "1",
         "--data", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _healthy(base) or proc.poll() is not None)
        with httpx.Client(base_url=base, timeout=60) as client:
            for w in range(700, 1500, 40):  # 1008 and 2016 px renditions, big pixel buffers
                for i in ids:
                    for fmt in ("jpeg", "webp"):
                        r = client.get(f"/_/w:{w}/h:{w}/fit:inside/f:{fmt}/{i}")
                        assert r.status_code == 200, r.text
        busy = _rss_anon_mb(proc.pid)
        time.sleep(IDLE_TRIM_SECONDS + 2)
        idle = _rss_anon_mb(proc.pid)
        assert idle < busy - 15, (busy, idle)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
