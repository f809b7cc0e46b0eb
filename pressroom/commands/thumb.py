"""pressroom thumb SRC -w W -h H [--fit F] -o OUT : a thumbnail of any accepted upload."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._common import EXIT_OK, EXIT_REJECTED, UsageError, emit_json, result_line
from .sign import add_option_flags, option_segments


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "thumb",
        add_help=False,  # -h is the height, as in every image tool
        help="render a thumbnail of a local file (any accepted upload format)",
        description="Judge SRC as an upload would be judged (same reason codes), then write "
        "an upright sRGB thumbnail with no metadata. The format follows OUT's suffix unless "
        "--format says otherwise. Exit 0 on success, 1 when SRC is rejected, 2 on usage errors.",
    )
    p.add_argument("--help", action="help", help="show this help message and exit")
    p.add_argument("src", metavar="SRC", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    add_option_flags(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..config import Settings
    from ..formats import format_named
    from ..ingest.service import read_upload
    from ..reasons import Rejected
    from ..render import options as options_mod

    if not args.src.is_file():
        raise UsageError(f"no such file: {args.src}")
    by_suffix = format_named(args.output.suffix) if args.output.suffix else None
    fmt = args.format or (by_suffix.name if by_suffix else None)
    if fmt is None or fmt == "auto":
        raise UsageError("give --format or an output name ending .jpg, .webp, .avif or .png")
    try:
        # Local files: any size up to the output limit (no URL allow-list here).
        opts = options_mod.parse([*option_segments(args), f"f:{fmt}"])
    except options_mod.BadOptions as exc:
        raise UsageError(str(exc)) from None
    settings = Settings.from_env()
    from ..render.thumbnail.source import render_file

    try:
        out = render_file(read_upload(args.src, settings), opts, opts.format, settings.limits)
    except Rejected as r:
        if args.json:
            emit_json({"path": str(args.src), "verdict": "reject", "reason": r.reason,
                       "message": r.message})  # fmt: skip
        else:
            print(result_line({"path": str(args.src), "verdict": "reject", "reason": r.reason,
                               "message": r.message}))  # fmt: skip
        return EXIT_REJECTED
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(out.data)
    if args.json:
        emit_json({"path": str(args.src), "verdict": "accept", "output": str(args.output),
                   "format": out.format, "width": out.width, "height": out.height,
                   "bytes": len(out.data)})  # fmt: skip
    else:
        print(f"{out.format} {out.width}x{out.height}  {len(out.data):,} bytes  {args.output}")
    return EXIT_OK
