"""pressroom render design.json -o out.pdf [--previews DIR] : render exactly that design:
the interior PDF, the cover PDF (OUT with -cover before the extension) and the page previews,
then preflight them. A design that fails its check is not rendered (its findings are shown).
Exit 0 when the files pass preflight (warnings allowed), 1 otherwise, 2 on usage errors."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import EXIT_OK, EXIT_REJECTED, emit_json, settings_from


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "render",
        help="render a design document to PDF/X print files and previews",
        description=__doc__.split(":", 1)[1].strip() if __doc__ else None,
    )
    p.add_argument("design", type=Path, metavar="DESIGN.json")
    p.add_argument("-o", "--output", required=True, type=Path, help="interior PDF path")
    p.add_argument("--previews", type=Path, help="folder for one preview PNG per page")
    p.add_argument(
        "--pdfx",
        choices=("4", "1a"),
        help="PDF/X-4 (RGB, default) or PDF/X-1a (CMYK through an ICC transform); with "
        "--printer, the printer's",
    )
    p.add_argument(
        "--printer",
        help="printer id (`pressroom printers`), set as the design's \"printer\": its bleed, "
        "safe zone, page rules and cover construction, written in its PDF/X flavour and "
        "output intent, preflighted against it",
    )
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="page threads (default: one per core)")
    p.add_argument("--json", action="store_true", help="one JSON object with the outcome")
    p.set_defaults(run=run, max_pixels=None, max_bytes=None)


def run(args: argparse.Namespace) -> int:
    from ..books.make import render_design
    from .book import check_printer, print_outcome
    from .check import _NOT_JSON, read_design

    doc = read_design(args.design)
    check_printer(args.printer, args.pdfx)
    if args.printer and isinstance(doc, dict):
        doc = {**doc, "printer": args.printer}
    settings = settings_from(args)
    out = render_design(
        settings,
        None if doc is _NOT_JSON else doc,
        args.output,
        previews=args.previews,
        pdfx=args.pdfx or "4",
        workers=settings.workers or 0,
    )
    if args.json:
        emit_json(out)
    elif out.get("reason") == "invalid_design":
        print(f"not rendered: the design fails its check ({args.design})")
        for f in out["findings"]["findings"]:
            if f["level"] == "fail":
                where = f"page {f['page']}" if f["page"] is not None else "document"
                print(f"  fail {where}: {f['code']}: {f['message']}")
    else:
        print_outcome(out)
    return EXIT_OK if out["ok"] else EXIT_REJECTED
