"""pressroom printers [--json] : the printer profiles print files can be made for."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ._common import EXIT_OK, emit_json

if TYPE_CHECKING:
    from ..printers.model import Printer


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "printers",
        help="list the printer profiles (PDF/X flavour, press condition, bleed, ink, covers)",
        description="List the printer profiles (pressroom/printers/data/*.json): what each "
        "targets, its PDF/X flavour, output intent (the named printing condition and its ICC "
        "profile), colour mode and total ink limit, bleed and safe zone, the bindings it "
        "builds covers for, and where each number comes from (a cited public spec, or "
        "'assumed' with the reason). Use the id with --printer on book, render, print and "
        "preflight.",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per printer per line")
    p.set_defaults(run=run)


def describe(printer: Printer) -> dict[str, Any]:
    """The printer's summary, its bindings' construction and page rules, and provenance."""
    d = printer.summary()
    d["intent"] = {
        "identifier": printer.intent.identifier,
        "registry": printer.intent.registry,
        "condition": printer.intent.condition,
        "icc": printer.intent.icc,
    }
    d["bindings"] = {
        kind: {
            "construction": b.construction,
            "spine_rule": b.spine.kind,
            "pages": [b.pages.min, b.pages.max, b.pages.multiple],
            "turn_in_mm": b.turn_in_mm,
            "board_overhang_mm": b.board_overhang_mm,
            "hinge_mm": b.hinge_mm,
            "cover_bleed_mm": b.cover_bleed_mm,
        }
        for kind, b in sorted(printer.bindings.items())
    }
    d["sources"] = [{"id": s.id, "url": s.url, "title": s.title} for s in printer.sources]
    d["provenance"] = dict(printer.provenance)
    return d


def run(args: argparse.Namespace) -> int:
    from ..printers import printers

    for printer in printers().values():
        d = describe(printer)
        if args.json:
            emit_json(d)
            continue
        c = d["colour"]
        mode = f"CMYK, ink limit {c['tac_percent']:g} %" if c["mode"] == "cmyk" else "RGB"
        print(f"{d['id']:<16} {d['name']}")
        print(f"{'':<16} PDF/{d['pdfx']}, {mode}, output intent {c['intent']} ({c['icc']})")
        covers = ", ".join(
            f"{k} {b['construction']} (spine by {b['spine_rule']}, pages "
            f"{b['pages'][0]}-{b['pages'][1]})"
            for k, b in d["bindings"].items()
        )
        pad = " " * 16
        print(f"{pad} bleed {d['bleed_mm']:g} mm, safe zone {d['safe_mm']:g} mm; covers: {covers}")
        cited = sum(not v.startswith("assumed") for v in d["provenance"].values())
        print(f"{'':<16} numbers: {cited} of {len(d['provenance'])} from cited specs: "
              + ", ".join(s["id"] for s in d["sources"]))  # fmt: skip
    return EXIT_OK
