"""Ingest end to end on the public corpus: records, masters (upright, sRGB, stripped),
metadata, idempotence, the CLI and Ctrl-C safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import pyvips

from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor, IngestResult
from pressroom.storage import open_store

from .aws_server import moto_endpoint  # noqa: F401  (fixture)
from .conftest import MANIFEST


def _ingestor(data_dir: Path) -> Ingestor:
    settings = Settings(data_dir=data_dir)
    return Ingestor(open_store(settings), open_catalogue(settings), settings)


@pytest.fixture(scope="module")
def ingested(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The whole corpus ingested once into one data folder."""
    data_dir = tmp_path_factory.mktemp("data")
    ing = _ingestor(data_dir)
    results = {row["path"]: ing.ingest_path(corpus / row["path"]) for row in MANIFEST}
    return {"ingestor": ing, "results": results, "data_dir": data_dir}


def _master(ingested: dict, rel: str) -> tuple[bytes, pyvips.Image]:
    ing: Ingestor = ingested["ingestor"]
    key = ingested["results"][rel].master
    data = ing.store.get(key)
    return data, pyvips.Image.new_from_buffer(data, "")


@pytest.mark.parametrize("row", MANIFEST, ids=[r["path"] for r in MANIFEST])
def test_corpus_record_and_master(ingested: dict, row: dict[str, str]) -> None:
    r: IngestResult = ingested["results"][row["path"]]
    rec = ingested["ingestor"].catalogue.get(r.id)
    assert rec is not None and rec.id == r.id
    if row["expected"] == "reject":
        assert (r.verdict, rec.state) == ("reject", "rejected")
        assert rec.reason and rec.message and r.master is None
        return
    assert (r.verdict, rec.state, rec.reason) == ("accept", "uploaded", None)
    data, img = _master(ingested, row["path"])
    assert f"{img.width}x{img.height}" == row["upright_wxh"] == f"{r.width}x{r.height}"
    fields = set(img.get_fields())
    # Upright and stripped: nothing left that could rotate it again or leak metadata.
    assert not fields & {"exif-data", "xmp-data", "iptc-data", "orientation"}
    if "icc-profile-data" in fields:
        from pressroom.ingest.icc import is_srgb

        assert is_srgb(img.get("icc-profile-data"))
    assert img.format == "uchar" and img.bands in (1, 3, 4)
    if rec.data["master_format"] == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and img.hasalpha()
    else:
        assert data[:2] == b"\xff\xd8" and not img.hasalpha()
    proxy = pyvips.Image.new_from_buffer(ingested["ingestor"].store.get(rec.data["proxy"]), "")
    assert max(proxy.width, proxy.height) <= 640
    assert (proxy.width >= proxy.height) == (img.width >= img.height)


def _small(img: pyvips.Image, size: int = 96) -> np.ndarray:
    img = img.thumbnail_image(size, height=size, size="force").colourspace("srgb")
    return img.numpy().astype(np.float32)


@pytest.mark.parametrize("n", [0, 2, 3, 4, 5, 6, 7, 8])
def test_masters_are_upright(ingested: dict, n: int) -> None:
    for shape in ("Landscape", "Portrait"):
        _, ref = _master(ingested, f"orientation/{shape}_1.jpg")
        _, got = _master(ingested, f"orientation/{shape}_{n}.jpg")
        assert np.abs(_small(got) - _small(ref)).mean() < 8


def test_upright_srgb_jpeg_passes_through_losslessly(ingested: dict, corpus: Path) -> None:
    """An upright sRGB JPEG keeps its compressed stream: same pixels, metadata gone."""
    rel = "big/olympus_12mp_42_IndexError.jpg"
    data, img = _master(ingested, rel)
    rec = ingested["ingestor"].catalogue.get(ingested["results"][rel].id)
    assert rec.data["master_passthrough"] is True
    src = pyvips.Image.new_from_file(str(corpus / rel))
    assert (src - img).abs().max() == 0
    assert b"Exif" not in data[:4096] and b"OLYMPUS" not in data


P3_PATCHES = {(60, 180, 60): (0, 182, 28), (200, 60, 40): (219, 41, 23)}  # P3 -> sRGB (lcms)


def _p3_photo(corpus: Path, fmt: str) -> bytes:
    """Two flat patches tagged Display P3 (the profile of a real iPhone MPO)."""
    icc = pyvips.Image.new_from_file(str(corpus / "colour/frame_size.mpo")).get("icc-profile-data")
    arr = np.zeros((64, 128, 3), np.uint8)
    (left, right) = P3_PATCHES
    arr[:, :64], arr[:, 64:] = left, right
    if fmt == "heic":
        import pillow_heif
        from PIL import Image

        out = pillow_heif.from_pillow(Image.fromarray(arr))
        out.info["icc_profile"] = icc
        import io

        buf = io.BytesIO()
        out.save(buf, quality=95, chroma=444)
        return buf.getvalue()
    img = pyvips.Image.new_from_array(arr, interpretation="srgb").copy()
    img.set_type(pyvips.GValue.blob_type, "icc-profile-data", icc)
    return img.jpegsave_buffer(Q=98, subsample_mode="off")


@pytest.mark.parametrize("fmt", ["jpeg", "heic"])
def test_display_p3_is_converted_to_srgb(tmp_path: Path, corpus: Path, fmt: str) -> None:
    ing = _ingestor(tmp_path)
    r = ing.ingest_bytes(_p3_photo(corpus, fmt), f"p3.{fmt}")
    rec = ing.catalogue.get(r.id)
    assert rec.state == "uploaded" and rec.data["icc_profile"] == "Display P3"
    master = pyvips.Image.new_from_buffer(ing.store.get(rec.data["master"]), "").numpy()
    for x, (p3, srgb) in zip((16, 80), P3_PATCHES.items(), strict=True):
        got = master[32, x].astype(int)
        assert np.abs(got - np.array(srgb)).max() <= 4, (fmt, p3, got)
        assert np.abs(got - np.array(p3)).max() > 15  # reading P3 as sRGB would be wrong


def test_heic_display_p3_master(ingested: dict) -> None:
    rec = ingested["ingestor"].catalogue.get(ingested["results"]["big/pug.heic"].id)
    assert rec.data["icc_profile"] == "Display P3"
    assert rec.data["format"] == "HEIF" and rec.data["master_passthrough"] is False
    assert rec.data["camera_make"] == "Apple"
    assert rec.data["captured_at"].startswith("20")


def test_cmyk_becomes_rgb(ingested: dict) -> None:
    _, img = _master(ingested, "colour/pil_sample_cmyk.jpg")
    assert img.bands == 3 and img.interpretation == "srgb"
    assert 40 < img.avg() < 220  # not inverted to black or white


def test_alpha_keeps_png_and_opaque_becomes_jpeg(ingested: dict) -> None:
    cat = ingested["ingestor"].catalogue
    assert (
        cat.get(ingested["results"]["valid/png/transparent.png"].id).data["master_format"] == "png"
    )
    assert cat.get(ingested["results"]["valid/png/basn2c08.png"].id).data["master_format"] == "jpeg"


def test_metadata_recorded(ingested: dict) -> None:
    cat = ingested["ingestor"].catalogue
    olympus = cat.get(ingested["results"]["big/olympus_12mp_42_IndexError.jpg"].id).data
    assert olympus["camera_make"].upper().startswith("OLYMPUS")
    assert olympus["captured_at"][:4].isdigit()
    assert olympus["sha256"] and olympus["bytes"] == 2913134
    gps = cat.get(ingested["results"]["valid/jpeg/gps_progressive.jpg"].id).data
    assert -90 <= gps["gps"]["lat"] <= 90 and -180 <= gps["gps"]["lon"] <= 180


def test_hostile_metadata_is_stripped(ingested: dict) -> None:
    for rel in (
        "hostile/PHP_exif_system.jpg",
        "hostile/payload_in_all_known_metadata.jpg",
        "hostile/xss_comment_exif_metadata_double_quote.png",
    ):
        data, _ = _master(ingested, rel)
        assert b"<?php" not in data and b"<script" not in data.lower(), rel


def test_reingest_is_idempotent(ingested: dict, corpus: Path) -> None:
    ing: Ingestor = ingested["ingestor"]
    keys_before = sorted(ing.store.keys())
    first = ingested["results"]["big/jolla.jpg"]
    again = ing.ingest_path(corpus / "big/jolla.jpg")
    assert (again.id, again.state, again.changed) == (first.id, "uploaded", False)
    bad = ing.ingest_path(corpus / "invalid/truncated_jpeg.jpg")
    assert (bad.state, bad.reason, bad.changed) == ("rejected", "truncated", False)
    assert sorted(ing.store.keys()) == keys_before
    ids = [r.id for r in ing.catalogue.list(limit=10_000)]
    assert len(ids) == len(set(ids))


def test_announced_record_moves_missing_to_uploaded_or_rejected(
    tmp_path: Path, corpus: Path
) -> None:
    ing = _ingestor(tmp_path)
    ing.catalogue.announce("user1-photo1", {"album": "summer"})
    ing.catalogue.announce("user1-photo2")
    assert ing.catalogue.get("user1-photo1").state == "missing"
    ok = ing.ingest_path(corpus / "valid/jpeg/flower.jpg", photo_id="user1-photo1")
    bad = ing.ingest_path(
        corpus / "notimage/word_ole_document_renamed.jpg", photo_id="user1-photo2"
    )
    one, two = ing.catalogue.get("user1-photo1"), ing.catalogue.get("user1-photo2")
    assert (ok.changed, one.state, one.data["album"]) == (True, "uploaded", "summer")
    assert one.data["master"] == "masters/user1-photo1.jpg"
    assert (bad.changed, two.state, two.reason) == (True, "rejected", "not_an_image")
    assert ing.store.exists("masters/user1-photo1.jpg")
    assert not any(k.startswith("masters/user1-photo2") for k in ing.store.keys("masters/"))


def _cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pressroom", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        **kw,
    )


def test_cli_ingest_json_and_exit_codes(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    r = _cli(
        "ingest", "--json", "--data", str(data), str(corpus / "valid/webp"), str(corpus / "hostile")
    )
    assert r.returncode == 1, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 4 + 7
    for row in rows:
        assert {"path", "id", "verdict", "reason", "state"} <= set(row)
    rejected = {Path(o["path"]).name: o["reason"] for o in rows if o["verdict"] == "reject"}
    assert set(rejected) == {"JPG_exploit-55.jpg", "mouseover-xss-ecs.jpeg"}
    assert "Traceback" not in r.stderr
    again = _cli("ingest", "--data", str(data), str(corpus / "valid/webp"))
    assert again.returncode == 0
    assert "already in the catalogue" in again.stdout and "4" in again.stdout
    assert _cli("ingest", "--data", str(data), str(tmp_path / "nope")).returncode == 2


SLOW = [
    "big/Display_P3.heic",
    "big/cat.hif",
    "big/iphone_13_pro_max.HEIC",
    "big/pug.heic",
    "heic/arrow.heic",
    "heic/aux_YCbCr.heic",
    "heic/xiaomi.heic",
    "heic/spatial_photo.heic",
]


def test_ctrl_c_leaves_no_half_written_record(tmp_path: Path, corpus: Path) -> None:
    """SIGINT mid-batch: exit 130, every record whole, then a re-run finishes the rest."""
    src = tmp_path / "in"
    src.mkdir()
    for rel in SLOW:
        shutil.copy(corpus / rel, src / Path(rel).name)
    for i in range(6):  # trailing bytes after EOI make distinct uploads of one photo
        data = (corpus / "big/jolla.jpg").read_bytes() + bytes(i + 1)
        (src / f"jolla{i}.jpg").write_bytes(data)
    total = len(SLOW) + 6
    data_dir = tmp_path / "data"
    env = {**os.environ, "PRESSROOM_WORKERS": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pressroom", "ingest", "--json", "--data", str(data_dir), str(src)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    first = proc.stdout.readline()  # real work is under way
    assert first, proc.stderr.read()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    _assert_consistent(data_dir)
    settings = Settings(data_dir=data_dir)
    assert len(list(open_catalogue(settings).list(limit=1000))) < total
    rerun = _cli("ingest", "--json", "--data", str(data_dir), str(src))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    _assert_consistent(data_dir)
    states = [r.state for r in open_catalogue(settings).list(limit=1000)]
    assert states == ["uploaded"] * total


def _assert_consistent(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir)
    store, cat = open_store(settings), open_catalogue(settings)
    blobs = set(store.keys())
    records = list(cat.list(limit=10_000))
    for rec in records:
        if rec.state == "uploaded":
            assert rec.data["master"] in blobs and rec.data["proxy"] in blobs
    ids = {r.id for r in records}
    # A master without its record can only be a photo caught mid-flight; a rerun adopts it.
    assert all(k.split("/")[1].split(".")[0] in ids for k in blobs if k.startswith("masters/"))
    leftovers = [p for p in (data_dir / "blobs").rglob(".tmp-*")]
    assert not leftovers


def test_s3_backend_on_moto_server(
    moto_endpoint: str,  # noqa: F811
    corpus: Path,
    tmp_path: Path,
) -> None:
    import boto3

    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket="masters")
    settings = Settings(data_dir=tmp_path, storage="s3://masters/photos", s3_endpoint=moto_endpoint)
    ing = Ingestor(open_store(settings), open_catalogue(settings), settings)
    r = ing.ingest_path(corpus / "big/iphone_13_pro_max.HEIC")
    assert r.state == "uploaded"
    obj = boto3.client("s3", endpoint_url=moto_endpoint).get_object(
        Bucket="masters", Key=f"photos/masters/{r.id}.jpg"
    )
    img = pyvips.Image.new_from_buffer(obj["Body"].read(), "")
    assert (img.width, img.height) == (3024, 4032)
    assert obj["ContentType"] == "image/jpeg"
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_cli_infrastructure_fault_is_one_line(tmp_path: Path, corpus: Path) -> None:
    """A data folder that cannot be used: exit 3 and one line, never a traceback."""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    r = _cli("ingest", "--data", str(not_a_folder), str(corpus / "valid/jpeg/flower.jpg"))
    assert r.returncode == 3
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Not a directory" in r.stderr


def test_photo_ids_cannot_name_other_blobs(tmp_path: Path, corpus: Path) -> None:
    ing = _ingestor(tmp_path)
    data = (corpus / "valid/jpeg/flower.jpg").read_bytes()
    for bad in ("../x", "a/b", "", "x" * 65, "a.b"):
        with pytest.raises(ValueError):
            ing.ingest_bytes(data, "flower.jpg", photo_id=bad)
    assert list(ing.store.keys()) == []
