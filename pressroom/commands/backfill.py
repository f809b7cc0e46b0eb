"""pressroom backfill : re-tag or re-master every uploaded photo of the catalogue, locally.

The same per-photo work as the backfill state machine's Lambda worker
(pressroom.ingest.backfill, see there what each mode does), on the process pool.
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ._common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    add_limit_flags,
    emit_json,
    note,
    plural,
    run_files,
    settings_from,
)

if TYPE_CHECKING:
    from ..ingest.backfill import Backfiller


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backfill",
        help="re-tag or re-master every uploaded photo (after a model or rule change)",
        description="retag: tag each uploaded photo again from its stored proxy and replace "
        "its tags. remaster: run ingest again on each stored master, rewrite master and "
        "proxy, re-tag; the record's metadata is kept. Records stay 'uploaded'; missing and "
        "rejected ones are skipped; a photo today's rules refuse is reported 'refused' and "
        "left as it is. A rerun changes nothing more (changed: false). Exit 0 when every "
        "photo was done or skipped, 1 when any was refused or failed, 2 on usage errors, "
        "130 when interrupted.",
    )
    p.add_argument("--mode", choices=("retag", "remaster"), default="retag",
                   help="what to redo (default retag)")  # fmt: skip
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    add_limit_flags(p, json_help="one JSON object per photo per line")
    p.set_defaults(run=run)


def make_backfiller(settings: Settings) -> Backfiller:
    """A worker's backfiller over the same ingestor `pressroom ingest` makes."""
    from ..ingest.backfill import Backfiller
    from .ingest import make_ingestor

    return Backfiller(make_ingestor(settings))


def backfill_one(mode: str, backfiller: Backfiller, photo_id: str) -> dict[str, Any]:
    return backfiller.run(mode, photo_id).to_dict()


def run(args: argparse.Namespace) -> int:
    from ..catalogue import open_catalogue

    settings = settings_from(args)
    if args.mode == "retag" and not settings.tags:
        raise UsageError("retag needs tags on (PRESSROOM_TAGS=0 turns them off)")
    if not (settings.data_dir / "catalogue.sqlite3").exists() and settings.catalogue == "sqlite":
        raise UsageError(f"no catalogue in {settings.data_dir} (pressroom ingest makes one)")
    ids = [r.id for r in open_catalogue(settings).list(state="uploaded", limit=10**9)]
    if not ids:
        note("no uploaded photos: nothing to backfill")
        return EXIT_OK

    def failed(photo_id: str, failure: Any) -> dict[str, Any]:
        return {"id": photo_id, "mode": args.mode, "outcome": "failed",
                "reason": failure.kind, "message": failure.detail, "changed": False}  # fmt: skip

    def show(r: dict[str, Any]) -> None:
        if args.json:
            emit_json(r)
        else:
            why = f"  {r['reason']}" if r.get("reason") else ""
            mark = "" if r["outcome"] in ("skipped", "refused", "failed") or r["changed"] else (
                "  (unchanged)"
            )
            print(f"{r['outcome']:<11} {r['id']}{why}{mark}")

    results = run_files(
        settings,
        ids,
        partial(make_backfiller, settings),
        partial(backfill_one, args.mode),
        f"backfill {args.mode}",
        show,
        on_failure=failed,
        makes_masters=True,
    )
    if not args.json:
        counts: dict[str, int] = {}
        for r in results:
            counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
        changed = sum(1 for r in results if r.get("changed"))
        parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        print(f"{plural(len(results), 'photo')}: {parts}; {changed} records changed")
    bad = any(r["outcome"] in ("refused", "failed") for r in results)
    return EXIT_REJECTED if bad else EXIT_OK
