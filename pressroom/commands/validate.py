"""pressroom validate PATH... : judge uploads by content, write nothing."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from ..config import Settings
from ._common import (
    add_limit_flags,
    emit_json,
    exit_code,
    expand,
    median_ms,
    note,
    result_line,
    run_files,
    settings_from,
    summary_lines,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "validate",
        help="judge uploads by their content (no writes)",
        description="Judge each file by its content: format sniffed from the bytes, decoded "
        "completely and strictly, within pixel and byte limits. One line per file, in the "
        "order given (folders walked in name order), then a summary with what to do about "
        "each kind of rejection. Exit 0 when all are accepted, 1 when any is rejected, 2 on "
        "usage errors.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    add_limit_flags(p)
    p.set_defaults(run=run)


def _setup(settings: Settings) -> Settings:
    from ..ingest.pipeline import warm_up

    warm_up()  # one-time start-up work, outside the first file's time budget
    return settings


def check_one(settings: Settings, path: Path) -> dict[str, Any]:
    from ..batch.files import FileBudget
    from ..ingest.errors import Rejected
    from ..ingest.pipeline import Verdict, validate
    from ..ingest.service import read_upload

    start = time.process_time()
    try:
        data = read_upload(path, settings)
        verdict, _ = validate(data, settings.limits, settings.proxy_size, FileBudget())
    except Rejected as r:
        verdict = Verdict("reject", r.reason, r.message)
    seconds = round(time.process_time() - start, 4)
    return {"path": str(path), **verdict.__dict__, "seconds": seconds}


def run(args: argparse.Namespace) -> int:
    from functools import partial

    settings = settings_from(args)

    def show(r: dict[str, Any]) -> None:
        if args.json:
            emit_json(r)
        else:
            print(result_line(r), flush=True)

    results = run_files(
        settings,
        expand(args.paths),
        partial(_setup, settings),
        check_one,
        "validating",
        show,
        bar=not args.json,
    )
    if not args.json:
        for line in summary_lines(results):
            note(line)
        note(median_ms(results) + " (CPU)")
    return exit_code(results)
