"""`pressroom` command line. Each subcommand lives in pressroom/commands/<name>.py and
registers itself; modules import their heavy libraries only when they run, so `--help`
stays instant."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Subcommand modules, in the order --help lists them.
from .commands._common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError

EXIT_FAILED = 3  # an infrastructure fault (disk, store, catalogue), not a verdict on a file

COMMANDS = (
    "validate", "ingest", "tag", "curate", "products", "book", "design", "check", "render",
    "preflight", "print", "demo",
    "sign", "thumb", "serve",
)  # fmt: skip


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pressroom")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pressroom",
        description="Image engine for photo printing: validate and ingest uploads, "
        "render thumbnails and print files.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pressroom.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"pressroom {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(
            "pressroom: interrupted; finished work is saved, the rest was not started",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback, for whoever runs us
        if os.environ.get("PRESSROOM_DEBUG"):
            raise
        print(
            f"pressroom {args.command}: failed: {type(exc).__name__}: {exc} "
            "(nothing half-written is kept; rerun to finish; PRESSROOM_DEBUG=1 shows the "
            "traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
