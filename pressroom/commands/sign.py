"""pressroom sign [options] PHOTO_ID : print the signed thumbnail path for a photo."""

from __future__ import annotations

import argparse

from ..config import THUMB_SIZES
from ._common import EXIT_OK, UsageError


def add_option_flags(p: argparse.ArgumentParser, short_sizes: bool = True) -> None:
    """The thumbnail options as flags (shared with `pressroom thumb`)."""
    w = ["-w", "--width"] if short_sizes else ["--width"]
    h = ["-h", "--height"] if short_sizes else ["--height"]
    p.add_argument(*w, type=int, default=0, help="width in CSS pixels (0: from the height)")
    p.add_argument(*h, type=int, default=0, help="height in CSS pixels (0: from the width)")
    p.add_argument(
        "--fit", choices=("cover", "contain", "inside", "fill"), help="how to fit (default cover)"
    )
    p.add_argument("--gravity", help="cover crops around: sm (faces/attention), ce, fp:X:Y")
    p.add_argument("--dpr", type=float, help="device pixel ratio 1..4")
    p.add_argument("--format", help="auto, jpeg, webp, avif or png")
    p.add_argument("--quality", type=int, help="1..100 (default per format)")
    p.add_argument("--background", help="padding colour RRGGBB (fit fill, JPEG flattening)")


def option_segments(args: argparse.Namespace) -> list[str]:
    segs = []
    for flag, name in (
        ("width", "w"),
        ("height", "h"),
        ("fit", "fit"),
        ("gravity", "g"),
        ("dpr", "dpr"),
        ("format", "f"),
        ("quality", "q"),
        ("background", "bg"),
    ):
        value = getattr(args, flag, None)
        if value:
            segs.append(f"{name}:{value:g}" if isinstance(value, float) else f"{name}:{value}")
    return segs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sign",
        add_help=False,  # -h is the height, as in `pressroom thumb`
        help="print the signed thumbnail URL path for a photo",
        description="Print /{signature}/{options}/{photo id}, signed with the first key of "
        "PRESSROOM_SIGNING_KEY (hex; comma-separated for rotation). With no key and "
        "PRESSROOM_ALLOW_UNSIGNED=1, prints an unsigned /_/... path for local development. "
        f"Widths and heights: {', '.join(map(str, THUMB_SIZES))} (PRESSROOM_THUMB_SIZES), "
        "or a preset. Exit 0, or 2 when an option, size or PRESSROOM_SIGNING_KEY is not valid.",
    )
    p.add_argument("--help", action="help", help="show this help message and exit")
    p.add_argument("photo_id", metavar="PHOTO_ID")
    add_option_flags(p)
    p.add_argument("--preset", help="a named preset (pr:NAME), e.g. thumb")
    p.add_argument("--expires", type=int, metavar="SECONDS", help="link lifetime from now")
    p.add_argument("--base-url", default="", help="prefix for the printed path")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import time

    from ..config import Settings
    from ..render import options as options_mod
    from ..render.signature import signed_path

    settings = Settings.from_env()
    segs = ([f"pr:{args.preset}"] if args.preset else []) + option_segments(args)
    if args.expires:
        segs.append(f"exp:{int(time.time()) + args.expires}")
    presets = options_mod.parse_presets(settings.thumb_presets)
    try:
        options_mod.parse(segs, presets, settings.thumb_sizes)
    except options_mod.BadOptions as exc:
        raise UsageError(str(exc)) from None
    if not settings.signing_keys and not settings.allow_unsigned:
        raise UsageError("set PRESSROOM_SIGNING_KEY (hex) to sign URLs")
    key = settings.signing_keys[0] if settings.signing_keys else None
    print(args.base_url.rstrip("/") + signed_path("/" + "/".join([*segs, args.photo_id]), key))
    return EXIT_OK
