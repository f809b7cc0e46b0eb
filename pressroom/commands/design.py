"""pressroom design PHOTOS... --product ID -o design.json : auto-design as a design document
(version 1, docs/design-document.md) that a person or an app edits, `pressroom check`
checks and `pressroom render` renders exactly."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import EXIT_OK, EXIT_REJECTED, UsageError, emit_json, settings_from


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "design",
        help="auto-design a product from photos and write its design document (JSON)",
        description="Ingest and tag the photos (files, folders or ingested photo ids) as "
        "`book` does, auto-design the product and write the design document. Exit 0 when "
        "designed, 1 when no design can be made from these photos, 2 on usage errors.",
    )
    p.add_argument("photos", nargs="+", metavar="PHOTO", help="files, folders or photo ids")
    p.add_argument("--product", required=True, help="product id (see `pressroom products`)")
    p.add_argument("-o", "--output", required=True, type=Path, help="design document path")
    p.add_argument("--title", help="title on the cover and spine (default: from the dates)")
    p.add_argument("--pad", action="store_true", help="add blank pages when photos run short")
    p.add_argument("--no-tags", action="store_true", help="skip tagging new photos")
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="one JSON object with the outcome")
    p.set_defaults(run=run, max_pixels=None, max_bytes=None)


def run(args: argparse.Namespace) -> int:
    from ..books.make import auto_design, write_design
    from ..products import UnknownProduct, get_product
    from ..reasons import DesignError
    from .book import resolve_photos

    try:
        get_product(args.product)
    except UnknownProduct as e:
        raise UsageError(str(e.args[0])) from None
    settings = settings_from(args)
    ids = resolve_photos(settings, args.photos, not args.json)
    try:
        doc, book = auto_design(settings, ids, args.product, title=args.title, pad=args.pad)
    except DesignError as e:
        out = {"ok": False, "reason": e.reason, "message": e.message, "photos": len(ids)}
        emit_json(out) if args.json else print(f"not designed: {e.reason}: {e.message}")
        return EXIT_REJECTED
    write_design(doc, args.output)
    slots = sum(len(p.get("slots", [])) for p in doc["pages"])
    out = {
        "ok": True,
        "design": str(args.output),
        "product": args.product,
        "photos": len(ids),
        "pages": len(doc["pages"]),
        "slots": slots,
        "dropped": book.dropped,
        "warnings": book.warnings,
    }
    if args.json:
        emit_json(out)
    else:
        print(
            f"designed  {out['pages']} pages of {args.product}, {slots} photos placed "
            f"({len(book.dropped)} of {len(ids)} left out) -> {args.output}"
        )
        for w in book.warnings:
            print(f"warning   {w}")
    return EXIT_OK
