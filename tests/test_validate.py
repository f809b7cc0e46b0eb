"""The validator against the whole public corpus: verdicts, reasons, upright sizes, pixels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pressroom.config import Limits
from pressroom.ingest.pipeline import validate

from .conftest import MANIFEST

# Reason classes: what a rejection in each place must be called.
REASONS = {
    "bombs/16383x16383.png": {"too_many_pixels"},
    "bombs/200MP.heic": {"too_many_pixels"},
    "bombs/giant-image.jpg": {"too_many_pixels"},
    "bombs/png_decompression_dos.png": {"decompression_bomb"},
    "bombs/decompression_bomb.gif": {"unsupported_format"},
    "heic/empty.heic": {"empty"},
    "heic/truncated.heic": {"truncated"},
    "invalid/truncated_jpeg.jpg": {"truncated"},
    "invalid/truncated_image.png": {"truncated"},
    "invalid/truncated_end_chunk.png": {"truncated"},
    "invalid/ultrahdr.jpg": {"truncated"},
    "invalid/xcsn0g01.png": {"corrupt"},
    "invalid/broken_data_stream.png": {"corrupt"},
    "invalid/hopper_bad_exif.jpg": {"corrupt"},
    "notimage/hopper.gif": {"unsupported_format"},
    "notimage/hopper.tif": {"unsupported_format"},
    "notimage/hopper.bmp": {"unsupported_format"},
    "notimage/word_ole_document_renamed.jpg": {"not_an_image"},
    "notimage/having-images_docx_renamed.jpeg": {"not_an_image"},
    "notimage/simple_pdf20_renamed.png": {"not_an_image"},
    "notimage/ghostscript_ps_id.jpg": {"not_an_image"},
}
FOLDER_REASONS = {
    "notimage": {"not_an_image", "unsupported_format"},
    "invalid": {"truncated", "corrupt", "not_an_image", "unsupported_format"},
    "hostile": {"truncated", "corrupt"},
    "heic": {"truncated", "corrupt", "empty"},
}


def _read(path: Path) -> bytes:
    return b"" if path.is_symlink() else path.read_bytes()


@pytest.mark.parametrize("row", MANIFEST, ids=[r["path"] for r in MANIFEST])
def test_corpus_verdict(corpus: Path, row: dict[str, str]) -> None:
    verdict, job = validate(_read(corpus / row["path"]))
    assert verdict.verdict == row["expected"], verdict
    if verdict.verdict == "accept":
        assert f"{verdict.width}x{verdict.height}" == row["upright_wxh"]
        assert verdict.reason is None
        # The proxy comes from the same decode: upright, at most 640 px, same aspect.
        assert job.proxy is not None and max(job.proxy.width, job.proxy.height) <= 640
        assert (job.proxy.width >= job.proxy.height) == (verdict.width >= verdict.height)
        assert job.proxy.interpretation == "srgb" and job.proxy.format == "uchar"
    else:
        allowed = REASONS.get(row["path"]) or FOLDER_REASONS[row["path"].split("/")[0]]
        assert verdict.reason in allowed
        assert verdict.message and "\n" not in verdict.message


def _upright_proxy(path: Path, size: int = 96) -> np.ndarray:
    _, job = validate(path.read_bytes())
    img = job.proxy.thumbnail_image(size, height=size, size="force")
    return np.asarray(img.numpy(), dtype=np.float32)


@pytest.mark.parametrize("shape", ["Landscape", "Portrait"])
@pytest.mark.parametrize("n", range(0, 9))
def test_recurser_orientation_pixels(corpus: Path, shape: str, n: int) -> None:
    """Every EXIF orientation turns into the same upright picture as orientation 1."""
    ref = _upright_proxy(corpus / f"orientation/{shape}_1.jpg")
    got = _upright_proxy(corpus / f"orientation/{shape}_{n}.jpg")
    assert np.abs(got - ref).mean() < 8
    # ...and the check can fail: the same picture flipped is far off.
    assert np.abs(got[::-1] - ref).mean() > 20


@pytest.mark.parametrize("name", ["rot0mir1", "rot1mir0", "rot2mir0", "rot3mir1"])
def test_avif_irot_imir_upright(corpus: Path, name: str) -> None:
    """AVIF transforms give one upright picture (labels in place), whatever the boxes say."""
    ref = _upright_proxy(corpus / "orientation/rot0mir1.avif")
    got = _upright_proxy(corpus / f"orientation/{name}.avif")
    assert np.abs(got - ref).mean() < 8
    assert np.abs(got[:, ::-1] - ref).mean() > 15


def test_square_orientation_transforms_pixels(corpus: Path) -> None:
    """Same size, but orientation 3 must really rotate: compare with orientation 2 undone."""
    rot180 = _upright_proxy(corpus / "orientation/hopper_orientation_3.jpg")
    mirrored = _upright_proxy(corpus / "orientation/hopper_orientation_2.jpg")
    assert np.abs(rot180 - mirrored).mean() < 10  # both are hopper upright


def test_limits_are_configurable(corpus: Path) -> None:
    data = (corpus / "big/olympus_12mp_42_IndexError.jpg").read_bytes()
    assert validate(data)[0].verdict == "accept"
    v, _ = validate(data, Limits(max_pixels=12_000_000))
    assert (v.verdict, v.reason) == ("reject", "too_many_pixels")
    v, _ = validate(data, Limits(max_bytes=1_000_000))
    assert (v.verdict, v.reason) == ("reject", "too_large")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pressroom", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_json_and_exit_codes(corpus: Path) -> None:
    ok = _cli("validate", "--json", str(corpus / "valid/webp"), str(corpus / "heic/arrow.heic"))
    assert ok.returncode == 0, ok.stderr
    lines = [json.loads(line) for line in ok.stdout.splitlines()]
    assert len(lines) == 5
    for obj in lines:
        assert set(obj) >= {"path", "verdict", "reason", "message", "format", "width", "height"}
        assert obj["verdict"] == "accept" and obj["reason"] is None
    arrow = next(o for o in lines if o["path"].endswith("arrow.heic"))
    assert (arrow["format"], arrow["width"], arrow["height"]) == ("HEIF", 3024, 4032)

    bad = _cli("validate", "--json", str(corpus / "notimage/word_ole_document_renamed.jpg"),
               str(corpus / "valid/jpeg/flower.jpg"))
    assert bad.returncode == 1
    by_name = {Path(o["path"]).name: o for o in map(json.loads, bad.stdout.splitlines())}
    assert by_name["word_ole_document_renamed.jpg"]["reason"] == "not_an_image"
    assert by_name["flower.jpg"]["verdict"] == "accept"
    assert "Traceback" not in bad.stderr

    missing = _cli("validate", str(corpus / "no-such-file.jpg"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert _cli("validate").returncode == 2


def test_cli_text_output_one_line_per_file(corpus: Path) -> None:
    r = _cli("validate", "--max-pixels", "1000000", str(corpus / "big/jolla.jpg"))
    assert r.returncode == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith("reject") and "too_many_pixels" in first and "jolla.jpg" in first
