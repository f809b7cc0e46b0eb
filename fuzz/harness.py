"""Fuzz validate and ingest (the in-memory normalise pipeline) with mutated corpus files.

    python -m fuzz.harness --count 1000000 --seed 1 --log fuzz/runs/long.log
    python -m fuzz.harness --replay 1:123456          # re-run one input, in this process

Inputs run through the same supervised pool the CLI uses (pressroom.batch), with the same
budget: 2 CPU seconds and 512 MB beyond the worker's baseline per file (scaled up only for
files whose header declares more than 16/32 MP). What counts as a finding:

    crash     an exception escaped validate/normalise (anything but a verdict)
    died      the worker died (segfault, abort, OOM kill)
    timeout   the worker was killed over its budget
    slow      the input used more than --slow CPU seconds (default 2) yet finished
    mismatch  validate and the ingest pipeline disagree (one accepts, the other refuses); the
              pipeline runs on every accepted input and on every 4th input whatever validate
              said, since `pressroom ingest` does not validate first
    poisoned  a known-good file, judged every 500 inputs, was no longer accepted: an
              earlier input left the worker broken (every later upload would fail)

Each finding is written to --findings as the input's bytes plus a .json note (seed file,
seed:index, error). Counts go to --log every --every inputs, so a long run can be watched,
stopped and resumed (--start) without losing its tally.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .mutate import make_input

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PRESSROOM_CORPUS", ROOT.parent / "shared" / "corpus"))
FINDINGS = ("crash", "died", "timeout", "slow", "mismatch", "poisoned")
CANARY_EVERY = 500


def seed_files(corpus: Path = CORPUS, max_bytes: int = 64 * 1024) -> list[Path]:
    """Every corpus file up to max_bytes (small files: mutating 12-MP photos teaches little)."""
    skip = {"MANIFEST.tsv", "README.md"}
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file() and p.name not in skip and "LICENSES" not in p.parts
        and p.stat().st_size <= max_bytes
    )


# --------------------------------------------------------------------------- in the worker


class Ctx:
    def __init__(self, paths: list[str], seed: int, normalise: bool, flat: bool) -> None:
        from pressroom.batch.files import FileBudget
        from pressroom.config import Limits

        # flat: every input gets the base budget, whatever its header declares
        self.budget = FileBudget(flat=flat)

        self.files = [Path(p).read_bytes() for p in paths]
        self.canary = (CORPUS / "big" / "jolla.jpg").read_bytes()
        self.seed = seed
        self.normalise = normalise
        self.limits = Limits()


def setup(paths: list[str], seed: int, normalise: bool, flat: bool = False) -> Ctx:
    from pressroom.ingest.pipeline import warm_up

    warm_up()
    return Ctx(paths, seed, normalise, flat)


def _peak_rss_reset() -> None:
    try:  # "5" resets VmHWM, so each input's own peak can be read afterwards
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def _peak_rss_mb() -> float:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def judge(
    data: bytes, limits: Any, normalise: bool = True, always: bool = False, budget: Any = None
) -> tuple[str, str | None]:
    """validate, then the ingest pipeline (for accepted inputs, or for all when `always`,
    as `pressroom ingest` runs it without validating first): (outcome, detail). `budget`:
    the worker's per-file budget, as the CLI lends it (None: no budget)."""
    from pressroom.ingest.context import NO_BUDGET, IngestContext
    from pressroom.ingest.pipeline import NORMALISE, Rejected, run, validate

    budget = budget or NO_BUDGET
    verdict, _ = validate(data, limits, budget=budget)
    accepted = verdict.verdict == "accept"
    if not normalise or not (accepted or always):
        return verdict.reason or "accept", None
    try:
        run(NORMALISE, IngestContext(data=data, limits=limits, budget=budget))
    except Rejected as r:
        if accepted:  # validate accepted what ingest refused
            return f"accept/{r.reason}", r.detail
        return verdict.reason or "?", None
    if not accepted:  # ingest accepted what validate refused
        return f"{verdict.reason}/accept", verdict.message
    return "accept", None


def fuzz_one(ctx: Ctx, index: int) -> dict[str, Any]:
    which, data = make_input(ctx.seed, index, ctx.files)
    if index % CANARY_EVERY == 0:
        canary = judge(ctx.canary, ctx.limits, ctx.normalise, budget=ctx.budget)
        if canary[0] != "accept":
            return {"index": index, "seed_file": which, "outcome": "poisoned",
                    "error": f"canary: {canary}", "cpu": 0.0, "wall": 0.0, "rss_mb": 0.0}
    _peak_rss_reset()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        outcome, error = judge(
            data, ctx.limits, ctx.normalise, always=index % 4 == 0, budget=ctx.budget
        )
    except Exception as exc:  # the finding we are looking for
        outcome, error = "crash", "".join(traceback.format_exception(exc))[-4000:]
    if "/" in outcome:
        outcome, error = "mismatch", f"{outcome}: {error}"
    return {
        "index": index,
        "seed_file": which,
        "outcome": outcome,
        "error": error,
        "cpu": time.process_time() - cpu,
        "wall": time.perf_counter() - wall,
        "rss_mb": _peak_rss_mb(),
    }


# --------------------------------------------------------------------------- in the parent


class Tally:
    def __init__(self) -> None:
        self.outcomes: Counter[str] = Counter()
        self.findings: list[dict[str, Any]] = []
        self.n = 0
        self.max_cpu = self.max_wall = self.max_rss = 0.0
        self.max_rss_at: int | None = None  # the index of the input with the largest peak
        self.started = time.time()

    def add(self, r: dict[str, Any]) -> None:
        self.n += 1
        self.outcomes[r["outcome"]] += 1
        self.max_cpu = max(self.max_cpu, r.get("cpu", 0.0))
        self.max_wall = max(self.max_wall, r.get("wall", 0.0))
        if r.get("rss_mb", 0.0) > self.max_rss:
            self.max_rss, self.max_rss_at = r["rss_mb"], r["index"]

    def line(self) -> str:
        rate = self.n / max(1e-9, time.time() - self.started)
        return json.dumps(
            {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
                "inputs": self.n,
                "per_s": round(rate, 1),
                "findings": len(self.findings),
                "max_cpu_s": round(self.max_cpu, 3),
                "max_wall_s": round(self.max_wall, 3),
                "max_rss_mb": round(self.max_rss, 1),
                "max_rss_at": self.max_rss_at,
                "outcomes": dict(self.outcomes.most_common()),
            }
        )


def fuzz(
    seed: int,
    count: int,
    start: int = 0,
    workers: int = 1,
    timeout: float = 2.0,
    memory_mb: int = 512,
    slow: float = 2.0,
    normalise: bool = True,
    corpus: Path = CORPUS,
    findings_dir: Path | None = None,
    log: Path | None = None,
    every: int = 10_000,
    flat: bool = False,
) -> Tally:
    """Run inputs start..start+count of run `seed`; return the tally (findings included)."""
    from pressroom.batch import Failure, run_batch

    paths = [str(p) for p in seed_files(corpus)]
    files = [Path(p).read_bytes() for p in paths]
    tally = Tally()

    def failed(index: int, failure: Failure) -> dict[str, Any]:
        which, _ = make_input(seed, index, files)
        return {"index": index, "seed_file": which, "outcome": failure.kind,
                "error": failure.detail, "cpu": failure.seconds, "wall": failure.seconds}

    def record(r: dict[str, Any]) -> None:
        kind = r["outcome"] if r["outcome"] in FINDINGS else None
        if kind is None and r.get("cpu", 0) > slow:
            kind = "slow"
        if kind is not None:
            finding = {**r, "kind": kind, "replay": f"{seed}:{r['index']}",
                       "seed_path": paths[r["seed_file"]]}
            tally.findings.append(finding)
            if findings_dir is not None:
                _save(findings_dir, finding, make_input(seed, r["index"], files)[1])

    from functools import partial

    stream = run_batch(
        partial(setup, paths, seed, normalise, flat),
        fuzz_one,
        _indices(start, count),
        workers,
        timeout=timeout,
        memory_mb=memory_mb,
        on_failure=failed,
    )
    logf = log.open("a") if log else None
    try:
        for r in stream:
            tally.add(r)
            record(r)
            if logf and tally.n % every == 0:
                print(tally.line(), file=logf, flush=True)
    finally:
        if logf:
            print(tally.line(), file=logf, flush=True)
            logf.close()
    return tally


def _indices(start: int, count: int) -> Iterator[int]:
    return iter(range(start, start + count))


def _save(folder: Path, finding: dict[str, Any], data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{finding['kind']}-{hashlib.sha256(data).hexdigest()[:12]}"
    (folder / f"{name}.bin").write_bytes(data)
    (folder / f"{name}.json").write_text(json.dumps(finding, indent=1) + "\n")


def replay(spec: str, corpus: Path = CORPUS) -> None:
    """Re-run one input in this process and print what happens (tracebacks included)."""
    from pressroom.config import Limits

    seed, index = (int(x) for x in spec.split(":"))
    files = [p.read_bytes() for p in seed_files(corpus)]
    which, data = make_input(seed, index, files)
    print(f"input {spec}: {len(data)} bytes from {seed_files(corpus)[which]}", file=sys.stderr)
    print(*judge(data, Limits()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m fuzz.harness", description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=10_000)
    p.add_argument("--start", type=int, default=0, help="first input index (to resume a run)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--timeout", type=float, default=2.0, help="CPU s per input (0 = none)")
    p.add_argument("--memory-mb", type=int, default=512, help="MB per input (0 = none)")
    p.add_argument("--slow", type=float, default=2.0, help="report inputs over this CPU time")
    p.add_argument("--no-normalise", action="store_true", help="validate only")
    p.add_argument(
        "--flat", action="store_true", help="no budget scaling for big declared images"
    )
    p.add_argument("--findings", type=Path, default=ROOT / "fuzz" / "findings")
    p.add_argument("--log", type=Path, help="append a JSON progress line every --every inputs")
    p.add_argument("--every", type=int, default=10_000)
    p.add_argument("--replay", metavar="SEED:INDEX", help="run one input here and print it")
    args = p.parse_args(argv)
    if args.replay:
        replay(args.replay)
        return 0
    tally = fuzz(
        args.seed, args.count, args.start, args.workers, args.timeout or None,
        args.memory_mb or None, args.slow, not args.no_normalise,
        findings_dir=args.findings, log=args.log, every=args.every, flat=args.flat,
    )
    print(tally.line())
    for f in tally.findings:
        print(f"{f['kind']:8} {f['replay']:>14}  {f['seed_path']}  {(f['error'] or '')[-200:]}")
    return 1 if tally.findings else 0


if __name__ == "__main__":
    sys.exit(main())
