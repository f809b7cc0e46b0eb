"""pressroom demo : the main job on embedded defaults, on sample photos that ship with
scikit-image (public domain), so it runs on a fresh machine with nothing else: ingest and tag
the photos, design a 21 x 21 cm photobook, write its PDF/X-4 interior, cover and previews,
preflight them, and say where the files are.

The samples are small (0.1-2 MP), so no product can be filled with them at 300 ppi: the demo
shows it. Each photo prints at >= 150 ppi (drawn smaller than its frame where it must be, and
flagged), and blank pages bring the 17 or so usable photos up to the book's 20-page minimum.
"""

from __future__ import annotations

import argparse
from pathlib import Path

PRODUCT = "photobook-21x21"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="ingest sample photos, design a photobook, write print files that pass preflight",
    )
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--out", type=Path, help="print files folder (default DATA/demo)")
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
        "motorcycle_right.png",  # a near-duplicate of the left view: dropped
        "hubble_deep_field.jpg",
        "retina.jpg",
        "camera.png",
        "moon.png",
        "coins.png",
        "ihc.png",
        "cell.png",
        "brick.png",
        "grass.png",
        "gravel.png",
        "color.png",
        "horse.png",
        "clock_motion.png",  # motion-blurred: dropped
        "logo.png",
        "text.png",  # documents: dropped as screenshots
        "page.png",
    )
    return [folder / n for n in names if (folder / n).exists()]


def run(args: argparse.Namespace) -> int:
    from ..books.make import make_book
    from ._common import EXIT_OK, EXIT_REJECTED, program, settings_from
    from .book import print_outcome, resolve_photos

    args.max_pixels = args.max_bytes = None
    settings = settings_from(args)
    photos = sample_photos()
    out_dir = args.out or settings.data_dir / "demo"
    print(f"pressroom demo: ingesting and tagging {len(photos)} sample photos from scikit-image")
    ids = resolve_photos(settings, [str(p) for p in photos], True)
    print(f"pressroom demo: designing a {PRODUCT} book")
    out = make_book(
        settings,
        ids,
        PRODUCT,
        out_dir / "book.pdf",
        previews=out_dir / "previews",
        title="pressroom demo",
        pad=True,
        workers=settings.workers,
        design_out=out_dir / "design.json",  # edit it, then `pressroom check` / `render` it
    )
    print_outcome(out)
    if out.get("interior"):
        print(
            f"\nopen {out['interior']} and {out['cover']}; check them with "
            f"`{program()} preflight {out['interior']} --product {PRODUCT}`"
        )
    if out.get("book_id"):
        from ..console import local_hint

        print(local_hint(settings, out["book_id"], program=program()))
    return EXIT_OK if out["ok"] else EXIT_REJECTED
