"""pressroom serve : run the thumbnail API, with the console beside it, under uvicorn.

The settings are read once, here (PRESSROOM_* and --data), and handed to every worker with
the app factory (`functools.partial(serve_app, settings)`): no command writes the environment
for its workers to read back. With --workers N the parent stays lean (_serve_workers): it binds
the socket, forks N workers that each build the app and run uvicorn on it, and imports
neither uvicorn nor the app itself.
"""

from __future__ import annotations

import argparse
import errno
import functools
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import EXIT_OK, Fault, note

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from ..config import Settings

# glibc gives each thread its own malloc arena and rarely returns their memory: with render
# threads that looks like a leak. Two arenas keep RSS flat (imgproxy's advice).
MALLOC_ARENAS = 2
# Each request renders on its own thread; libvips threads inside one render only add
# contention when requests already keep every core busy.
VIPS_THREADS = 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the thumbnail API and the customer-success console (uvicorn)",
        description="Serve GET /{signature}/{options}/{photo id} and /health from the data "
        "folder's masters, and the console (photos, books, print jobs) at /console/ when "
        "PRESSROOM_CONSOLE_TOKEN is set (sign in with that token). Keys come from "
        "PRESSROOM_SIGNING_KEY; PRESSROOM_ALLOW_UNSIGNED=1 accepts unsigned /_/... URLs "
        "(local development only). Prints the URLs once the port is bound. Exit 2 on a "
        "setting that is not valid, 3 when the port is already in use or the workers cannot "
        "start (a worker that dies while serving is replaced).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    p.set_defaults(run=run)


def serve_app(settings: Settings) -> ASGIApp:
    """uvicorn's app factory, called in each worker: the thumbnail API, and the console at
    /console when a console token is set."""
    from ..api.app import create_app
    from ..catalogue import open_catalogue
    from ..console import with_console
    from ..storage import open_store

    _tune_process()  # before any thread or render starts
    store, catalogue = open_store(settings), open_catalogue(settings)
    return with_console(create_app(settings, store, catalogue), settings, store, catalogue)


def run(args: argparse.Namespace) -> int:
    from ..config import Settings

    settings = Settings.from_env()
    if args.data:
        settings = settings.replace(data_dir=args.data)
    # Before any URL is printed: the port may be taken.
    shared = args.workers > 1
    sock = _bind(args.host, args.port, listen=not shared)  # fails if anything holds the port
    port = sock.getsockname()[1]
    if shared:  # held for the workers' sockets (see below)
        sock.close()
        sock = _bind(args.host, port, reuse_port=True, listen=False)
    for line in urls(settings, args.host, port):
        note(line)
    if args.workers <= 1:
        _serve(settings, args, sock)
        return EXIT_OK
    from ._serve_workers import WorkersFailed, supervise

    # Each worker listens on a socket of its own on the same port (SO_REUSEPORT, as nginx's
    # `reuseport`): the kernel spreads connections over them by hash. On one shared socket
    # the first worker to wake accepts a whole burst of connections, and a benchmark's or a
    # CDN's 8 keep-alive connections all ended up on one worker while the other idled. The
    # parent's socket stays bound, not listening: it holds the port and takes no connection.
    def worker() -> None:
        sock.close()
        _serve(settings, args, _bind(args.host, port, reuse_port=True))

    try:
        supervise(args.workers, worker)
    except WorkersFailed as e:
        raise WorkersDown(f"stopped: {e}") from None
    return EXIT_OK


def _serve(settings: Settings, args: argparse.Namespace, sock: socket.socket) -> None:
    """One server process (the only one, or a forked worker) on its listening socket."""
    import uvicorn

    config = uvicorn.Config(
        functools.partial(serve_app, settings),
        factory=True,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
        server_header=False,
    )
    uvicorn.Server(config).run(sockets=[sock])


class PortInUse(Fault):
    """The address is taken: an infrastructure fault (exit 3), said in one line."""


class WorkersDown(Fault):
    """The workers could not start or kept dying (exit 3); their errors are in the log."""


def _bind(host: str, port: int, *, reuse_port: bool = False, listen: bool = True) -> socket.socket:
    """A socket bound to host:port; reuse_port for the workers' sockets (see run())."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Linux copies TCP_NODELAY from the listening socket to every socket it accepts; asyncio
    # only sets it on sockets whose proto is TCP, and ours is made with proto 0: without it
    # each response's second write waits ~40 ms for a delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise PortInUse(
                f"port {port} on {host} is already in use (another `pressroom serve`?); "
                "stop it or choose another with --port"
            ) from None
        raise PortInUse(f"cannot listen on {host}:{port}: {e.strerror}") from None
    if listen:
        sock.listen(2048)
    return sock


def urls(settings: Settings, host: str, port: int) -> list[str]:
    base = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    lines = [
        f"thumbnails  {base}/{{signature}}/{{options}}/{{photo id}}  (health: {base}/health)",
    ]
    if settings.console_token:
        lines.append(f"console     {base}/console/  (sign in with PRESSROOM_CONSOLE_TOKEN)")
    else:
        lines.append("console     off: set PRESSROOM_CONSOLE_TOKEN=<a secret> to serve it "
                     f"at {base}/console/")  # fmt: skip
    if not settings.signing_keys and not settings.allow_unsigned:
        lines.append("thumbnails need PRESSROOM_SIGNING_KEY (hex), or PRESSROOM_ALLOW_UNSIGNED=1 "
                     "on a development machine")  # fmt: skip
    return lines


def _tune_process() -> None:
    """The serving process's libvips threads and malloc arenas, set through the libraries'
    own calls (both take effect for work started later, so nothing has to be in the
    environment before they load). MALLOC_ARENA_MAX and VIPS_CONCURRENCY, the libraries' own
    variables, still win when an operator sets them: glibc and libvips read them at start."""
    import pyvips

    from .. import memory

    if "VIPS_CONCURRENCY" not in os.environ:
        pyvips.concurrency_set(VIPS_THREADS)
    if "MALLOC_ARENA_MAX" not in os.environ:
        memory.limit_arenas(MALLOC_ARENAS)
