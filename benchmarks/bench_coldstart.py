"""Issue 7 cold start: the import time of each Lambda handler module, `python -X importtime`
in a fresh interpreter per sample (bytecode already compiled, as the image does at build).

Goals: thumbnail <= 250 ms, upload <= 500 ms. Peers in the same run: the imaging stack the
handlers avoid importing (pyvips, numpy, OpenCV, Pillow, pillow-heif, dlib) with and
without boto3, and bare Powertools.

    python benchmarks/bench_coldstart.py          # the table (median of 7 per module)
    make bench BENCH_ARGS='-k coldstart'          # pytest-benchmark; figures in extra_info

The figure is the top-level cumulative import time that -X importtime reports (what Lambda
spends in INIT before the handler can run), not the subprocess's wall time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

import pytest

HANDLERS = {
    "upload": "pressroom.aws.upload",
    "thumbnail": "pressroom.aws.thumbnail",
    "print": "pressroom.aws.print",
    "cleanup": "pressroom.aws.cleanup",
}
PEERS = {
    "imaging stack + boto3": "pyvips, numpy, cv2, PIL.Image, pillow_heif, dlib, boto3",
    "imaging stack w/o OpenCV, boto3": "pyvips, numpy, PIL.Image, pillow_heif",
    "boto3": "boto3",
    "powertools logger+metrics+batch": (
        "aws_lambda_powertools, aws_lambda_powertools.utilities.batch"
    ),
    # What the first invocation then loads lazily (the rest of a true cold start):
    "upload + first record's imports": (
        "pressroom.aws.upload, pressroom.ingest.service, pressroom.tags.pipeline, boto3"
    ),
    "thumbnail + first request's imports": (
        "pressroom.aws.thumbnail, pressroom.api.app, pressroom.render.thumbnail, mangum, boto3"
    ),
}
GOALS_MS = {"thumbnail": 250.0, "upload": 500.0}
HEAVY = ("pyvips", "cv2", "numpy", "PIL", "pillow_heif", "dlib", "boto3", "reportlab", "pikepdf")
SAMPLES = 7


def _top_level(code: str) -> dict[str, int]:
    """{module: cumulative us} of the top-level imports -X importtime reports for `code`."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    found: dict[str, int] = {}
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[12:].split("|")
        if not name.startswith("  "):  # top level: one space, no nesting indentation
            found[name.strip()] = int(cumulative)
    return found


_STARTUP: set[str] = set()


def import_ms(statement: str) -> float:
    """Cumulative -X importtime of what `import <statement>` adds to a bare start, in ms."""
    if not _STARTUP:  # encodings, site, ...: what the interpreter loads before any code
        _STARTUP.update(_top_level("pass"))
    found = _top_level(f"import {statement}")
    return sum(us for name, us in found.items() if name not in _STARTUP) / 1000


def loaded_heavy(module: str) -> list[str]:
    code = f"import sys, {module}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def median_ms(statement: str, samples: int = SAMPLES) -> float:
    import_ms(statement)  # warm: bytecode compiled, files in the page cache
    return statistics.median(import_ms(statement) for _ in range(samples))


@pytest.mark.parametrize("name", list(HANDLERS))
@pytest.mark.benchmark(group="lambda cold start: handler module import")
def test_handler_import(benchmark, name: str) -> None:
    module = HANDLERS[name]
    import_ms(module)
    figures: list[float] = []
    benchmark.pedantic(lambda: figures.append(import_ms(module)), rounds=SAMPLES, iterations=1)
    benchmark.extra_info["importtime_ms_median"] = round(statistics.median(figures), 1)
    benchmark.extra_info["goal_ms"] = GOALS_MS.get(name)
    # Deterministic, unlike the time: no heavy library on the import path.
    assert loaded_heavy(module) == []


@pytest.mark.parametrize("name", list(PEERS))
@pytest.mark.benchmark(group="lambda cold start: handler module import")
def test_peer_import(benchmark, name: str) -> None:
    statement = PEERS[name]
    import_ms(statement)
    figures: list[float] = []
    benchmark.pedantic(lambda: figures.append(import_ms(statement)), rounds=SAMPLES, iterations=1)
    benchmark.extra_info["importtime_ms_median"] = round(statistics.median(figures), 1)


def main() -> None:
    stack = median_ms(PEERS["imaging stack + boto3"])
    print(f"{'import':40} {'median ms':>10} {'goal':>6} {'vs stack':>9}")
    for name, module in HANDLERS.items():
        ms = median_ms(module)
        goal = GOALS_MS.get(name)
        print(f"{module:40} {ms:10.1f} {goal or '':>6} {ms / stack:9.2f}")
    for name, statement in PEERS.items():
        ms = stack if name == "imaging stack + boto3" else median_ms(statement)
        print(f"{name:40} {ms:10.1f} {'':>6} {ms / stack:9.2f}")


if __name__ == "__main__":
    main()
