"""demo/photos/: real CC BY photos vendored for the demo (made by demo/make_photos.py from
../shared/demo-photos/). Every file is credited, the folder stays within 40 MB, capture time
and orientation survive, and each photo is still big enough to print."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT / "demo" / "photos"
SOURCE = ROOT.parent / "shared" / "demo-photos"
BUDGET = 40_000_000
PRINT_LONG_SIDE = 2400  # ~2480 px fill a 21 cm page at 300 ppi


def credits() -> dict[str, dict[str, str]]:
    rows = {}
    lines = (PHOTOS / "CREDITS.md").read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| file |"))
    names = [c.strip() for c in lines[header].strip("|").split("|")]
    for line in lines[header + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")]
        row = dict(zip(names, cells, strict=True))
        rows[row["file"].strip("`")] = row
    return rows


def files() -> list[Path]:
    return sorted(p for p in PHOTOS.iterdir() if p.name != "CREDITS.md")


def facts(path: Path) -> tuple[tuple[int, int], str | None, int | None]:
    """(stored size, EXIF DateTimeOriginal, EXIF orientation)."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    with Image.open(path) as im:
        exif = im.getexif()
        return im.size, exif.get_ifd(0x8769).get(0x9003), exif.get(0x0112)


def source_manifest() -> dict[str, dict[str, str]]:
    with (SOURCE / "MANIFEST.tsv").open(newline="") as f:
        return {row["file"]: row for row in csv.DictReader(f, delimiter="\t")}


def test_every_file_is_credited() -> None:
    rows = credits()
    assert sorted(rows) == [p.name for p in files()]
    for name, row in rows.items():
        assert row["author"] and row["source path"].startswith("`tests/"), name
        assert row["licence"].startswith("CC BY 2.0"), name
        assert row["changes"], name


def test_folder_within_budget() -> None:
    total = sum(p.stat().st_size for p in PHOTOS.iterdir())
    assert total <= BUDGET, f"demo/photos is {total / 1e6:.1f} MB"


def test_capture_time_kept() -> None:
    rows = credits()
    for path in files():
        captured = rows[path.name]["captured"]
        _, taken, _ = facts(path)
        assert taken == (None if captured == "-" else captured), path.name


def test_demo_has_what_curation_needs() -> None:
    """People in several photos, near-duplicates, the edit and the screenshot are all there."""
    names = {p.name for p in files()}
    assert {"Pumkins1.jpg", "Pumkins2.jpg", "Pumpkins3.jpg", "Pumpkins4.jpg"} <= names
    assert {"wedding.jpg", "48349797706_66AB5DAAFB_O.JPG"} <= names
    assert {"IMG_1994.JPG", "IMG_1994_edited.jpeg"} <= names
    assert "E2078879-A29C-4D6F-BACB-E3BBE6C3EB91.jpeg" in names  # the screenshot
    assert any(n.lower().endswith(".heic") for n in names)


def test_against_the_source() -> None:
    """Same capture time and orientation as the original, and printable where it was."""
    if not (SOURCE / "MANIFEST.tsv").exists():
        pytest.fail(f"{SOURCE} is missing: it sits beside the corpus in ../shared")
    manifest = source_manifest()
    assert sorted(manifest) == [p.name for p in files()]
    for path in files():
        size, taken, orientation = facts(path)
        src_size, src_taken, src_orientation = facts(SOURCE / path.name)
        assert (taken, orientation) == (src_taken, src_orientation), path.name
        assert (taken or "") == manifest[path.name]["captured"], path.name
        assert max(size) >= min(PRINT_LONG_SIDE, max(src_size)), path.name
        # Same aspect ratio and the same way up as stored.
        assert (size[0] >= size[1]) == (src_size[0] >= src_size[1]), path.name
        assert abs(size[0] / size[1] - src_size[0] / src_size[1]) < 0.01, path.name


def test_pressroom_accepts_every_demo_photo() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pressroom.cli", "validate", *map(str, files()), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    results = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    verdicts = {Path(r["path"]).name: r["verdict"] for r in results}
    assert verdicts == dict.fromkeys((p.name for p in files()), "accept"), out.stderr
