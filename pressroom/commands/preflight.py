"""pressroom preflight FILE.pdf : check a print file (ours or anyone's) before it goes out."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_REJECTED, UsageError, emit_json, plural, working


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "preflight",
        help="check a PDF print file: PDF/X, boxes, bleed, image ppi, fonts, colour, pages",
        description="Check PDF print files: PDF/X identification and output intent, TrimBox "
        "and BleedBox on every page and the bleed size, the effective ppi of every placed "
        "image (warn < 300, fail < 150), embedded fonts, colour spaces against the output "
        "intent, and with --product the trim size and page count. The PDF is parsed, never "
        "rendered. A finding on many pages is listed once with its pages. Exit 0 when every "
        "file passes (warnings allowed), 1 when any fails, 2 on usage errors.",
    )
    p.add_argument("files", nargs="+", metavar="FILE.pdf")
    p.add_argument("--product", help="product id to check sizes and page rules against")
    p.add_argument(
        "--printer",
        help="printer id (see `pressroom printers`): its PDF/X flavour, output intent, bleed, "
        "safe zone, ink limit and cover construction; without --product, the product is "
        "found from the page sizes",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="warnings fail too (exit 0 only for a file the printer takes without questions)",
    )
    p.add_argument("--json", action="store_true", help="one JSON report per file per line")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..preflight import preflight
    from ..printers import UnknownPrinter, get_printer
    from ..products import UnknownProduct, get_product

    if args.product:
        try:
            get_product(args.product)
        except UnknownProduct as e:
            raise UsageError(str(e.args[0])) from None
    printer = getattr(args, "printer", None)
    if printer:
        try:
            get_printer(printer)
            if args.product:
                get_product(args.product).for_printer(printer)
        except UnknownPrinter as e:
            raise UsageError(str(e.args[0])) from None
        except KeyError as e:  # a binding the printer does not offer
            raise UsageError(str(e.args[0])) from None
    worst = EXIT_OK
    for f in args.files:
        if not Path(f).is_file():
            raise UsageError(f"no such file: {f}")
        with working(f"checking {f}", not args.json):
            report = preflight(f, args.product, printer=printer, strict=args.strict)
        if not report.ok:
            worst = EXIT_REJECTED
        if args.json:
            emit_json(report.to_dict())
            continue
        print(f"{report.status.upper():<5} {f}  ({report.pdfx or 'not PDF/X'}, "
              f"{plural(len(report.pages), 'page')}, "
              f"output intent {report.output_intent or 'none'})")  # fmt: skip
        for pages, size in _sizes(report.pages):
            print(f"      {_pages(pages)}: {size}")
        for (level, code, message), pages in _grouped(report.findings):
            where = f"{_pages(pages)}: " if pages else ""
            print(f"      {level:<4} {code:<18} {where}{_one_page(message)}")
    return worst


def _mm(v: float) -> str:
    return f"{v:.1f}".removesuffix(".0")


def _sizes(pages: list[Any]) -> list[tuple[list[int], str]]:
    """Page sizes, each distinct one once with the pages that have it."""
    out: dict[str, list[int]] = {}
    for pg in pages:
        trim = (f"trim {_mm(pg.trim_mm[0])} x {_mm(pg.trim_mm[1])} mm" if pg.trim_mm
                else "no trim box")  # fmt: skip
        bleed = f"bleed {_mm(pg.bleed_mm)} mm" if pg.bleed_mm is not None else "no bleed box"
        out.setdefault(f"{trim}, {bleed}", []).append(pg.number)
    return [(nums, size) for size, nums in out.items()]


def _grouped(findings: list[Any]) -> list[tuple[tuple[str, str, str], list[int]]]:
    """One line per cause: the same finding on many pages is said once, with its pages."""
    out: dict[tuple[str, str, str], list[int]] = {}
    for fd in findings:
        pages = out.setdefault((fd.level, fd.code, fd.message), [])
        pages.extend(getattr(fd, "pages", None) or ([fd.page] if fd.page else []))
    return list(out.items())


def _pages(nums: list[int]) -> str:
    """[1, 2, 3, 5] -> "pages 1-3, 5"."""
    runs: list[list[int]] = []
    for n in sorted(set(nums)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)
    return ("page " if len(nums) == 1 else "pages ") + text


def _one_page(message: str) -> str:
    return re.sub(r"\b1 pages\b", "1 page", message)
