"""pressroom curate PATH|ID... : near-duplicates, people, events and picks for a collection."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import Any

from ..config import Settings
from ..ids import is_id
from ._common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    add_limit_flags,
    emit_json,
    expand,
    run_files,
    settings_from,
)
from .tag import tag_file


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "curate",
        help="group near-duplicates, people and events; pick the best photos",
        description="Tag each file (or read the tags of ingested photo ids from the "
        "catalogue), then group near-duplicates and bursts (best first), cluster faces "
        "into people, split events by time gaps and GPS jumps, and rank one pick per "
        "duplicate group. --json prints one object. Exit 0, or 1 when any input was "
        "rejected or unknown (the rest is still curated), 2 on usage errors.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH|ID", help="files, folders or photo ids")
    p.add_argument("--data", type=Path, help="data folder for photo ids (default $PRESSROOM_DATA)")
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    add_limit_flags(p)
    p.set_defaults(run=run)


def _split(args: list[str]) -> tuple[list[Path], list[str]]:
    """Files and folders as given; anything else that is a photo id (pressroom.ids: made by
    ingest or set with `ingest --id`) is read from the catalogue (unknown ids are reported)."""
    paths: list[str] = []
    ids: list[str] = []
    for a in args:
        (ids if not Path(a).exists() and is_id(a) else paths).append(a)
    return (expand(paths) if paths else []), ids


def _from_catalogue(settings: Settings, ids: list[str]) -> list[dict[str, Any]]:
    from ..catalogue import open_catalogue
    from ..storage import open_store
    from ..tags.embed import ensure_embeddings

    catalogue = open_catalogue(settings)
    found = [(pid, rec.data) for pid in ids if (rec := catalogue.get(pid)) and rec.data.get("tags")]
    # People need face vectors; ingest leaves them to the first grouping (stored once).
    store = open_store(settings)
    ensure_embeddings(
        found, lambda d: store.get(d["proxy"]), catalogue.update_data, settings.tagging
    )
    out = []
    for pid in ids:
        rec = catalogue.get(pid)
        if rec is None or rec.state != "uploaded":
            state = "not_found" if rec is None else f"not_uploaded ({rec.state})"
            out.append(
                {
                    "path": pid,
                    "verdict": "reject",
                    "reason": state.split()[0],
                    "message": f"photo {pid} is {state.replace('_', ' ')}",
                }
            )
            continue
        data = rec.data
        tags = data.get("tags") or _tag_stored_proxy(settings, data)
        out.append({"path": pid, "verdict": "accept", "record": data, "tags": tags})
    return out


def _tag_stored_proxy(settings: Settings, data: dict[str, Any]) -> dict[str, Any]:
    """A photo ingested without a tagger: tag its stored proxy (640 px, already sRGB)."""
    import pyvips

    from ..storage import open_store
    from ..tags import tag

    proxy = pyvips.Image.new_from_buffer(open_store(settings).get(data["proxy"]), "")
    return tag(proxy, data, settings.tagging)


def _setup(settings: Settings) -> Settings:
    return settings


def run(args: argparse.Namespace) -> int:
    from ..curate import curate
    from ..photos import PhotoFacts

    settings = settings_from(args)
    paths, ids = _split(args.paths)
    if not paths and not ids:
        raise UsageError("no files to process")
    results = _from_catalogue(settings, ids) if ids else []
    if paths:
        results += run_files(
            settings,
            paths,
            partial(_setup, settings),
            tag_file,
            "tagging",
            lambda r: None,
            bar=not args.json,
        )
    order = {str(p): i for i, p in enumerate(paths)}
    results.sort(key=lambda r: order.get(r["path"], -1))  # input order, ids first
    items = [
        PhotoFacts.from_data(r["path"], {**r["record"], "tags": r["tags"]})
        for r in results
        if r["verdict"] == "accept"
    ]
    rejected = [
        {k: r.get(k) for k in ("path", "reason", "message")}
        for r in results
        if r["verdict"] != "accept"
    ]
    c = curate(items).to_dict()
    if args.json:
        emit_json({**c, "rejected": rejected})
    else:
        _print(c, rejected)
    return EXIT_REJECTED if rejected else EXIT_OK


def _print(c: dict[str, Any], rejected: list[dict[str, Any]]) -> None:
    for r in rejected:
        print(f"reject  {r['reason']:<18} {r['path']}: {r['message']}")
    print(f"picks ({len(c['picks'])}, best first):")
    for k in c["picks"]:
        why = c["unprintable"].get(k)
        print(f"  {k}" + (f"   [not printable: {', '.join(why)}]" if why else ""))
    for title, groups in (("duplicates", c["duplicates"]), ("events", c["events"])):
        print(f"{title} ({len(groups)}):")
        for g in groups:
            print("  " + "  ".join(g))
    print(f"people ({len(c['people'])}):")
    for n, g in enumerate(c["people"], 1):
        print(f"  person {n}: " + "  ".join(f"{k}#{i}" for k, i in g))
