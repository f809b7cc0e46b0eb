"""pressroom preflight FILE.pdf : check a print file (ours or anyone's) before it goes out."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import EXIT_OK, EXIT_REJECTED, UsageError, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "preflight",
        help="check a PDF print file: PDF/X, boxes, bleed, image ppi, fonts, colour, pages",
        description="Check PDF print files: PDF/X identification and output intent, TrimBox "
        "and BleedBox on every page and the bleed size, the effective ppi of every placed "
        "image (warn < 300, fail < 150), embedded fonts, colour spaces against the output "
        "intent, and with --product the trim size and page count. The PDF is parsed, never "
        "rendered. Exit 0 when every file passes (warnings allowed), 1 when any fails.",
    )
    p.add_argument("files", nargs="+", metavar="FILE.pdf")
    p.add_argument("--product", help="product id to check sizes and page rules against")
    p.add_argument("--json", action="store_true", help="one JSON report per file per line")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..preflight import preflight
    from ..products import UnknownProduct, get_product

    if args.product:
        try:
            get_product(args.product)
        except UnknownProduct as e:
            raise UsageError(str(e.args[0])) from None
    worst = EXIT_OK
    for f in args.files:
        if not Path(f).is_file():
            raise UsageError(f"no such file: {f}")
        report = preflight(f, args.product)
        if not report.ok:
            worst = EXIT_REJECTED
        if args.json:
            emit_json(report.to_dict())
            continue
        print(
            f"{report.status.upper():<5} {f}  ({report.pdfx or 'not PDF/X'}, "
            f"{len(report.pages)} pages, output intent {report.output_intent or 'none'})"
        )
        for page in report.pages[:1] + report.pages[-1:] if len(report.pages) > 1 else report.pages:
            print(f"      page {page.number}: trim {page.trim_mm} mm, bleed {page.bleed_mm} mm")
        for fd in report.findings:
            where = f"page {fd.page}: " if fd.page else ""
            print(f"      {fd.level:<4} {fd.code:<18} {where}{fd.message}")
    return worst
