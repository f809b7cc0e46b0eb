"""pressroom products : the products print files can be made for."""

from __future__ import annotations

import argparse

from ._common import EXIT_OK, emit_json


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "products",
        help="list the printable products (books, prints, ornaments)",
        description="List the products with their trim size, bleed, safe margin, ppi and page "
        "rules (data files in pressroom/products/data/products/). Use the id (first column) "
        "with `pressroom book --product ID`.",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per product per line")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..products import products

    for prod in products().values():
        s = prod.summary()
        if args.json:
            emit_json(s)
            continue
        w, h = s["trim_mm"]
        pages = s["pages"]
        rule = f"{pages['min']}-{pages['max']} pages"
        if pages["multiple"] > 1:
            rule += f", multiple of {pages['multiple']}"
        extra = ""
        if prod.is_book:
            extra = f", spine {prod.spine_mm(pages['min']):.1f} mm at {pages['min']} pages"
        if prod.shape == "circle":
            extra = ", circular cut"
        print(
            f"{prod.id:<18} {w:g} x {h:g} mm, bleed {prod.bleed:g} mm, safe {prod.safe:g} mm, "
            f"{prod.target_ppi:.0f}/{prod.min_ppi:.0f} ppi, {rule}{extra}  {prod.name}"
        )
    return EXIT_OK
