"""What the subcommands share: input expansion, settings flags, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..config import Limits, Settings

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Bad arguments found after parsing (a path that does not exist, ...)."""


def add_limit_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-pixels", type=int, help=f"pixel limit (default {Limits.max_pixels:,})")
    p.add_argument("--max-bytes", type=int, help=f"byte limit (default {Limits.max_bytes:,})")
    p.add_argument("--json", action="store_true", help="one JSON object per file per line")


def settings_from(args: argparse.Namespace) -> Settings:
    s = Settings.from_env()
    limits = Limits(
        max_pixels=args.max_pixels or s.limits.max_pixels,
        max_bytes=args.max_bytes or s.limits.max_bytes,
    )
    workers = getattr(args, "workers", None) or s.workers
    data_dir = getattr(args, "data", None) or s.data_dir
    return Settings(**{**s.__dict__, "limits": limits, "workers": workers, "data_dir": data_dir})


def expand(paths: Sequence[str]) -> list[Path]:
    """Files as given, folders walked (sorted, hidden files skipped). Missing -> usage error."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"no such file or folder: {raw}")
    if not out:
        raise UsageError("no files to process")
    return out


def emit_json(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def progress(total: int, label: str, enabled: bool) -> Any:
    """A rich progress bar on stderr when a person is watching, else a no-op."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not (enabled and console.is_terminal),
        transient=True,
    )


def tally(results: Iterable[dict[str, Any]]) -> Iterator[tuple[str, int]]:
    counts: dict[str, int] = {}
    for r in results:
        key = "accepted" if r["verdict"] == "accept" else f"rejected: {r['reason']}"
        counts[key] = counts.get(key, 0) + 1
    yield from sorted(counts.items(), key=lambda kv: (kv[0] != "accepted", kv[0]))
