"""What the subcommands share: input expansion, settings flags, output."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

from ..config import Limits, Settings

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_FAILED = 3  # an infrastructure fault (disk, store, catalogue), not a verdict on a file
EXIT_CODES = (
    (EXIT_OK, "done: every file accepted, every check passed"),
    (EXIT_REJECTED, "something was rejected or failed its check (each says why)"),
    (EXIT_USAGE, "usage or configuration error (a flag, a path, a PRESSROOM_* setting)"),
    (EXIT_FAILED, "infrastructure fault (disk, storage, catalogue, port in use); rerun"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C); finished work is kept"),
)


class UsageError(Exception):
    """Bad arguments found after parsing (a path that does not exist, ...)."""


class Fault(Exception):
    """An infrastructure fault we can name in one line (a port in use, ...): exit 3."""


class Output:
    """How chatty the commands are: --quiet drops progress bars and notes (results, failures
    and the exit code stay). Set once by cli.main."""

    quiet = False


def note(text: str) -> None:
    """An informational line (what is happening, where files went): not with --quiet."""
    if not Output.quiet:
        print(text, flush=True)


def console(stderr: bool = False) -> Any:
    """A rich console that honours NO_COLOR (https://no-color.org) and --quiet's terminals."""
    from rich.console import Console

    return Console(stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")) or None)


def add_limit_flags(
    p: argparse.ArgumentParser, json_help: str = "one JSON object per file per line"
) -> None:
    p.add_argument("--max-pixels", type=int, help=f"pixel limit (default {Limits.max_pixels:,})")
    p.add_argument("--max-bytes", type=int, help=f"byte limit (default {Limits.max_bytes:,})")
    p.add_argument("--json", action="store_true", help=json_help)


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
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    err = console(stderr=True)
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not (enabled and err.is_terminal) or Output.quiet,
        # Results printed while the bar runs go above it when stdout is that same terminal;
        # redirected to a file or pipe they must stay on stdout (rich would send them to the
        # bar's stream, stderr).
        redirect_stdout=sys.stdout.isatty(),
        transient=True,
    )


def working(label: str, enabled: bool = True) -> Any:
    """A spinner with what is happening, on stderr when a person is watching, for a step that
    has no count to show (designing, rendering, checking one PDF); else a no-op."""
    from contextlib import nullcontext

    err = console(stderr=True)
    if not enabled or Output.quiet or not err.is_terminal:
        return nullcontext()
    return err.status(label)


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
    makes_masters: bool = False,
) -> list[dict[str, Any]]:
    """fn over untrusted files on the guarded worker pool (per-file time and memory budget),
    with a progress bar. Results come back in completion order; show() prints them in the
    order the user gave (each as soon as all before it are done), and so are they returned.
    makes_masters: first say (once, not per worker) any part missing for masters' fast paths."""
    from ..batch import run_batch

    if makes_masters:
        from ..capabilities import say_fallbacks

        say_fallbacks()

    batch = run_batch(
        setup,
        partial(_indexed, fn),
        list(enumerate(items)),
        settings.workers,
        timeout=settings.file_timeout or None,
        memory_mb=settings.file_memory_mb or None,
        on_failure=partial(_indexed_failure, on_failure or rejected_file),
    )
    done: dict[int, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    with progress(len(items), label, bar) as pbar, closing(batch) as stream:
        task = pbar.add_task(label, total=len(items))
        try:
            for i, r in stream:
                done[i] = r
                pbar.advance(task)
                while len(results) in done:  # the next in input order is ready
                    results.append(done.pop(len(results)))
                    show(results[-1])
        except KeyboardInterrupt:
            for i in sorted(done):  # finished files still get their line, in order
                show(done[i])
            raise
    return results


def _indexed(fn: Callable[[Any, Any], Any], ctx: Any, item: tuple[int, Any]) -> tuple[int, Any]:
    return item[0], fn(ctx, item[1])


def _indexed_failure(
    fn: Callable[[Any, Any], Any], item: tuple[int, Any], failure: Any
) -> tuple[int, Any]:
    return item[0], fn(item[1], failure)


def rejected_file(path: Path, failure: Any) -> dict[str, Any]:
    """A file whose worker was killed (over budget) or crashed: a verdict, not a traceback."""
    from ..batch.files import rejected

    r = rejected(failure)
    return {"path": str(path), "verdict": "reject", "reason": r.reason, "message": r.message}


def exit_code(results: Iterable[dict[str, Any]]) -> int:
    return EXIT_OK if all(r["verdict"] == "accept" for r in results) else EXIT_REJECTED


# Column widths shared by validate, ingest, tag and thumb, so accept and reject lines align:
# verdict, then the format (accepts) or the reason code (rejects; the longest code is 18),
# then the upright size, then the path and, for a reject, what happened.
VERDICT_W, WHAT_W, SIZE_W = 8, 19, 11


def result_line(r: dict[str, Any], word: str | None = None, prefix: str = "") -> str:
    """One file's line: `accept  JPEG   4032x3024  path` or `reject  truncated  path  why`."""
    accepted = r["verdict"] == "accept"
    word = word or r["verdict"]
    what = (r.get("format") or "") if accepted else (r.get("reason") or "")
    size = f"{r['width']}x{r['height']}" if accepted and r.get("width") else ""
    tail = "" if accepted else f"  {r.get('message') or ''}"
    # A value wider than its column still keeps one space before the next.
    cols = f"{word:<{VERDICT_W - 1}} {prefix}{what:<{WHAT_W - 1}} {size:<{SIZE_W - 1}} "
    return f"{cols}{r['path']}{tail}".rstrip()


def what_to_do(code: str | None, domain: str = "upload") -> str:
    """The registry's advice for a reason code ("" when it has none)."""
    from ..reasons import reason

    r = reason(domain, code)
    return r.tell if r else ""


def median_ms(results: Iterable[dict[str, Any]]) -> str:
    """Median time per file, accepts and rejects apart (a reject is cheap: mixing them
    would flatter the figure)."""
    parts = []
    rs = list(results)
    for label, keep in (("accepted", True), ("rejected", False)):
        secs = sorted(r["seconds"] for r in rs if (r["verdict"] == "accept") is keep
                      and r.get("seconds") is not None)
        if secs:
            parts.append(f"median {1000 * secs[len(secs) // 2]:.0f} ms per {label} file")
    return ", ".join(parts)


def summary_lines(results: Iterable[dict[str, Any]], noun: str = "file") -> list[str]:
    """`3 files: 2 accepted, 1 rejected`, then per rejection reason how many and what to do."""
    rs = list(results)
    accepted = sum(r["verdict"] == "accept" for r in rs)
    lines = [f"{plural(len(rs), noun)}: {accepted} accepted, {len(rs) - accepted} rejected"]
    by_code: dict[str, int] = {}
    for r in rs:
        if r["verdict"] != "accept":
            by_code[r.get("reason") or ""] = by_code.get(r.get("reason") or "", 0) + 1
    for code, n in sorted(by_code.items()):
        tell = what_to_do(code)
        lines.append(f"  {n} {code}" + (f": {tell}" if tell else ""))
    return lines


def printable_words(code: str) -> str:
    """Why a photo is not printable, and what to do, from the registry (`tag`, `curate`)."""
    from ..reasons import reason

    r = reason("printable", code)
    if r is None:
        return code.replace("_", " ")
    return ". ".join(x for x in (r.staff or r.public, r.tell) if x)


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def tally(results: Iterable[dict[str, Any]]) -> Iterator[tuple[str, int]]:
    counts: dict[str, int] = {}
    for r in results:
        key = "accepted" if r["verdict"] == "accept" else f"rejected: {r['reason']}"
        counts[key] = counts.get(key, 0) + 1
    yield from sorted(counts.items(), key=lambda kv: (kv[0] != "accepted", kv[0]))
