"""Start and stop the HTTP servers the benchmark compares, on 127.0.0.1 only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
THUMBOR_VENV = Path(os.environ.get("THUMBOR_VENV", "/tmp/thumbor-venv"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base: str, pid: int) -> None:
        self.base, self.pid = base, pid

    def _group(self) -> Iterator[list[str]]:
        """/proc/<pid>/stat fields (after "pid (comm)") of the server's process group."""
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.pid:  # pgrp: the server and all its workers
                yield fields

    def rss_mb(self) -> float:
        return sum(int(f[21]) for f in self._group()) * os.sysconf("SC_PAGE_SIZE") / 1e6

    def cpu_seconds(self) -> float:
        """User + system CPU of the live processes of the group (workers are long-lived)."""
        ticks = sum(int(f[11]) + int(f[12]) for f in self._group())
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def _process(cmd: list[str], env: dict[str, str], health: str, log: Path) -> Iterator[int]:
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(health, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield proc.pid
    finally:
        # Our own process group (start_new_session): uvicorn/thumbor workers go with it.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def pressroom(data: Path, port: int, workers: int, log: Path) -> Iterator[Server]:
    env = {**os.environ, "PRESSROOM_DATA": str(data), "PRESSROOM_ALLOW_UNSIGNED": "1",
           "PRESSROOM_THUMB_SIZES": "*", "PYTHONPATH": str(ROOT)}  # fmt: skip
    cmd = [sys.executable, "-m", "pressroom", "serve", "--port", str(port),
           "--workers", str(workers)]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with _process(cmd, env, f"{base}/health", log) as pid:
        yield Server(base, pid)


def thumbor_available() -> bool:
    return (THUMBOR_VENV / "bin" / "thumbor").exists()


@contextmanager
def thumbor(root: Path, results: Path, port: int, processes: int, log: Path) -> Iterator[Server]:
    """thumbor with its file loader and PIL engine, result storage on disk (warm hits)."""
    conf = results.parent / "thumbor.conf"
    conf.write_text(
        "\n".join(
            [
                "LOADER = 'thumbor.loaders.file_loader'",
                f"FILE_LOADER_ROOT_PATH = '{root}'",
                "ENGINE = 'thumbor.engines.pil'",
                "STORAGE = 'thumbor.storages.no_storage'",
                "RESULT_STORAGE = 'thumbor.result_storages.file_storage'",
                f"RESULT_STORAGE_FILE_STORAGE_ROOT_PATH = '{results}'",
                "RESULT_STORAGE_STORES_UNSAFE = True",
                "ALLOW_UNSAFE_URL = True",
                "SECURITY_KEY = 'benchmark'",
                "QUALITY = 82",
                "WEBP_QUALITY = 80",
                "AUTO_WEBP = False",
                "PRESERVE_EXIF_INFO = False",
                "RESPECT_ORIENTATION = False",
                "MAX_AGE = 31536000",
            ]
        )
        + "\n"
    )
    cmd = [str(THUMBOR_VENV / "bin" / "thumbor"), "-i", "127.0.0.1", "-p", str(port),
           "-c", str(conf), "--processes", str(processes), "-l", "error"]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with _process(cmd, dict(os.environ), f"{base}/healthcheck", log) as pid:
        yield Server(base, pid)
