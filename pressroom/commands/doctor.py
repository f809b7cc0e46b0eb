"""pressroom doctor [--json] : check that this installation has every native part pressroom's
documented behaviour rests on (libvips with AVIF, libmagic, libturbojpeg, libheif, its three C
kernels, dlib's face models, the fonts). Each part is listed as found (version or path) or
missing, with what pressroom does without it and how to install it. Exit 0 when all are
found, 1 when any is missing. deploy/Dockerfile runs it, so an image without a part fails to
build."""

from __future__ import annotations

import argparse

from ._common import EXIT_OK, EXIT_REJECTED, emit_json, note


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "doctor",
        help="check this installation's native parts (libturbojpeg, C kernels, AVIF, models)",
        description=__doc__.split(":", 1)[1].strip() if __doc__ else None,
    )
    p.add_argument("--json", action="store_true", help="one JSON object: ok and each part")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..capabilities import capabilities

    found = capabilities()
    ok = all(c.ok for c in found)
    if args.json:
        emit_json({"ok": ok, "parts": [c.as_dict() for c in found]})
    else:
        width = max(len(c.name) for c in found)
        for c in found:
            if c.ok:
                print(f"ok       {c.name:<{width}}  {c.found}")
            else:
                print(f"MISSING  {c.name:<{width}}  {c.found}")
                print(f"         {'':<{width}}  without it: {c.without}")
                print(f"         {'':<{width}}  to install: {c.fix}")
        missing = [c.name for c in found if not c.ok]
        if missing:
            note(f"{len(missing)} missing: {', '.join(missing)}")
    return EXIT_OK if ok else EXIT_REJECTED
