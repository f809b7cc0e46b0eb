"""Real S3-compatible servers in separate processes, for tests of the AWS-backed code.

moto runs in server mode (every AWS API moto knows: S3 now, DynamoDB and SQS later) and is
reached over HTTP like real AWS: nothing in boto3 is patched. One moto process serves the
whole test session; each test starts from an empty moto. In a test module:

    from tests.aws_server import moto_endpoint  # noqa: F401  (pytest finds fixtures by name)

    def test_something(moto_endpoint: str) -> None:  # noqa: F811
        client = boto3.client("dynamodb", endpoint_url=moto_endpoint)

The fixture also sets dummy credentials and the region for the duration of the test, so
boto3 clients made inside it need nothing but endpoint_url.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

HOST = "127.0.0.1"

# Dummy credentials and a fixed region; the rest keeps a developer's ~/.aws and
# AWS_ENDPOINT_URL from steering test clients anywhere real.
AWS_TEST_ENV: dict[str, str | None] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": None,  # unset: a real session token must never be sent
    "AWS_SECURITY_TOKEN": None,
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_PROFILE": None,
    "AWS_ENDPOINT_URL": None,
    "AWS_ENDPOINT_URL_S3": None,
}


def aws_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default os.environ) with AWS_TEST_ENV applied, for child processes."""
    env = dict(os.environ if base is None else base)
    for name, value in AWS_TEST_ENV.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def free_ports(count: int = 1) -> list[int]:
    """Ports the kernel had free a moment ago: all held at once, so they are distinct."""
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            s = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            s.bind((HOST, 0))
            ports.append(s.getsockname()[1])
        return ports


def _die_with_parent() -> None:
    # Linux: the server gets SIGTERM if pytest itself is killed, so no orphan keeps a port.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM


def spawn(
    argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    """Start a server process, its output going to a temp file read back on failure."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server, not a block
    preexec = _die_with_parent if sys.platform == "linux" else None
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=cwd,
        preexec_fn=preexec,
    )
    return proc, log


def _tail(log: IO[bytes], limit: int = 4000) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-limit:]


def wait_until(
    ready: Callable[[], bool],
    proc: subprocess.Popen[bytes],
    log: IO[bytes],
    timeout: float,
    what: str,
) -> None:
    """Poll `ready` until it holds; fail fast, with the server's output, if the server dies."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{_tail(log)}")
        if ready():
            return
        if time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"{what} not ready after {timeout:.0f}s:\n{_tail(log)}")
        time.sleep(0.05)


def answers_http(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            urllib.request.urlopen(url, timeout=1).close()
        except urllib.error.HTTPError:
            return True  # any HTTP status means something is serving
        except OSError:
            return False
        return True

    return ready


def stop(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_moto(timeout: float = 30.0, attempts: int = 3) -> tuple[str, subprocess.Popen[bytes]]:
    """Start `python -m moto.server` on a free loopback port; return (endpoint, process).

    The caller owns the process: stop(process) when done.
    """
    error: Exception | None = None
    # A free port can be taken between choosing and binding it, so a server that dies at
    # start is retried on another port.
    for _ in range(attempts):
        (port,) = free_ports()
        endpoint = f"http://{HOST}:{port}"
        argv = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]
        proc, log = spawn(argv, env=aws_env())
        try:
            wait_until(answers_http(f"{endpoint}/moto-api/"), proc, log, timeout, "moto server")
        except RuntimeError as e:
            error = e
            continue
        return endpoint, proc
    raise RuntimeError(f"moto server failed to start {attempts} times") from error


def reset_moto(endpoint: str) -> None:
    """Drop every bucket, table, queue... that moto holds."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(request, timeout=10).close()


_shared: tuple[str, subprocess.Popen[bytes]] | None = None


def shared_moto(config: pytest.Config) -> str:
    """The session's moto endpoint, started on first use and stopped when pytest ends.

    Kept at module level, not in a session fixture, so that every test module importing
    moto_endpoint shares one server (pytest gives each importing module its own copy of an
    imported session fixture), and a test module needs to import one name only.
    """
    global _shared
    if _shared is None or _shared[1].poll() is not None:
        endpoint, proc = start_moto()
        _shared = (endpoint, proc)

        def _cleanup() -> None:
            global _shared
            stop(proc)
            _shared = None

        config.add_cleanup(_cleanup)
    return _shared[0]


def use_aws_test_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apply AWS_TEST_ENV to os.environ until the test ends."""
    for name, value in AWS_TEST_ENV.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.fixture
def moto_endpoint(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Endpoint URL of the session's moto server, emptied for this test."""
    endpoint = shared_moto(request.config)
    use_aws_test_env(monkeypatch)
    reset_moto(endpoint)
    return endpoint


def find_weed() -> str | None:
    """The seaweedfs `weed` binary: beside this Python (a venv's bin) or on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    import shutil

    return shutil.which("weed")


def start_seaweedfs(
    weed: str, data_dir: Path, timeout: float = 60.0
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start `weed mini` (master, volume, filer and S3 in one process) on loopback only.

    Returns (S3 endpoint, process); the caller ends it with stop_seaweedfs. Every port is
    chosen free, gRPC ones too (weed otherwise takes port + 10000), and the unix sockets that
    can be placed go under data_dir. The S3 gateway takes AWS_TEST_ENV's keys as its admin.
    """
    import boto3
    from botocore.config import Config

    names = ["master", "volume", "filer", "s3", "admin"]
    ports = free_ports(2 * len(names))
    http_ports = dict(zip(names, ports[: len(names)], strict=True))
    grpc_ports = dict(zip(names, ports[len(names) :], strict=True))
    argv = [
        weed,
        "mini",
        f"-dir={data_dir}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.localSocket={data_dir / 's3.sock'}",
        f"-filer.localSocket={data_dir / 'filer.sock'}",
    ]
    for name in names:
        argv += [f"-{name}.port={http_ports[name]}", f"-{name}.port.grpc={grpc_ports[name]}"]
    endpoint = f"http://{HOST}:{http_ports['s3']}"
    env = aws_env()
    proc, log = spawn(argv, env=env, cwd=data_dir)

    # The S3 port opens before the filer behind it is ready; a listing that succeeds is
    # the real readiness signal.
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5),
    )

    def ready() -> bool:
        try:
            client.list_buckets()
        except Exception:
            return False
        return True

    wait_until(ready, proc, log, timeout, "seaweedfs (weed mini)")
    return endpoint, proc


def stop_seaweedfs(proc: subprocess.Popen[bytes]) -> None:
    """stop(), then remove the gRPC sockets weed leaves in /tmp whatever TMPDIR says."""
    stop(proc)
    for arg in proc.args:  # type: ignore[union-attr]
        name, _, port = str(arg).partition(".port.grpc=")
        if name in ("-admin", "-s3"):
            Path(f"/tmp/seaweedfs-{name[1:]}-grpc-{port}.sock").unlink(missing_ok=True)
