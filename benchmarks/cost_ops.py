"""One operation, run in a fresh process: `python -m benchmarks.cost_ops OP DATA N` prints
`cpu_ms_median peak_rss_mb baseline_rss_mb` (bench_costs.py reads it).

The baseline is the resident size after imports and one warm-up run (libraries loaded,
models read, freed memory kept by malloc as a long-lived worker keeps it); the peak is VmHWM
over the N runs, reset to the baseline first, so peak - baseline is what the operation itself
adds at its worst."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyvips

from pressroom.catalogue.sqlite import SqliteCatalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.render.options import parse
from pressroom.render.renditions import Rung, make_rendition
from pressroom.render.thumbnail import render
from pressroom.storage.local import LocalStore

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def _ingest(source: bytes, tags: bool) -> Callable[[int], None]:
    from pressroom.tags import make_tagger

    def run(i: int) -> None:
        tmp = Path(f"/tmp/pressroom-cost-{id(source)}-{i}")
        tmp.mkdir(parents=True, exist_ok=True)
        store, cat = LocalStore(tmp / "blobs"), SqliteCatalogue(tmp / "c.db")
        ing = Ingestor(store, cat, Settings(data_dir=tmp), make_tagger() if tags else None)
        # a fresh id each run: a repeat would return the record without ingesting
        r = ing.ingest_bytes(source, "x", photo_id=f"p{i}")
        assert r.verdict == "accept", r

    return run


def _thumb(source: bytes, size: int, fmt: str, wh: tuple[int, int]) -> Callable[[int], None]:
    def run(i: int) -> None:
        w = size - (i % 8)  # a new size every run, as a CDN asks
        render(source, parse([f"w:{w}", f"h:{w}", "fit:inside"]), fmt, source_size=wh)

    return run


def build(op: str, data: Path) -> Callable[[int], None]:
    kind, _, arg = op.partition(":")
    big = CORPUS / "big"
    if kind == "ingest":
        name, _, tags = arg.partition("+")
        if name == "rotated":  # the same camera stream, EXIF orientation 6
            from tests.test_jpegtran import with_orientation

            raw = with_orientation((big / "olympus_12mp_42_IndexError.jpg").read_bytes(), 6)
        else:
            raw = (big / name).read_bytes()
        return _ingest(raw, tags == "tags")
    master = (big / "olympus_12mp_42_IndexError.jpg").read_bytes()  # upright: its own master
    wh = (4032, 3024)
    if kind == "rendition":
        rung = Rung("rendition", "r", 1008, 756)
        return lambda i: make_rendition(master, rung) and None
    if kind == "warm":
        store = LocalStore(data)
        store.put("renders/x/warm.jpg", b"x" * 30_000, "image/jpeg")
        return lambda i: store.get("renders/x/warm.jpg") and None
    rung, size, fmt = arg.split("-")
    if rung == "proxy":
        source = pyvips.Image.jpegload_buffer(master, shrink=8).jpegsave_buffer(Q=90)
    elif rung == "rendition":
        source = make_rendition(master, Rung("rendition", "r", 1008, 756))
    else:
        source = master
    return _thumb(source, int(size), fmt, wh)


def main() -> None:
    op, data, n = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    pyvips.concurrency_set(1)
    pyvips.cache_set_max(0)
    run = build(op, data)
    run(10_000)  # warm-up: libraries, models, tables
    baseline = _status_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS: the peak starts here
    times = []
    for i in range(n):
        t = time.process_time()
        run(i)
        times.append((time.process_time() - t) * 1000)
    peak = _status_mb("VmHWM")
    print(f"{statistics.median(times):.2f} {min(times):.2f} {peak:.1f} {baseline:.1f}")


if __name__ == "__main__":
    main()
