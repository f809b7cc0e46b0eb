"""pressroom print JOBS.json : render many books in a process pool; one failing book never
stops the others.

JOBS.json is a list of jobs (or {"jobs": [...]}), each
    {"job_id": "order-17", "product": "photobook-21x21", "photos": [ids, files or folders],
     "output": "out/order-17.pdf", "title": "Summer", "previews": "out/order-17-previews",
     "pad": false, "pdfx": "4"}
Relative paths are read from the folder of JOBS.json. One result per job (JSON lines with
--json): ok, the files written, preflight status, or the reason it failed.
"""

from __future__ import annotations

import argparse
import json
import traceback
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

from ..config import Settings
from ._common import EXIT_OK, EXIT_REJECTED, UsageError, emit_json, progress, settings_from


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "print",
        help="render many books from a JSON job list, in parallel",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("jobs", type=Path, metavar="JOBS.json")
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="one JSON object per job per line")
    p.set_defaults(run=run, max_pixels=None, max_bytes=None)


def load_jobs(path: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise UsageError(f"cannot read {path}: {e}") from None
    jobs = doc.get("jobs") if isinstance(doc, dict) else doc
    if not isinstance(jobs, list) or not jobs:
        raise UsageError(f'{path}: expected a list of jobs or {{"jobs": [...]}}')
    base = path.resolve().parent
    out = []
    for i, job in enumerate(jobs):
        if not isinstance(job, dict) or not job.get("product") or not job.get("photos"):
            raise UsageError(f"{path}: job {i} needs at least product, photos and output")
        job = dict(job)
        job.setdefault("job_id", f"job-{i + 1}")
        job.setdefault("output", f"{job['job_id']}.pdf")

        def rel(v: str) -> str:
            return str(v if Path(v).is_absolute() else base / v)

        job["output"] = rel(job["output"])
        if job.get("previews"):
            job["previews"] = rel(job["previews"])
        # A photo is a path when it names one (relative to JOBS.json), else a photo id.
        job["photos"] = [rel(p) if (base / p).exists() else p for p in job["photos"]]
        out.append(job)
    return out


def _setup(settings: Settings) -> Settings:
    return settings


def run_job(settings: Settings, item: tuple[dict[str, Any], dict[str, str]]) -> dict[str, Any]:
    """One book, from photo ids to published print files, inside a worker; any failure
    becomes this job's result. `ingested`: {path: photo id} for the files the job names,
    ingested beforehand on the guarded runner."""
    from ..books.make import make_book
    from .book import photo_ids

    job, ingested = item
    head = {"job_id": job["job_id"], "product": job["product"], "output": job["output"]}
    try:
        if job.get("error"):
            raise UsageError(job["error"])
        ids = photo_ids(settings, list(job["photos"]), ingested)
        out = make_book(
            settings,
            ids,
            job["product"],
            Path(job["output"]),
            previews=Path(job["previews"]) if job.get("previews") else None,
            title=job.get("title"),
            pad=bool(job.get("pad", False)),
            pdfx=str(job.get("pdfx", "4")),
            workers=1,
        )
        return {**head, **out}
    except UsageError as e:
        return {**head, "ok": False, "reason": "bad_job", "message": str(e)}
    except Exception as e:  # noqa: BLE001 - one failing book must not stop the batch
        return {
            **head,
            "ok": False,
            "reason": "render_error",
            "message": f"{type(e).__name__}: {e}"[:300],
            "trace": traceback.format_exc(limit=3)[-800:],
        }


def ingest_jobs(
    settings: Settings, jobs: list[dict[str, Any]], show_progress: bool
) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Every job's files ingested at once on the guarded runner (a file two jobs share, once);
    a job naming an unknown photo id is marked bad and its files left alone."""
    from .book import ingest_files, input_files

    every: list[Path] = []
    for job in jobs:
        try:
            every += input_files(settings, list(job["photos"]))
        except UsageError as e:
            job["error"] = str(e)
    ingested = ingest_files(settings, every, show_progress)
    return [(job, ingested) for job in jobs]


def job_died(item: tuple[dict[str, Any], dict[str, str]], failure: Any) -> dict[str, Any]:
    """A worker that crashed or was killed (OOM) fails its book, not the batch."""
    job, _ = item
    head = {"job_id": job["job_id"], "product": job["product"], "output": job["output"]}
    return {**head, "ok": False, "reason": "render_error", "message": failure.detail}


def run(args: argparse.Namespace) -> int:
    from ..batch import run_batch
    from ..products import products

    settings = settings_from(args)
    jobs = load_jobs(args.jobs)
    unknown = sorted({j["product"] for j in jobs} - set(products()))
    if unknown:
        raise UsageError(f"unknown product(s): {', '.join(unknown)}")
    items = ingest_jobs(settings, jobs, not args.json)
    results = []
    fn = run_job
    with (
        progress(len(jobs), "printing", not args.json) as bar,
        closing(
            run_batch(partial(_setup, settings), fn, items, settings.workers, on_failure=job_died)
        ) as stream,
    ):
        task = bar.add_task("print", total=len(jobs))
        for r in stream:
            results.append(r)
            bar.advance(task)
            if args.json:
                emit_json(r)
            elif r["ok"]:
                print(f"ok      {r['job_id']}  {r['pages']} pages  {r['interior']}")
            else:
                print(f"failed  {r['job_id']}  {r['reason']}: {r.get('message', '')}")
    if not args.json:
        ok = sum(r["ok"] for r in results)
        print(f"{ok} of {len(results)} books written")
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_REJECTED
