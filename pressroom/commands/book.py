"""pressroom book PHOTOS... --product ID -o OUT : auto-design a book (or prints, ornaments)
from files, folders or ingested photo ids, and write its print files and previews."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import Any

from ..config import Settings
from ._common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    emit_json,
    expand,
    plural,
    run_files,
    settings_from,
    working,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "book",
        help="auto-design a photobook (or prints, ornaments) and write PDF/X print files",
        description="Ingest and tag the photos (files, folders or ingested photo ids), drop "
        "blurred, duplicate and screenshot photos, order them by capture time, group them "
        "into events, lay them out with face-safe crops to the product's page rules (the "
        "design `pressroom design` writes), and render it as `pressroom render` does: "
        "write the interior PDF, the cover PDF (OUT with -cover before the extension) and, "
        "with --previews, one PNG per page; then preflight them. Exit 0 when the files pass "
        "preflight (warnings allowed), 1 when the design or preflight fails, 2 on usage errors.",
    )
    p.add_argument("photos", nargs="+", metavar="PHOTO", help="files, folders or photo ids")
    p.add_argument("--product", required=True, help="product id (see `pressroom products`)")
    p.add_argument("-o", "--output", required=True, type=Path, help="interior PDF path")
    p.add_argument("--previews", type=Path, help="folder for one preview PNG per page")
    p.add_argument("--title", help="title on the cover and spine (default: from the dates)")
    p.add_argument("--pad", action="store_true", help="add blank pages when photos run short")
    p.add_argument(
        "--pages", type=int, help="page count (books; default: from the photos, ~2 a page)"
    )
    p.add_argument(
        "--pdfx",
        choices=("4", "1a"),
        help="PDF/X-4 (RGB, default) or PDF/X-1a (CMYK through an ICC transform); with "
        "--printer, the printer's",
    )
    p.add_argument(
        "--printer",
        help="printer id (`pressroom printers`): made for its bleed, safe zone, page rules "
        "and cover construction, written in its PDF/X flavour and output intent, "
        "preflighted against it",
    )
    p.add_argument("--no-tags", action="store_true", help="skip tagging new photos")
    p.add_argument(
        "--design", type=Path, dest="design_out", help="also write the design document here"
    )
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="one JSON object with the outcome")
    p.set_defaults(run=run, max_pixels=None, max_bytes=None)


def resolve_photos(settings: Settings, inputs: list[str], show_progress: bool = False) -> list[str]:
    """Photo ids for the inputs: ids as they are, files and folders ingested (and tagged) on
    the guarded runner. An input that is neither a path nor a known id: UsageError, before
    anything is ingested."""
    files = input_files(settings, inputs)
    return photo_ids(settings, inputs, ingest_files(settings, files, show_progress))


def input_files(settings: Settings, inputs: list[str]) -> list[Path]:
    """The files the inputs name (folders walked); UsageError for an unknown photo id."""
    from ..catalogue import open_catalogue

    catalogue = open_catalogue(settings)
    files: list[Path] = []
    for raw in inputs:
        if Path(raw).exists():
            files.extend(expand([raw]))
        elif catalogue.get(raw) is None:
            raise UsageError(f"no such file, folder or photo id: {raw}")
    return files


def ingest_files(settings: Settings, files: list[Path], show_progress: bool) -> dict[str, str]:
    """Ingest (and tag, unless settings.tags is off) untrusted files on the guarded worker
    pool, with the per-file time and memory budget `ingest` has; {path: photo id}. A file
    killed over its budget is recorded rejected, as `ingest` records it."""
    from . import ingest

    unique = list(dict.fromkeys(files))
    if not unique:
        return {}
    results = run_files(
        settings,
        [(f, None) for f in unique],
        partial(ingest.make_ingestor, settings),
        ingest.ingest_one,
        "ingesting",
        lambda r: None,  # a book reports its outcome, not each file
        bar=show_progress,
        on_failure=partial(_killed, settings),
        makes_masters=True,
    )
    return {r["path"]: r["id"] for r in results if r.get("id")}


def _killed(settings: Settings, item: tuple[Path, None], failure: Any) -> dict[str, Any]:
    """A file whose worker was killed or died: a rejected record, as `pressroom ingest` makes."""
    from ..batch.files import rejected
    from ..catalogue import open_catalogue
    from ..ingest.service import record_rejection

    r = rejected(failure)
    return record_rejection(open_catalogue(settings), *item, r, failure.seconds).to_dict()


def photo_ids(settings: Settings, inputs: list[str], ingested: dict[str, str]) -> list[str]:
    """The inputs as photo ids, in order: files by what ingesting them recorded."""
    from ..catalogue import open_catalogue

    catalogue = open_catalogue(settings)
    ids: list[str] = []
    for raw in inputs:
        if Path(raw).exists():
            ids.extend(ingested[str(f)] for f in expand([raw]) if str(f) in ingested)
        elif catalogue.get(raw) is not None:
            ids.append(raw)
        else:
            raise UsageError(f"no such file, folder or photo id: {raw}")
    return ids


def run(args: argparse.Namespace) -> int:
    from ..products import UnknownProduct, get_product

    try:
        get_product(args.product)
    except UnknownProduct as e:
        raise UsageError(str(e.args[0])) from None
    check_printer(args.printer, args.pdfx, args.product)
    settings = settings_from(args)  # --no-tags -> settings.tags, which the workers receive
    ids = resolve_photos(settings, args.photos, not args.json)
    with working(f"designing and rendering {args.product} from {plural(len(ids), 'photo')}",
                 not args.json):  # fmt: skip
        out = _make(args, settings, ids)
    if args.json:
        emit_json(out)
    else:
        print_outcome(out)
    return EXIT_OK if out["ok"] else EXIT_REJECTED


def _make(args: argparse.Namespace, settings: Settings, ids: list[str]) -> dict[str, Any]:
    from ..books.make import make_book

    return make_book(
        settings,
        ids,
        args.product,
        args.output,
        previews=args.previews,
        title=args.title,
        pad=args.pad,
        pdfx=args.pdfx or "4",
        workers=settings.workers or 0,
        design_out=args.design_out,
        pages=args.pages,
        printer=args.printer,
    )


def check_printer(printer: str | None, pdfx: str | None, product: str | None = None) -> None:
    """UsageError for an unknown printer, one without the product's binding, or a --pdfx
    the printer does not take."""
    if not printer:
        return
    from ..printers import UnknownPrinter, get_printer
    from ..products import UnknownProduct, get_product

    try:
        p = get_printer(printer)
        if product:
            get_product(product).for_printer(p)
    except UnknownPrinter as e:
        raise UsageError(str(e.args[0])) from None
    except UnknownProduct:
        return
    except KeyError as e:  # no such binding
        raise UsageError(str(e.args[0])) from None
    if pdfx and f"X-{pdfx}" != p.pdfx:
        raise UsageError(f"printer {p.id} takes PDF/{p.pdfx}, not PDF/X-{pdfx}")


def _drop_words(code: str) -> str:
    """`2 blurred`, `1 not_an_image (rejected at upload)`: the code, and why when it is not
    the designer's own."""
    from ..reasons import reason

    return f"{code} (rejected at upload)" if reason("upload", code) else code.replace("_", " ")


def print_outcome(out: dict[str, Any]) -> None:
    if "interior" not in out:
        print(f"not designed ({out['reason']}): {out['message']}")
        return
    drops: dict[str, int] = {}
    for d in out["dropped"]:
        drops[d["reason"]] = drops.get(d["reason"], 0) + 1
    used = out["photos"] - len(out["dropped"])  # inputs include rejected files (a .tsv, ...)
    print(f"designed  {plural(out['pages'], 'page')} of {out['product']} with {used} of the "
          f"{plural(out['photos'], 'input')}")  # fmt: skip
    if drops:
        print("left out  " + ", ".join(f"{n} {_drop_words(r)}" for r, n in sorted(drops.items())))
    for w in out["warnings"]:
        print(f"warning   {w}")
    low = out["low_ppi"]
    if low:
        ppis = sorted(x["ppi"] for x in low)
        span = ppis[0] if ppis[0] == ppis[-1] else f"{ppis[0]}-{ppis[-1]}"
        shrunk = sum("shrunk" in x["flags"] for x in low)
        print(
            f"low ppi   {plural(len(low), 'placement')} under {out['target_ppi']:.0f} ppi "
            f"({span} ppi; {shrunk} drawn smaller than their frame to reach "
            f"{out['min_ppi']:.0f})"
        )
    for kind in ("interior", "cover"):
        if out.get(kind):
            pf = out["preflight"][kind]
            print(f"{kind:<9} {out[kind]}  preflight: {pf['status']}")
            for f in pf["findings"]:
                if f["level"] == "fail":
                    print(f"          fail {f['code']}: {f['message']}")
    if out["previews"]:
        print(f"previews  {len(out['previews'])} PNGs in {Path(out['previews'][0]).parent}")
