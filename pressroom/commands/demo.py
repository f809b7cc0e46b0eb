"""pressroom demo : the main job on embedded defaults, on the 47 real CC BY photos in
demo/photos/ (credited in demo/photos/CREDITS.md) plus one PDF named scan-of-receipt.jpg that
it writes into DATA/inbox/, so the upload has a rejection too. It ingests and tags them on the
guarded runner (as `book` does), then pressroom.books.demo curates them and makes a 21x21
photobook, a set of 6x4 prints and an ornament; this command prints the story."""

from __future__ import annotations

import argparse
import time
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

from ._common import (
    EXIT_OK,
    EXIT_REJECTED,
    Output,
    UsageError,
    console,
    plural,
    program,
    run_files,
    settings_from,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="real photos to a photobook, prints and an ornament, as PDF/X that pass preflight",
        description="Ingest and tag the demo photos (and a PDF named scan-of-receipt.jpg, "
        "which is rejected), find duplicates, people and events, design a 21x21 photobook "
        "(writing its design document), a set of 6x4 prints and an ornament, write their "
        "PDF/X files and previews, preflight them, and say how to see them in the console. "
        "Exit 0 when every product passes preflight, 1 otherwise.",
    )
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--out", type=Path, help="print files folder (default DATA/demo)")
    p.add_argument("--photos", type=Path, help="photos folder (default demo/photos)")
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.set_defaults(run=run, max_pixels=None, max_bytes=None)


def run(args: argparse.Namespace) -> int:
    from ..books.demo import demo_photos, run_demo, upload_files

    settings = settings_from(args)
    photos = args.photos or demo_photos()
    if not photos.is_dir():
        raise UsageError(f"no demo photos at {photos} (they ship in the source tree's "
                         "demo/photos/; give --photos DIR)")  # fmt: skip
    out_dir = args.out or settings.data_dir / "demo"
    out = console()
    started = time.monotonic()
    files = upload_files(photos, settings.data_dir / "inbox")
    if not Output.quiet:
        out.print(f"[bold]pressroom demo[/]: one customer's upload of {len(files)} files, "
                  f"from {photos} and {settings.data_dir / 'inbox'}")  # fmt: skip
    results = _ingest(settings, files)
    ingested = time.monotonic() - started
    names = {r["id"]: Path(r["path"]).name for r in results if r.get("id")}
    ids = [r["id"] for r in results if r["verdict"] == "accept" and r.get("id")]
    # A spinner while the products are designed and rendered (on a terminal, not with -q).
    err = console(stderr=True)
    waiting = f"designing and rendering a photobook, prints and an ornament from {len(ids)} photos"
    busy = err.status(waiting) if err.is_terminal and not Output.quiet else nullcontext()
    with busy:
        story = run_demo(settings, ids, out_dir, workers=settings.workers or 0).to_dict()
    seconds = (ingested, time.monotonic() - started)
    tell(out, results, story, names, settings, seconds)
    ok = all(story[k].get("ok") for k in ("book", "prints", "ornament"))
    return EXIT_OK if ok else EXIT_REJECTED


def _ingest(settings: Any, files: list[Path]) -> list[dict[str, Any]]:
    """Ingest and tag on the guarded worker pool, with `ingest`'s per-file budget."""
    from . import ingest
    from .book import _killed

    return run_files(
        settings,
        [(f, None) for f in files],
        partial(ingest.make_ingestor, settings),
        ingest.ingest_one,
        "ingesting",
        lambda r: None,  # the story tells the outcome
        on_failure=partial(_killed, settings),
        makes_masters=True,
    )


def tell(
    out: Any,
    results: list[dict[str, Any]],
    story: dict[str, Any],
    names: dict[str, str],
    settings: Any,
    seconds: tuple[float, float],
) -> None:
    """The story: one labelled row per step, in the order it happened."""
    from rich.table import Table

    from ..console import local_hint

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    rejected = [r for r in results if r["verdict"] != "accept"]
    grid.add_row(
        "uploads",
        f"{len(results)} judged by their content: "
        f"{len(results) - len(rejected)} accepted, {len(rejected)} rejected",
    )
    for r in rejected:
        grid.add_row("", f"[red]rejected[/] {Path(r['path']).name}: {r['reason']} "
                     f"({r.get('message') or ''})")  # fmt: skip
    for row in _curation(story, names):
        grid.add_row(*row)
    for label, key in (("photobook", "book"), ("prints", "prints"), ("ornament", "ornament")):
        for row in _product(label, story[key], names):
            grid.add_row(*row)
    hint = local_hint(settings, story["book"].get("book_id"), program=program())
    url, _, rest = hint.removeprefix("console").strip().partition("\n")
    grid.add_row("console", f"[link={url}]{url}[/link]")
    grid.add_row("", rest.strip())
    ingest_s, total_s = seconds
    grid.add_row("time", f"{total_s:.0f} s: {ingest_s:.0f} s to ingest and tag, "
                 f"{total_s - ingest_s:.0f} s to curate, design, render and preflight")  # fmt: skip
    out.print(grid)


def _curation(story: dict[str, Any], names: dict[str, str]) -> list[tuple[str, str]]:
    rows = [("duplicates", f"{plural(len(story['duplicates']), 'group')} of near-duplicates"
             + "".join(f"\n{' = '.join(names.get(p, p) for p in g)}"
                       for g in story["duplicates"]))]  # fmt: skip
    people = story["people"]
    seen = "; ".join(
        f"person {n} in {len(p['photos'])} ({', '.join(names.get(i, i) for i in p['photos'])})"
        for n, p in enumerate(people, 1)
    )
    who = "1 person" if len(people) == 1 else f"{len(people)} people"
    rows.append(("people", f"{who} seen in more than one photo" + (f": {seen}" if seen else "")))
    events = story["events"]
    dated = [e["dates"] for e in events if e["dates"]]
    span = f", {dated[0]} to {dated[-1]}" if dated else ""
    rows.append(("events", f"{plural(len(events), 'event')} by time and place{span}"))
    if story["chapters"]:
        rows.append(("", f"the book makes {plural(len(story['chapters']), 'chapter')} of them: "
                     + "; ".join(story["chapters"])))  # fmt: skip
    return rows


def _product(label: str, o: dict[str, Any], names: dict[str, str]) -> list[tuple[str, str]]:
    if "interior" not in o:
        return [(label, f"[red]not designed[/]: {o.get('reason')}: {o.get('message')}")]
    rows = [(label, f"{o['product']}: {plural(o['pages'], 'page')} from "
             f"{plural(o['photos'], 'photo')}")]  # fmt: skip
    if o.get("photo_ids"):
        rows.append(("", ", ".join(names.get(p, p) for p in o["photo_ids"])))
    left: dict[str, list[str]] = {}
    for d in o["dropped"]:
        left.setdefault(d["reason"], []).append(names.get(d["photo_id"], d["photo_id"]))
    for reason, files in sorted(left.items()):
        rows.append(("", f"left out ({reason}): {', '.join(files)}"))
    low = o.get("low_ppi") or []
    under = ", ".join(f"{names.get(x['photo_id'], x['photo_id'])} {x['ppi']} ppi" for x in low)
    target = f"{o['target_ppi']:.0f} ppi"
    rows.append(("", f"every photo at {target} or more" if not low else
                 f"under {target} (the minimum is {o['min_ppi']:.0f}): {under}"))  # fmt: skip
    for kind in ("interior", "cover"):
        if o.get(kind):
            pf = o["preflight"][kind]
            colour = {"pass": "green", "warn": "yellow"}.get(pf["status"], "red")
            rows.append(("", f"{kind} {o[kind]}  PDF/X preflight: [{colour}]{pf['status']}[/]"))
            for f in pf["findings"]:
                if f["level"] != "pass":
                    rows.append(("", f"  {f['level']} {f['code']}: {f['message']}"))
    if o.get("previews"):
        rows.append(
            ("", f"previews {plural(len(o['previews']), 'PNG')} in {Path(o['previews'][0]).parent}")
        )
    if o.get("design"):
        rows.append(("", f"design {o['design']} (edit it, then `{program()} check` / `render` it)"))
    return rows
