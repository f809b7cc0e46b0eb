"""`pressroom doctor`: every native part found here (make test installs them all), and a
missing part named with what is lost and how to install it, exit 1. deploy/Dockerfile runs it,
so a Lambda image without libturbojpeg or a C kernel fails its build instead of re-encoding
rotated JPEGs in production. Where a quiet fallback is taken anyway (a laptop without the
library), it is said once, as a warning, never silently."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pressroom import jpegtran
from pressroom.ingest.context import IngestContext
from pressroom.ingest.pipeline import NORMALISE, run
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[1]
PARTS = [
    "libvips", "libmagic", "libturbojpeg", "libheif",
    "C kernel _p3", "C kernel _rotate", "C kernel _blocks", "faces", "fonts",
]  # fmt: skip

# Runs the CLI with one module made unimportable, as on a machine that lacks it.
_HIDING = """
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise ImportError("hidden by the test")
sys.meta_path.insert(0, Hide())
from pressroom.cli import main
sys.exit(main({argv!r}))
"""


def doctor(*args: str, env: dict[str, str] | None = None, hide: str | None = None):
    if hide is None:
        return _pressroom("doctor", *args, env=env)
    argv = ["doctor", *args]
    return _run([sys.executable, "-c", _HIDING.format(module=hide, argv=argv)], env)


def test_every_part_is_found_here() -> None:
    proc = doctor("--json")
    report = json.loads(proc.stdout)
    parts = report["parts"]
    missing = {p["name"]: f"{p['found']}; to install: {p['fix']}" for p in parts if not p["ok"]}
    assert not missing, f"this machine lacks native parts the tests need: {missing}"
    assert proc.returncode == 0 and report["ok"] is True
    assert [p["name"] for p in report["parts"]] == PARTS
    found = {p["name"]: p["found"] for p in report["parts"]}
    assert "avif" in found["libvips"] and found["libturbojpeg"].endswith("libturbojpeg.so.0")
    assert found["C kernel _blocks"].startswith("_blocks.") and "cjk" in found["fonts"]


def test_a_missing_library_is_named_with_its_fix() -> None:
    proc = doctor(env={"PRESSROOM_TURBOJPEG": "/nonexistent/libturbojpeg.so.0"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    bad = [ln for ln in lines if ln.startswith("MISSING")]
    assert len(bad) == 1 and "libturbojpeg" in bad[0] and "/nonexistent/" in bad[0]
    text = proc.stdout
    assert "re-encoded (lossy" in text and "dnf install turbojpeg" in text
    assert lines[-1] == "1 missing: libturbojpeg"
    assert sum(ln.startswith("ok ") for ln in lines) == len(PARTS) - 1
    assert proc.stderr == ""  # no traceback


@pytest.mark.parametrize(
    ("module", "part"),
    [("pressroom.ingest._blocks", "C kernel _blocks"), ("pressroom._rotate", "C kernel _rotate")],
)
def test_a_kernel_built_without_a_compiler_is_missing(module: str, part: str) -> None:
    proc = doctor("--json", hide=module)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    state = {p["name"]: p for p in report["parts"]}
    assert report["ok"] is False and not state[part]["ok"]
    assert "hidden by the test" in state[part]["found"]
    assert "gcc" in state[part]["fix"]
    assert all(p["ok"] for name, p in state.items() if name != part)


def test_without_the_rotate_kernel_tjtransform_turns_it_the_same(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.test_jpegtran import with_orientation

    camera = (CORPUS / "big/olympus_12mp_42_IndexError.jpg").read_bytes()
    data = with_orientation(camera, 8)  # a transposing move, as a portrait shot's
    want = run(NORMALISE, IngestContext(data=data)).master
    monkeypatch.setattr(jpegtran, "_rotate", None)
    with caplog.at_level(logging.WARNING, logger="pressroom.capabilities"):
        jobs = [run(NORMALISE, IngestContext(data=data)) for _ in range(2)]
    assert all(j.passthrough and j.master == want for j in jobs)  # lossless, the same bytes
    said = [r.getMessage() for r in caplog.records if r.name == "pressroom.capabilities"]
    assert len(said) == 1 and said[0].startswith("pressroom: C kernel _rotate is missing, so")


def test_the_lambda_image_installs_libturbojpeg_and_runs_the_doctor() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    installs = [ln for ln in dockerfile.splitlines() if ln.startswith("RUN dnf install")]
    assert any("turbojpeg" in ln.split() and "file-libs" in ln.split() for ln in installs)
    last_run = [ln for ln in dockerfile.splitlines() if ln.startswith("RUN ")][-1]
    assert last_run == 'RUN PYTHONPATH="${LAMBDA_TASK_ROOT}" python -m pressroom doctor'


LOSSY = "pressroom: libturbojpeg is missing, so masters encode through libvips, print pictures"


def test_a_quiet_fallback_is_said_once_for_all_workers(tmp_path: Path) -> None:
    rotated = [str(CORPUS / f"orientation/Landscape_{o}.jpg") for o in (6, 8, 3)]
    missing = {"PRESSROOM_TURBOJPEG": "/nonexistent/libturbojpeg.so.0"}
    args = ("ingest", "-q", "--workers", "2", "--data")
    proc = _pressroom(*args, str(tmp_path / "a"), *rotated, env=missing)
    assert proc.returncode == 0, proc.stderr
    assert [ln.split()[0] for ln in proc.stdout.splitlines()] == ["uploaded"] * 3
    said = proc.stderr.splitlines()
    assert len(said) == 1 and said[0].startswith(LOSSY), proc.stderr
    assert said[0].endswith("(`pressroom doctor` says how to install it)")
    # With the library nothing is said.
    proc = _pressroom(*args, str(tmp_path / "b"), *rotated)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr


def test_the_core_says_the_lossy_fallback_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(jpegtran, "available", lambda: False)
    data = (CORPUS / "orientation/Landscape_6.jpg").read_bytes()
    with caplog.at_level(logging.WARNING, logger="pressroom.capabilities"):
        jobs = [run(NORMALISE, IngestContext(data=data)) for _ in range(2)]
    said = [r.getMessage() for r in caplog.records if r.name == "pressroom.capabilities"]
    assert len(said) == 1 and said[0].startswith(LOSSY)
    assert not any(j.passthrough for j in jobs)  # decoded and re-encoded, as it said
    assert (jobs[0].image.width, jobs[0].image.height) == (1800, 1200)  # upright all the same


def _pressroom(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "pressroom", *args], env)


def _run(cmd: list[str], env: dict[str, str] | None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_")}
    full.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=full, cwd=ROOT)
