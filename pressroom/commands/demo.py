"""pressroom demo : the main job on embedded defaults, on sample photos that ship with
scikit-image (public domain), so it runs on a fresh machine with nothing else."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="ingest the bundled sample photos into ./pressroom-data")
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.set_defaults(run=run)


def sample_photos() -> list[Path]:
    import skimage

    folder = Path(skimage.__file__).parent / "data"
    names = (
        "astronaut.png",
        "coffee.png",
        "chelsea.png",
        "rocket.jpg",
        "motorcycle_left.png",
        "hubble_deep_field.jpg",
        "camera.png",
        "logo.png",
        "text.png",
        "page.png",
    )
    return [folder / n for n in names if (folder / n).exists()]


def run(args: argparse.Namespace) -> int:
    from . import ingest

    photos = sample_photos()
    argv = [str(p) for p in photos]
    if args.data:
        argv += ["--data", str(args.data)]
    print(f"pressroom demo: ingesting {len(photos)} sample photos from scikit-image")
    ns = ingest.parser_for_demo().parse_args(argv)
    ingest.run(ns)
    return 0
