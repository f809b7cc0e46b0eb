"""What gets installed: the hash-locked requirements, `pressroom --version`, the py.typed
marker, and a Lambda image without the files pressroom never loads."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import pressroom
from pressroom.cli import main

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def lock(name: str) -> dict[str, tuple[str, str | None, int]]:
    """{package: (version, marker, number of hashes)} from a uv/pip-compile lock file."""
    pins: dict[str, tuple[str, str | None, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        if m := PIN.match(line):
            current = canonicalize_name(m[1])
            assert current not in pins, f"{name}: {current} pinned twice"
            pins[current] = (m[2], m[3], 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, marker, hashes = pins[current]
            pins[current] = (version, marker, hashes + 1)
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{name}: not a pinned requirement: {line!r}")
    return pins


RUNTIME, DEV = lock("requirements.lock"), lock("requirements-dev.lock")


@pytest.mark.parametrize("name", ["requirements.lock", "requirements-dev.lock"])
def test_locks_pin_every_package_with_hashes(name: str) -> None:
    pins = lock(name)
    assert pins
    assert [p for p, (_, _, hashes) in pins.items() if hashes == 0] == []


def test_locks_agree_and_satisfy_pyproject() -> None:
    for pkg, (version, _, _) in RUNTIME.items():
        assert DEV[pkg][0] == version, f"{pkg}: {version} vs {DEV[pkg][0]} in the dev lock"
    project = PYPROJECT["project"]
    for spec, pins in [(s, RUNTIME) for s in project["dependencies"]] + [
        (s, DEV) for s in project["optional-dependencies"]["dev"]
    ]:
        req = Requirement(spec)
        pin = pins.get(canonicalize_name(req.name))
        assert pin is not None, f"{spec} is in pyproject.toml but not locked: run `make lock`"
        assert req.specifier.contains(pin[0]), f"{spec}: the lock has {pin[0]} (`make lock`)"


def test_the_venv_is_the_dev_lock() -> None:
    """`make test` installed exactly the locked versions (a stale .venv shows here)."""
    env = default_environment()
    wrong = {}
    for pkg, (version, marker, _) in DEV.items():
        if marker and not Requirement(f"x; {marker}").marker.evaluate(env):  # type: ignore[union-attr]
            continue
        installed = importlib.metadata.version(pkg)
        if Version(installed) != Version(version):  # 2.007 is 2.7
            wrong[pkg] = (installed, version)
    assert wrong == {}, "installed != locked; run `make venv` (or `rm .venv/.installed`)"


def test_numpy_has_bitwise_count() -> None:
    import numpy as np

    assert int(np.bitwise_count(np.uint64(0xFF00FF))) == 16


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    expected = importlib.metadata.version("pressroom")
    assert capsys.readouterr().out.strip() == f"pressroom {expected}"
    assert expected == PYPROJECT["project"]["version"]


def test_py_typed_marker_ships() -> None:
    assert (Path(pressroom.__file__).parent / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["pressroom"]


def test_dockerfile_installs_the_runtime_lock_and_prunes() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    locked = r"pip install [^\n]*--require-hashes[\s\S]*-r /tmp/pressroom/requirements\.lock"
    assert re.search(locked, dockerfile)
    assert re.search(r"pip install --no-cache-dir --no-deps [^\n]*/tmp/pressroom\b", dockerfile)
    assert 'prune.sh "${LAMBDA_TASK_ROOT}"' in dockerfile
    ignore = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().splitlines()
    assert {"!requirements.lock", "!deploy/prune.sh"} <= set(ignore)


def test_prune_keeps_the_models_pressroom_loads(tmp_path: Path) -> None:
    import subprocess

    import face_recognition_models as frm

    models = tmp_path / "face_recognition_models" / "models"
    models.mkdir(parents=True)
    shipped = sorted(p.name for p in (Path(frm.__file__).parent / "models").iterdir())
    for name in shipped:
        (models / name).write_bytes(b"x")
    subprocess.run(["sh", str(ROOT / "deploy" / "prune.sh"), str(tmp_path)], check=True)
    kept = sorted(p.name for p in models.iterdir())
    assert "shape_predictor_68_face_landmarks.dat" not in kept
    # What pressroom loads (pressroom/tags/faces/landmarks.py) is still there.
    loaded = [frm.pose_predictor_five_point_model_location(), frm.face_recognition_model_location()]
    assert {Path(p).name for p in loaded} <= set(kept)
    assert kept == [
        "dlib_face_recognition_resnet_model_v1.dat",
        "shape_predictor_5_face_landmarks.dat",
    ]
