"""Fuzzing in CI: a short fixed-seed run of the harness (fuzz/), and every input the long
runs ever found (tests/regressions/) judged the way it should be, in and out of process."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.harness import FINDINGS, fuzz, judge, seed_files
from fuzz.mutate import fix_png_crcs, make_input
from pressroom.config import Limits
from pressroom.ingest.pipeline import validate

REGRESSIONS = Path(__file__).parent / "regressions"
with (REGRESSIONS / "EXPECTED.tsv").open(newline="") as f:
    EXPECTED = list(csv.DictReader(f, delimiter="\t"))

SMOKE_SEED, SMOKE_COUNT = 20261123, 5000


def test_smoke_run_finds_nothing() -> None:
    """5,000 mutated corpus files through validate + ingest in a supervised worker (2 CPU s,
    512 MB each): no exception, no death, no timeout, nothing slow, no validate/ingest
    disagreement, no poisoned worker."""
    tally = fuzz(SMOKE_SEED, SMOKE_COUNT, workers=1)
    assert tally.n == SMOKE_COUNT
    assert tally.findings == [], "\n".join(
        f"{f['kind']} {f['replay']} {f['seed_path']}\n{f['error']}" for f in tally.findings
    )
    # The mutations must reach past the sniffer: decoders accept and refuse for many reasons.
    out = tally.outcomes
    assert out["accept"] > 100 and out["corrupt"] > 300 and out["truncated"] > 100
    assert out["too_many_pixels"] > 0 and not set(out) & set(FINDINGS)
    assert tally.max_cpu < 2.0 and tally.max_rss < 600


def test_inputs_are_reproducible_from_seed_and_index() -> None:
    files = [p.read_bytes() for p in seed_files()]
    assert len(files) > 150
    a, b = make_input(7, 42, files), make_input(7, 42, files)
    assert a == b and a != make_input(7, 43, files) and a != make_input(8, 42, files)


def test_png_crc_fix_up_makes_mutations_reach_the_decoder(corpus: Path) -> None:
    data = bytearray((corpus / "valid/png/basn2c08.png").read_bytes())
    data[data.index(b"gAMA") + 7] ^= 0x01  # a harmless value, but the CRC no longer matches
    assert validate(bytes(data), Limits())[0].reason == "corrupt"
    fix_png_crcs(data)
    assert validate(bytes(data), Limits())[0].verdict == "accept"


@pytest.mark.parametrize("row", EXPECTED, ids=[r["file"] for r in EXPECTED])
def test_regression_in_process(row: dict[str, str]) -> None:
    data = (REGRESSIONS / row["file"]).read_bytes()
    assert judge(data, Limits()) == (row["reason"], None)


def test_one_bad_file_does_not_poison_the_next(corpus: Path) -> None:
    """The AVIF whose libvips error text is not UTF-8 used to break every later file."""
    good_data = (corpus / "big/jolla.jpg").read_bytes()
    bad = (REGRESSIONS / "avif_non_utf8_vips_error.avif").read_bytes()
    assert validate(bad, Limits())[0].reason == "corrupt"
    assert validate(good_data, Limits())[0].verdict == "accept"
    assert judge(good_data, Limits()) == ("accept", None)


def test_regressions_through_the_cli() -> None:
    """The same files through `pressroom validate` (supervised workers): one line each,
    the expected reason, exit 1, never a traceback."""
    r = subprocess.run(
        [sys.executable, "-m", "pressroom", "validate", "--json", str(REGRESSIONS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    got = {Path(o["path"]).name: o["reason"] for o in map(json.loads, r.stdout.splitlines())}
    want = {row["file"]: row["reason"] for row in EXPECTED}
    assert got == {**want, "EXPECTED.tsv": "not_an_image"}


def test_tiny_png_declaring_many_pixels_is_refused_before_any_allocation(
    tmp_path: Path,
) -> None:
    """With 32 MB per file, these used to kill the worker (glib aborts when an allocation
    fails): now the record says why, from the header, not from a dead worker."""
    names = [r["file"] for r in EXPECTED if r["file"].startswith("png_tiny_declares")]
    r = subprocess.run(
        [sys.executable, "-m", "pressroom", "ingest", "--json", "--data", str(tmp_path),
         *(str(REGRESSIONS / n) for n in names)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PRESSROOM_FILE_MEMORY_MB": "32", "PRESSROOM_TAGS": "0"},
    )  # fmt: skip
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    from pressroom.catalogue import open_catalogue
    from pressroom.config import Settings

    records = list(open_catalogue(Settings(data_dir=tmp_path)).list())
    assert len(records) == 3
    for rec in records:
        assert rec.reason == "corrupt" and "cannot hold" in rec.data["detail"], rec.data
