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
    plural,
    printable_words,
    result_line,
    run_files,
    settings_from,
)
from .tag import tag_file


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "curate",
        help="group near-duplicates, people and events; pick the best photos",
        description="Tag each file (or read the tags of ingested photo ids from the "
        "catalogue), then group near-duplicates and bursts (best first), cluster faces "
        "into people, split events by time gaps and GPS jumps, and rank one pick per "
        "duplicate group. Events show their dates and photo counts; people name each face "
        "as the console does (face 1 is the photo's first). Exit 0, or 1 when any input was "
        "rejected or unknown (the rest is still curated), 2 on usage errors.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH|ID", help="files, folders or photo ids")
    p.add_argument(
        "--data", type=Path, help="data folder for photo ids (default $PRESSROOM_DATA or "
        "./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    add_limit_flags(
        p, json_help="print one JSON object: picks, duplicates, events (with event_dates), "
        "people ([path, face index from 0] pairs), unprintable, rejected"
    )
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

    where = catalogue_place(settings)
    if settings.catalogue == "sqlite" and not Path(where).is_file():
        # Never create an empty catalogue just to look in it.
        return [_unknown(pid, f"no catalogue at {where} (give --data DIR, or set "
                         "PRESSROOM_DATA, to where the photo was ingested)") for pid in ids]
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
        if rec is None:
            out.append(_unknown(pid, f"no photo with this id in the catalogue at {where}"))
            continue
        if rec.state != "uploaded":
            said = ("not uploaded yet" if rec.state == "missing"
                    else f"rejected at ingest ({rec.reason}): {rec.message}")
            out.append({"path": pid, "verdict": "reject", "reason": "not_uploaded",
                        "message": f"the photo is {said}"})  # fmt: skip
            continue
        data = rec.data
        tags = data.get("tags") or _tag_stored_proxy(settings, data)
        out.append({"path": pid, "verdict": "accept", "record": data, "tags": tags})
    return out


def catalogue_place(settings: Settings) -> str:
    """Where photo ids are looked up, as the user can find it: the SQLite file or the table."""
    if settings.catalogue == "sqlite":
        path = settings.data_dir / "catalogue.sqlite3"
        return str(path) if path.is_absolute() else f"./{path}"
    return settings.catalogue


def _unknown(pid: str, message: str) -> dict[str, Any]:
    return {"path": pid, "verdict": "reject", "reason": "not_found", "message": message}


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
    dates = {it.id: it.captured_at for it in items}
    c["event_dates"] = [_span([dates.get(k) for k in g]) for g in c["events"]]
    if args.json:
        emit_json({**c, "rejected": rejected})
    else:
        _print(c, rejected)
    return EXIT_REJECTED if rejected else EXIT_OK


def _span(stamps: list[str | None]) -> list[str | None]:
    """[first, last] capture time of an event (ISO 8601), [None, None] for undated photos."""
    known = sorted(t for t in stamps if t)
    return [known[0], known[-1]] if known else [None, None]


def _when(span: list[str | None]) -> str:
    first, last = span
    if not first or not last:
        return "no capture date"
    a, b = first[:16].replace("T", " "), last[:16].replace("T", " ")
    if a == b:
        return a
    return f"{a} to {b[11:] if a[:10] == b[:10] else b}"


def _print(c: dict[str, Any], rejected: list[dict[str, Any]]) -> None:
    for r in rejected:
        print(result_line({**r, "verdict": "reject"}))
    if not c["picks"]:
        print("nothing to curate: no input was accepted")
        return
    print(f"picks ({len(c['picks'])}, best first):")
    legend: set[str] = set()
    for k in c["picks"]:
        why = c["unprintable"].get(k)
        legend.update(why or ())
        print(f"  {k}" + (f"   [not printable: {', '.join(why)}]" if why else ""))
    print(f"duplicates ({len(c['duplicates'])} groups, best first):")
    for n, g in enumerate(c["duplicates"], 1):
        print(f"  group {n}: " + "  ".join(g))
    print(f"events ({len(c['events'])}):")
    for n, (g, span) in enumerate(zip(c["events"], c["event_dates"], strict=True), 1):
        print(f"  event {n}: {_when(span)}, {plural(len(g), 'photo')}")
        for k in g:
            print(f"    {k}")
    print(f"people ({len(c['people'])}):")
    for n, g in enumerate(c["people"], 1):
        print(f"  person {n}: " + "; ".join(f"{k} face {i + 1}" for k, i in g))
    for code in sorted(legend):
        print(f"{code}: {printable_words(code)}")
