"""pressroom tag PATH... : per-photo tags (faces, sharpness, exposure, ...) without writing."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import Any

from ..config import Settings
from ._common import (
    add_limit_flags,
    emit_json,
    exit_code,
    expand,
    note,
    printable_words,
    result_line,
    run_files,
    settings_from,
    summary_lines,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "tag",
        help="tag photos: faces, sharpness, exposure, colours, hashes, screenshot, quality",
        description="Validate each file (one strict decode, to the 640-px proxy) and tag it. "
        "Face boxes are [x, y, w, h] in upright pixels of the input; 'faces' is "
        '"unavailable" when no face detector can run. PRESSROOM_FACE_MODEL=/path/yunet.onnx '
        "selects the YuNet detector. Text output: one line per file in the order given: "
        "'printable' or why not (explained below the list), upright size, path, then faces, "
        "sharpness, quality, screenshot score and pHash. Exit 0 when all files are photos we "
        "accept, 1 when any is rejected (its reason is printed), 2 on usage errors.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--embeddings", action="store_true", help="include face embeddings (128-D)")
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    add_limit_flags(p)
    p.set_defaults(run=run)


def tag_file(settings: Settings, path: Path) -> dict[str, Any]:
    """Validate, then tag validate's proxy: no second decode. Shared with `curate`."""
    from ..batch.files import FileBudget
    from ..ingest.errors import Rejected
    from ..ingest.pipeline import validate
    from ..ingest.service import read_upload
    from ..ingest.steps.metadata import metadata
    from ..tags import tag

    try:
        data = read_upload(path, settings)
        verdict, ctx = validate(data, settings.limits, settings.proxy_size, FileBudget())
    except Rejected as r:
        return {"path": str(path), "verdict": "reject", "reason": r.reason, "message": r.message}
    if verdict.verdict != "accept":
        return {"path": str(path), **verdict.__dict__}
    assert ctx.proxy is not None
    metadata(ctx)  # capture time, GPS, camera: facts the screenshot score and events need
    record = ctx.meta
    tags = tag(ctx.proxy, record, settings.tagging)
    keep = ("format", "width", "height", "captured_at", "gps", "camera_make", "camera_model")
    return {
        "path": str(path),
        "verdict": "accept",
        "record": {k: record.get(k) for k in keep},
        "tags": tags,
    }


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    paths = expand(args.paths)
    legend: set[str] = set()
    results = run_files(
        settings,
        paths,
        partial(_setup, settings),
        tag_file,
        "tagging",
        lambda r: _print(r, args, legend),
        bar=not args.json,
    )
    if not args.json:
        for code in sorted(legend):  # what each not-printable reason means, once
            note(f"{code}: {printable_words(code)}")
        for line in summary_lines(results):
            note(line)
    return exit_code(results)


def _setup(settings: Settings) -> Settings:
    return settings


def _print(r: dict[str, Any], args: argparse.Namespace, legend: set[str]) -> None:
    if r["verdict"] != "accept":
        if args.json:
            emit_json({k: r.get(k) for k in ("path", "verdict", "reason", "message")})
        else:
            print(result_line(r), flush=True)
        return
    t = r["tags"]
    faces = t["faces"]
    if isinstance(faces, list) and not args.embeddings:
        faces = [{k: v for k, v in f.items() if k != "embedding"} for f in faces]
    if args.json:
        emit_json({"path": r["path"], **t, "faces": faces})
        return
    n = faces if isinstance(faces, str) else len(faces)
    legend.update(t["printable"]["reasons"])
    rec = r["record"]
    line = result_line({**rec, "path": r["path"], "verdict": "accept",
                        "format": ",".join(t["printable"]["reasons"]) or "printable"})
    print(
        f"{line}  faces {n}, sharpness {t['sharpness']:.1f}, quality {t['quality']:.2f}, "
        f"screenshot {t['screenshot']['score']:.2f}, phash {t['phash']}",
        flush=True,
    )
