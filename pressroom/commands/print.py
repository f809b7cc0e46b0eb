"""pressroom print INPUT... : print orders as print jobs, recorded in the local job store
exactly as the AWS print handler records them (same states, attempts, reasons, print files);
one failing job never stops the others.

An INPUT is a design document (DESIGN.json, `pressroom design` writes one; its order id is
--order or the file's name) or a JOBS.json list of orders (or {"jobs": [...]}), each
    {"order_id": "order-17", "design": "order-17.json" | {...design...},
     "output": "out/order-17.pdf", "previews": "out/order-17-previews"}
or, auto-designed from photos as `pressroom book` does:
    {"order_id": "order-18", "product": "photobook-21x21", "photos": [ids, files or folders],
     "title": "Summer", "pad": false}
("job_id" is read as "order_id", its old name.) Relative paths are read from the folder of
JOBS.json. A job's id is its order id; an order already recorded is not printed twice (its
recorded outcome is reported). Print files go to the print store under print/<order id>/ and
are copied to `output` (default: OUTPUT-DIR or the input's folder, <order id>.pdf; the cover
beside it as <order id>-cover.pdf). The console's print-jobs page lists every job. One result
per job (JSON lines with --json), its "order_id" also as "job_id". Exit 0 when every job is
ready, 1 otherwise, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
from contextlib import closing
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ..config import Settings
from ..ids import ID_RULE, is_id
from ._common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    emit_json,
    plural,
    progress,
    settings_from,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "print",
        help="print design documents or a JSON job list as recorded print jobs, in parallel",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", type=Path, nargs="+", metavar="DESIGN.json|JOBS.json")
    p.add_argument("--order", help="order id of a single design document (default: its name)")
    p.add_argument("--output-dir", type=Path, help="where print files are copied")
    p.add_argument(
        "--printer",
        help="printer id (`pressroom printers`) every job is made for, unless the job names "
        "its own (\"printer\" in JOBS.json); it replaces a design's printer",
    )
    p.add_argument(
        "--data", type=Path, help="data folder (default $PRESSROOM_DATA or ./pressroom-data)"
    )
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="one JSON object per job per line")
    p.set_defaults(run=run, max_pixels=None, max_bytes=None)


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror or e}") from None
    except ValueError as e:
        raise UsageError(f"{path} is not JSON: {e}") from None


def load_jobs(
    paths: list[Path], order: str | None, output_dir: Path | None
) -> list[dict[str, Any]]:
    """Every order the inputs name, with absolute paths; UsageError for a malformed list."""
    if order is not None and len(paths) != 1:
        raise UsageError("--order names the order of one design document")
    out: list[dict[str, Any]] = []
    for path in paths:
        doc = _read(path)
        base = path.resolve().parent
        entries: Any  # JSON: checked to be a non-empty list below
        if isinstance(doc, dict) and "jobs" not in doc:  # a design document
            entries = [{"order_id": order or path.stem, "design": doc}]
        else:
            entries = doc.get("jobs") if isinstance(doc, dict) else doc
            if order is not None or not isinstance(entries, list) or not entries:
                raise UsageError(f'{path}: expected a design, a list of jobs or {{"jobs": [...]}}')
        for i, entry in enumerate(entries):
            out.append(_job(path, i, entry, base, output_dir or base))
    seen: set[str] = set()
    for job in out:
        if job["order_id"] in seen:
            raise UsageError(f"order {job['order_id']} is listed twice")
        seen.add(job["order_id"])
    return out


def _job(path: Path, i: int, entry: Any, base: Path, out_dir: Path) -> dict[str, Any]:
    def rel(v: str) -> str:
        return str(v if Path(v).is_absolute() else base / v)

    job = dict(entry) if isinstance(entry, dict) else {}
    # "job_id" is the old name of "order_id" (JOBS.json files written before issue 14)
    old = job.pop("job_id", None)
    order = str(job.get("order_id") or old or f"job-{i + 1}")
    # A malformed job fails alone (bad_job, recorded); the others still print.
    error = None
    if not ("design" in job or (job.get("product") and job.get("photos"))):
        error = f"job {i + 1} of {path.name} needs a design, or a product and photos"
    if not is_id(order):
        error = f"job {i + 1} of {path.name}: order id “{order}” is not an id ({ID_RULE})"
        order = f"job-{i + 1}"
    job["order_id"] = order
    if error:
        job.pop("design", None)
        out = job.get("output")
        return {**job, "error": error, "photos": [], "product": job.get("product") or "",
                "output": rel(out) if out else str(out_dir / f"{order}.pdf")}  # fmt: skip
    if isinstance(job.get("design"), str):
        job["design"] = _read(Path(rel(job["design"])))
    job["output"] = rel(job["output"]) if job.get("output") else str(out_dir / f"{order}.pdf")
    if job.get("previews"):
        job["previews"] = rel(job["previews"])
    if "design" not in job:
        # A photo is a path when it names one (relative to JOBS.json), else a photo id.
        job["photos"] = [rel(p) if (base / p).exists() else p for p in job["photos"]]
    return job


class Worker:
    """One process's stores: the job store, catalogue, masters and print store."""

    def __init__(self, settings: Settings) -> None:
        from ..books.printjob import PrintRun
        from ..catalogue import open_catalogue
        from ..printjobs import open_jobs
        from ..storage import open_store

        self.settings = settings
        store = open_store(settings)
        prints = (
            open_store(replace(settings, storage=settings.print_storage))
            if settings.print_storage
            else store
        )
        self.run = PrintRun(
            open_jobs(settings),
            store,
            prints,
            open_catalogue(settings),
            lease=settings.print_lease,
            max_receives=settings.print_max_receives,
        )


def design_of(w: Worker, job: dict[str, Any], ingested: dict[str, str]) -> dict[str, Any]:
    """The job's design: as given, or auto-designed from its photos. Records the job failed
    (bad_job, not_designed) and raises _Recorded when there is none."""
    from ..books.make import auto_design
    from ..reasons import DesignError
    from .book import photo_ids

    if "design" in job:
        doc = job["design"] if isinstance(job["design"], dict) else {}
        return {**doc, "printer": job["printer"]} if job.get("printer") and doc else doc
    head = {"product": job.get("product") or "", "title": job.get("title") or ""}
    try:
        if job.get("error"):
            raise UsageError(job["error"])
        ids = photo_ids(w.settings, list(job["photos"]), ingested)
        doc, _ = auto_design(
            w.settings,
            ids,
            job["product"],
            title=job.get("title"),
            pad=bool(job.get("pad")),
            printer=job.get("printer"),
        )
        return doc
    except UsageError as e:
        reason, message = "bad_job", str(e)
    except DesignError as e:
        reason, message = "not_designed", e.message
    w.run.jobs.create(job["order_id"], head, job["order_id"])
    w.run.jobs.fail(job["order_id"], reason, message[:300])
    raise _Recorded


class _Recorded(Exception):
    """The job failed before rendering; its record says why."""


def run_job(w: Worker, item: tuple[dict[str, Any], dict[str, str]]) -> dict[str, Any]:
    """One order inside a worker: recorded, rendered as a queue would deliver it, files
    copied out; its outcome is read back from the job store."""
    from ..books.printjob import JobBusy, deliver

    job, ingested = item
    order = job["order_id"]
    note = None
    try:
        design = design_of(w, job, ingested)
        _, created = w.run.jobs.create(order, design, order)
        if not created:
            note = "already recorded: its recorded outcome"
        deliver(w.run, order)
    except _Recorded:
        pass
    except JobBusy:
        note = "another attempt is rendering it"
    except Exception:  # noqa: BLE001 - one failing job must not stop the others
        from ..reasons import public

        if w.run.jobs.get(order) is None:
            w.run.jobs.create(order, {}, order)
        w.run.jobs.fail(order, "render_error", public("print", "render_error"))
    return outcome(w, job, note)


def outcome(w: Worker, job: dict[str, Any], note: str | None = None) -> dict[str, Any]:
    """What the job store says of the order, with the print files copied to `output`."""
    from ..catalogue.books import read_page

    rec = w.run.jobs.get(job["order_id"])
    assert rec is not None
    out: dict[str, Any] = {
        "order_id": rec.id,
        "job_id": rec.id,  # the same: a job's id is its order id (readers of the old name)
        "state": rec.state,
        "ok": rec.state == "ready",
        "attempts": rec.attempts,
        "reason": rec.reason if rec.state != "ready" else None,
        "message": rec.message if rec.state != "ready" else None,
        "product": rec.book.get("product"),
        **{k: rec.result[k] for k in ("files", "pages", "book_id", "preflight") if k in rec.result},
    }
    if note:
        out["note"] = note
    if rec.state == "ready":
        interior = Path(job["output"])
        interior.parent.mkdir(parents=True, exist_ok=True)
        for k in rec.result.get("files", []):
            name = k.rsplit("/", 1)[-1]
            dest = interior if name == "interior.pdf" else interior.with_name(
                f"{interior.stem}-{name.rsplit('.', 1)[0]}{interior.suffix}"
            )
            dest.write_bytes(w.run.print_store.get(k))
            out["interior" if name == "interior.pdf" else name.rsplit(".", 1)[0]] = str(dest)
        book_id = rec.result.get("book_id")
        if job.get("previews") and book_id:
            folder = Path(job["previews"])
            folder.mkdir(parents=True, exist_ok=True)
            names = ["cover"] + [f"page-{n:03d}" for n in range(1, int(out["pages"]) + 1)]
            for name in names:
                data = read_page(w.run.store, book_id, name)
                if data is not None:
                    (folder / f"{name}.jpg").write_bytes(data)
    return out


def ingest_jobs(
    settings: Settings, jobs: list[dict[str, Any]], show_progress: bool
) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Every photo job's files ingested at once on the guarded runner (a file two jobs share,
    once); a job naming an unknown photo id is marked bad and its files left alone."""
    from .book import ingest_files, input_files

    every: list[Path] = []
    for job in jobs:
        if "photos" in job and "design" not in job:
            try:
                every += input_files(settings, list(job["photos"]))
            except UsageError as e:
                job["error"] = str(e)
    ingested = ingest_files(settings, every, show_progress)
    return [(job, ingested) for job in jobs]


def job_died(
    settings: Settings, item: tuple[dict[str, Any], dict[str, str]], failure: Any
) -> dict[str, Any]:
    """A worker that crashed or was killed (OOM) fails its job, not the batch: the job is
    failed render_error, as the AWS path fails a job whose every delivery died."""
    from ..reasons import public

    w = Worker(settings)
    job, _ = item
    if w.run.jobs.get(job["order_id"]) is None:
        w.run.jobs.create(job["order_id"], {}, job["order_id"])
    w.run.jobs.fail(job["order_id"], "render_error", public("print", "render_error"))
    return {**outcome(w, job), "detail": failure.detail}


def run(args: argparse.Namespace) -> int:
    from ..batch import run_batch

    settings = settings_from(args)
    jobs = load_jobs(list(args.inputs), args.order, args.output_dir)
    if getattr(args, "printer", None):
        from ..printers import UnknownPrinter, get_printer

        try:
            get_printer(args.printer)
        except UnknownPrinter as e:
            raise UsageError(str(e.args[0])) from None
        for job in jobs:
            job.setdefault("printer", args.printer)
    items = ingest_jobs(settings, jobs, not args.json)
    results: list[dict[str, Any]] = []
    with (
        progress(len(jobs), "printing", not args.json) as bar,
        closing(
            run_batch(
                partial(Worker, settings),
                run_job,
                items,
                settings.workers,
                on_failure=partial(job_died, settings),
            )
        ) as stream,
    ):
        task = bar.add_task("print", total=len(jobs))
        # Results come in completion order; they are said in the order of the job list.
        at = {j["order_id"]: i for i, j in enumerate(jobs)}
        done: dict[int, dict[str, Any]] = {}
        for r in stream:
            done[at.get(r["order_id"], len(jobs) + len(done))] = r
            bar.advance(task)
            while done and min(done) == len(results):
                results.append(done.pop(len(results)))
                emit_json(results[-1]) if args.json else print(line(results[-1]), flush=True)
        for i in sorted(done):  # ids the list did not know (none expected): last
            results.append(done[i])
            emit_json(done[i]) if args.json else print(line(done[i]), flush=True)
    if not args.json:
        ok = sum(r["ok"] for r in results)
        print(f"{ok} of {len(results)} jobs ready (pressroom serve: the console's print jobs)")
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_REJECTED


def line(r: dict[str, Any]) -> str:
    note = f"  ({r['note']})" if r.get("note") else ""
    if r["ok"]:
        pages = plural(int(r.get("pages") or 0), "page")
        return f"ready   {r['order_id']}  {pages}  {r.get('interior')}{note}"
    if r["state"] == "failed":
        return f"failed  {r['order_id']}  {r['reason']}: {r.get('message') or ''}{note}"
    return f"{r['state']:<7} {r['order_id']}{note}"
