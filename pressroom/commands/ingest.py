"""pressroom ingest PATH... : validate, normalise into masters, record in the catalogue."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..ids import is_id
from ._common import (
    UsageError,
    add_limit_flags,
    console,
    emit_json,
    exit_code,
    expand,
    median_ms,
    result_line,
    run_files,
    settings_from,
    tally,
    what_to_do,
)

if TYPE_CHECKING:
    from ..ingest.service import Ingestor


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument(
        "--id",
        dest="photo_id",
        help="record id to complete (one file only); default: derived from the file's content",
    )
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.add_argument(
        "--no-tags",
        action="store_true",
        help="skip tagging (faces, quality, hashes); same as PRESSROOM_TAGS=0",
    )
    add_limit_flags(p)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "ingest",
        help="validate uploads, write masters, record them in the catalogue",
        description="Validate each file, normalise accepted photos into upright sRGB masters, "
        "and move each record to 'uploaded' or 'rejected' (with its reason). Re-ingesting "
        "the same file changes nothing. Exit 0 when all are accepted, 1 when any is "
        "rejected, 2 on usage or configuration errors, 3 when the data folder or store "
        "fails, 130 when interrupted (finished files are kept whole). Lines come in the "
        "order given (folders walked in name order).",
    )
    _add_arguments(p)
    p.set_defaults(run=run)


def make_ingestor(settings: Settings) -> Ingestor:
    """A worker's ingestor, from the Settings the parent hands it (flags included)."""
    from ..batch.files import FileBudget
    from ..catalogue import open_catalogue
    from ..ingest.pipeline import warm_up
    from ..ingest.service import Ingestor
    from ..storage import open_store
    from ..tags import make_tagger  # light: models load when the first photo is tagged

    warm_up()  # one-time start-up work, outside the first file's time budget
    tagger = make_tagger(settings.tagging) if settings.tags else None
    store, catalogue = open_store(settings), open_catalogue(settings)
    return Ingestor(store, catalogue, settings, tagger=tagger, budget=FileBudget())


def ingest_one(ingestor: Ingestor, item: tuple[Path, str | None]) -> dict[str, Any]:
    path, photo_id = item
    return ingestor.ingest_path(path, photo_id).to_dict()


def run(args: argparse.Namespace) -> int:

    settings = settings_from(args)
    paths = expand(args.paths)
    if args.photo_id and len(paths) != 1:
        raise UsageError("--id names one record, so it takes exactly one file")
    if args.photo_id is not None and not is_id(args.photo_id):
        # The id names blobs (masters/<id>.jpg): a plain name, as upload keys require.
        raise UsageError("--id takes 1-64 letters, digits, '-' or '_'")
    items = [(p, args.photo_id) for p in paths]
    catalogue: list[Any] = []  # the parent's, opened for the first killed worker only

    def failed(item: tuple[Path, str | None], failure: Any) -> dict[str, Any]:
        from ..batch.files import rejected
        from ..catalogue import open_catalogue
        from ..ingest.service import record_rejection

        catalogue[:] = catalogue or [open_catalogue(settings)]
        r = rejected(failure)
        return record_rejection(catalogue[0], *item, r, failure.seconds).to_dict()

    def show(r: dict[str, Any]) -> None:
        if args.json:
            emit_json(r)
        else:
            print(result_line(r, r["state"], prefix=f"{r['id'] or '-':<26}"), flush=True)

    results = run_files(
        settings,
        items,
        partial(make_ingestor, settings),
        ingest_one,
        "ingesting",
        show,
        on_failure=failed,
        makes_masters=True,
    )
    if not args.json:
        _summary(results, settings)
    return exit_code(results)


def _summary(results: list[dict[str, Any]], settings: Settings) -> None:
    from rich.table import Table

    from ._common import Output

    if Output.quiet:
        return
    table = Table(title="ingest summary", title_justify="left")
    table.add_column("outcome")
    table.add_column("files", justify="right")
    table.add_column("what to do")
    for key, n in tally(results):
        code = key.partition(": ")[2]
        table.add_row(key, str(n), what_to_do(code) if code else "")
    repeats = sum(1 for r in results if not r.get("changed", True))
    if repeats:
        table.add_row("(already in the catalogue, unchanged)", str(repeats), "")
    table.caption = f"{median_ms(results)}; data in {settings.data_dir}"
    table.caption_justify = "left"
    console().print(table)
