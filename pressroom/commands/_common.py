"""What the subcommands share: input expansion, settings flags, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
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
    tags = s.tags and not getattr(args, "no_tags", False)
    return s.replace(limits=limits, workers=workers, data_dir=data_dir, tags=tags)


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


def program() -> str:
    """How the user called us (e.g. .venv/bin/pressroom), for commands we suggest they run."""
    argv0 = sys.argv[0] if sys.argv else ""
    if os.path.basename(argv0) == "pressroom":
        rel = os.path.relpath(argv0)
        return rel if not rel.startswith("..") else argv0
    return "pressroom"


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


def run_files(
    settings: Settings,
    items: Sequence[Any],
    setup: Callable[[], Any],
    fn: Callable[[Any, Any], dict[str, Any]],
    label: str,
    show: Callable[[dict[str, Any]], None],
    *,
    bar: bool = True,
    on_failure: Callable[[Any, Any], dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """fn over untrusted files on the guarded worker pool (per-file time and memory budget),
    with a progress bar; show() prints each result as it arrives."""
    from ..batch import run_batch

    batch = run_batch(
        setup,
        fn,
        items,
        settings.workers,
        timeout=settings.file_timeout or None,
        memory_mb=settings.file_memory_mb or None,
        on_failure=on_failure or rejected_file,
    )
    results: list[dict[str, Any]] = []
    with progress(len(items), label, bar) as pbar, closing(batch) as stream:
        task = pbar.add_task(label, total=len(items))
        for r in stream:
            results.append(r)
            pbar.advance(task)
            show(r)
    return results


def rejected_file(path: Path, failure: Any) -> dict[str, Any]:
    """A file whose worker was killed (over budget) or crashed: a verdict, not a traceback."""
    from ..batch.files import rejected

    r = rejected(failure)
    return {"path": str(path), "verdict": "reject", "reason": r.reason, "message": r.message}


def exit_code(results: Iterable[dict[str, Any]]) -> int:
    return EXIT_OK if all(r["verdict"] == "accept" for r in results) else EXIT_REJECTED


def tally(results: Iterable[dict[str, Any]]) -> Iterator[tuple[str, int]]:
    counts: dict[str, int] = {}
    for r in results:
        key = "accepted" if r["verdict"] == "accept" else f"rejected: {r['reason']}"
        counts[key] = counts.get(key, 0) + 1
    yield from sorted(counts.items(), key=lambda kv: (kv[0] != "accepted", kv[0]))
