"""pressroom serve : run the thumbnail API under uvicorn."""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path

from ._common import EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="run the thumbnail API (uvicorn)",
        description="Serve GET /{signature}/{options}/{photo id} and /health from the data "
        "folder's masters. Keys come from PRESSROOM_SIGNING_KEY; PRESSROOM_ALLOW_UNSIGNED=1 "
        "accepts unsigned /_/... URLs (local development only).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.data:
        os.environ["PRESSROOM_DATA"] = str(args.data)  # read by every worker's app factory
    # Each request renders on its own thread; libvips threads inside one render only add
    # contention when requests already keep every core busy.
    os.environ.setdefault("VIPS_CONCURRENCY", "1")
    # glibc gives each thread its own malloc arena and rarely returns their memory: with
    # render threads that looks like a leak. Two arenas keep RSS flat (imgproxy's advice).
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # for worker processes
    _limit_arenas(int(os.environ["MALLOC_ARENA_MAX"]))  # for this one
    import uvicorn

    print(f"pressroom serve: http://{args.host}:{args.port}/health", flush=True)
    config = uvicorn.Config(
        "pressroom.api.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
        server_header=False,
    )
    if args.workers <= 1:
        uvicorn.Server(config).run()
        return EXIT_OK
    from uvicorn.supervisors import Multiprocess

    sock = config.bind_socket()
    # Workers rebuild this socket from its fd with proto 0, so asyncio never sets TCP_NODELAY
    # on the connections they accept, and each response's second write waits ~40 ms for a
    # delayed ACK (180 req/s instead of thousands). Linux copies the option from the
    # listening socket to every socket it accepts.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()
    return EXIT_OK


def _limit_arenas(n: int) -> None:
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(-8, n)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune
