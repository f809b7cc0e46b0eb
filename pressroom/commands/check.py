"""pressroom check design.json [--json] : check a design document against the schema, its
product and the catalogue's photos; findings per page, slot and text with stable codes, and
the document's layout score (measured as the designer measures its own books).
Exit 0 pass (warnings allowed), 1 fail, 2 usage (no such file)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ._common import EXIT_OK, EXIT_REJECTED, UsageError, emit_json, settings_from


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check a design document (schema, product, photos, crops, ppi, faces, text)",
        description=__doc__.split(":", 1)[1].strip() if __doc__ else None,
    )
    p.add_argument("design", type=Path, metavar="DESIGN.json")
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object: status, findings, score")
    p.set_defaults(run=run, max_pixels=None, max_bytes=None)


def read_design(path: Path) -> Any:
    """The file's JSON value (any value: the check says what is wrong with it); None when it
    is not JSON. A file that cannot be read is a usage error."""
    try:
        text = path.read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror or e}") from None
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


_NOT_JSON = object()


def run(args: argparse.Namespace) -> int:
    from ..books.make import design_photos
    from ..catalogue import open_catalogue
    from ..designs import Findings, check

    doc = read_design(args.design)
    book = None
    if doc is _NOT_JSON:
        findings = Findings()
        findings.add("fail", "invalid", f"{args.design} is not JSON")
    else:
        settings = settings_from(args)
        book, findings = check(doc, design_photos(open_catalogue(settings), doc))
    score = book.score if book is not None else None
    if args.json:
        emit_json({"design": str(args.design), **findings.to_dict(), "score": score})
    else:
        for f in findings.items:
            print(f"{f.level:<5} {f.where():<22} {f.code}: {f.message}")
        fails = sum(f.level == "fail" for f in findings.items)
        warns = len(findings.items) - fails
        scored = f", layout score {score['total']}" if score else ""
        print(f"{findings.status}  {args.design}: {fails} failing, {warns} warnings{scored}")
    return EXIT_OK if findings.ok else EXIT_REJECTED
