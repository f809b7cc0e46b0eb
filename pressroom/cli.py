"""`pressroom` command line. Each subcommand lives in pressroom/commands/<name>.py and
registers itself; modules import their heavy libraries only when they run, so `--help`
stays instant."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules, in the order --help lists them.
from .commands._common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError

COMMANDS = (
    "validate", "ingest", "tag", "curate", "products", "book", "preflight", "print", "demo",
    "sign", "thumb", "serve",
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pressroom",
        description="Image engine for photo printing: validate and ingest uploads, "
        "render thumbnails and print files.",
    )
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


if __name__ == "__main__":
    sys.exit(main())
