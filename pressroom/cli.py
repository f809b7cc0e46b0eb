"""`pressroom` command line. Each subcommand lives in pressroom/commands/<name>.py and
registers itself; modules import their heavy libraries only when they run, so `--help`
stays instant."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .commands._common import (
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    Fault,
    Output,
    UsageError,
)
from .reasons import ConfigError, PressroomError

__all__ = ["EXIT_FAILED", "build_parser", "main"]

# Subcommand modules, in the order --help lists them.
COMMANDS = (
    "validate", "ingest", "tag", "curate", "products", "printers", "book", "design", "check",
    "render", "preflight", "print", "demo", "backfill",
    "sign", "thumb", "serve", "doctor", "completion",
)  # fmt: skip


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pressroom")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _epilog() -> str:
    codes = "\n".join(f"  {code:<4} {words}" for code, words in EXIT_CODES)
    return (
        f"exit codes (every command):\n{codes}\n\n"
        "environment: PRESSROOM_* settings (see the README), NO_COLOR=1 for plain output, "
        "PRESSROOM_DEBUG=1 for tracebacks.\n"
        "`pressroom COMMAND --help` explains each command; "
        "`pressroom completion bash|zsh` prints shell completion."
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pressroom",
        description="Image engine for photo printing: validate and ingest uploads, "
        "render thumbnails and print files.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bars, notes or summaries: only results, failures and the exit code",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pressroom.commands.{name}").register(sub)
    for sp in sub.choices.values():  # also after the command: `pressroom ingest -q ...`
        sp.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress bars, notes or summaries")  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.parser = parser  # `pressroom completion` walks it
    Output.quiet = bool(args.quiet)
    cmd = f"pressroom {args.command}"
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"{cmd}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        # A setting that cannot be used: the operator's to fix, not a fault to retry.
        print(f"{cmd}: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except Fault as exc:
        print(f"{cmd}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except PressroomError as exc:  # a verdict with a registered reason (design, print, ...)
        tell = f" {exc.info.tell}" if exc.info.tell else ""
        print(f"{cmd}: {exc.message}{tell}", file=sys.stderr)
        return EXIT_FAILED if exc.info.report else EXIT_REJECTED
    except KeyboardInterrupt:
        print("pressroom: interrupted; finished work is saved, the rest was not started",
              file=sys.stderr)  # fmt: skip
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback, for whoever runs us
        if os.environ.get("PRESSROOM_DEBUG"):
            raise
        what = str(exc) or type(exc).__name__
        print(
            f"{cmd}: failed: {what} (an infrastructure fault: nothing half-written is kept; "
            "rerun to finish; PRESSROOM_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
