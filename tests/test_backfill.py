"""Backfills: the Step Functions worker (pressroom.aws.backfill) on moto server with the
event shapes a Distributed Map sends, and `pressroom backfill` on the local process pool."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import pyvips

from pressroom.aws import _common, backfill, upload
from pressroom.aws.backfill import BackfillFailed, items_of, photo_from_key
from pressroom.ingest.backfill import MASTER_FIELDS
from pressroom.tags.pipeline import VERSION
from tests.aws_lambda import LambdaContext, Stack, drain, make_stack
from tests.aws_server import moto_endpoint  # noqa: F401

PHOTOS = {  # photo id -> corpus file
    "rot6": "orientation/Landscape_6.jpg",  # EXIF 6: master transposed, upright 1800x1200
    "obama": "people/obama_portrait.jpg",  # one face
    "alpha": "valid/png/basn6a08.png",  # PNG master (real transparency)
}


def listing_items(stack: Stack, bucket: str, prefix: str) -> list[dict[str, Any]]:
    """The items Step Functions' ItemReader (s3:listObjectsV2) hands the Map: the listing's
    Contents with Etag (so spelt), Key, LastModified (epoch seconds), Size, StorageClass."""
    listed = stack.s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return [
        {
            "Etag": o["ETag"],
            "Key": o["Key"],
            "LastModified": int(o["LastModified"].timestamp()),
            "Size": o["Size"],
            "StorageClass": o.get("StorageClass", "STANDARD"),
        }
        for o in listed
    ]


def batch(mode: str, bucket: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """What an ItemBatcher with BatchInput {mode, bucket} invokes the worker with."""
    return {"BatchInput": {"mode": mode, "bucket": bucket}, "Items": items}


@pytest.fixture
def stack(moto_endpoint: str, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Stack:  # noqa: F811
    """The deployed shape on moto: three photos uploaded through the upload handler, one
    upload that is no image (rejected), one photo announced and never uploaded."""
    s = make_stack(moto_endpoint)
    for name, value in s.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PRESSROOM_FACE_EMBEDDINGS", "0")  # boxes are enough here, and faster
    _common.reset()
    for pid, rel in PHOTOS.items():
        ext = rel.rsplit(".", 1)[1]
        s.s3.put_object(Bucket=s.uploads, Key=f"uploads/u1/{pid}.{ext}",
                        Body=(corpus / rel).read_bytes())  # fmt: skip
    s.s3.put_object(Bucket=s.uploads, Key="uploads/u1/notes.jpg", Body=b"%PDF-1.4 not a photo")
    _common.container().catalogue.announce("later")
    drain(s.sqs, s.upload_queue, upload.handler)
    states = {pid: _common.container().catalogue.get(pid).state for pid in [*PHOTOS, "notes"]}
    assert states == {"rot6": "uploaded", "obama": "uploaded", "alpha": "uploaded",
                      "notes": "rejected"}  # fmt: skip
    yield s
    _common.reset()


def test_keys_name_photos() -> None:
    assert photo_from_key("proxies/obama.jpg") == ("obama", "proxy")
    assert photo_from_key("tenant/masters/alpha.png") == ("alpha", "master")
    assert photo_from_key("uploads/u1/rot6.jpg") == ("rot6", "original")
    assert photo_from_key("uploads/rot6") == ("rot6", "original")
    for other in ("renders/obama/abc.webp", "masters/", "backfills/x/manifest.json",
                  "proxies/bad.name.jpg"):  # fmt: skip
        assert photo_from_key(other) is None
    one = {"Key": "proxies/a.jpg", "Size": 3, "mode": "retag", "bucket": "b"}
    assert items_of(one) == ("retag", "b", [one])  # ItemSelector instead of a batcher
    with pytest.raises(ValueError, match="mode"):
        items_of({"BatchInput": {"mode": "rebuild", "bucket": "b"}, "Items": []})


def test_retag_batch_from_the_proxies_listing(stack: Stack) -> None:
    catalogue = _common.container().catalogue
    before = {pid: catalogue.get(pid) for pid in PHOTOS}
    assert len(before["obama"].data["tags"]["faces"]) == 1
    for pid in PHOTOS:  # tags of an older model
        catalogue.update_data(pid, {"tags": {"tags_version": 0, "faces": []}})
    items = listing_items(stack, stack.media, "proxies/")
    assert sorted(i["Key"] for i in items) == sorted(f"proxies/{p}.jpg" for p in PHOTOS)

    out = backfill.handler(batch("retag", stack.media, items), LambdaContext())
    assert out["items"] == 3 and out["outcomes"] == {"retagged": 3} and out["changed"] == 3
    json.dumps(out)  # the Map's result: JSON, small
    for pid in PHOTOS:
        after = catalogue.get(pid)
        assert after.state == "uploaded"  # a backfill is no transition
        assert after.data["tags"]["tags_version"] == VERSION
        # Everything but the tags is as the upload left it.
        assert {k: v for k, v in after.data.items() if k != "tags"} == {
            k: v for k, v in before[pid].data.items() if k != "tags"
        }
    (face,) = catalogue.get("obama").data["tags"]["faces"]
    (was,) = before["obama"].data["tags"]["faces"]
    # The same face, found on the stored proxy instead of ingest's in-memory one.
    assert all(abs(a - b) <= 0.02 * before["obama"].data["width"]
               for a, b in zip(face["box"], was["box"], strict=True))  # fmt: skip
    # Step Functions retries a batch: the second run finds nothing to change.
    again = backfill.handler(batch("retag", stack.media, items), LambdaContext())
    assert again["outcomes"] == {"retagged": 3} and again["changed"] == 0


def test_remaster_from_originals_restores_masters_and_keeps_states(stack: Stack) -> None:
    c = _common.container()
    made = {pid: c.catalogue.get(pid).data for pid in PHOTOS}
    masters = {pid: c.store.get(made[pid]["master"]) for pid in PHOTOS}
    # Damage: the masters gone (as if written by an older rule), the records stale.
    for pid in PHOTOS:
        c.store.delete(made[pid]["master"])
        c.catalogue.update_data(pid, {"master_sha256": "0" * 64, "master_bytes": 1})
    items = listing_items(stack, stack.uploads, "uploads/")
    assert len(items) == 4  # three photos and the rejected upload

    out = backfill.handler(batch("remaster", stack.uploads, items), LambdaContext())
    assert out["outcomes"] == {"remastered": 3, "skipped": 1}
    by_id = {r["id"]: r for r in out["results"]}
    assert by_id["notes"]["reason"] == "state_rejected"  # final records stay final
    assert all(by_id[p]["source"] == "original" and by_id[p]["changed"] for p in PHOTOS)
    for pid in PHOTOS:
        rec = c.catalogue.get(pid)
        assert rec.state == "uploaded"
        # Byte for byte the master the upload made, and the record as the upload left it.
        assert c.store.get(rec.data["master"]) == masters[pid]
        assert {k: v for k, v in rec.data.items() if k != "tags"} == {
            k: v for k, v in made[pid].items() if k != "tags"
        }
    rot6 = pyvips.Image.new_from_buffer(masters["rot6"], "")
    assert (rot6.width, rot6.height) == (1800, 1200)
    assert c.catalogue.get("notes").state == "rejected"
    assert c.catalogue.get("later").state == "missing"
    # A retry of the batch: nothing changes.
    again = backfill.handler(batch("remaster", stack.uploads, items), LambdaContext())
    assert again["changed"] == 0


def test_remaster_from_masters_keeps_the_metadata(stack: Stack) -> None:
    c = _common.container()
    made = {pid: c.catalogue.get(pid).data for pid in PHOTOS}
    c.catalogue.update_data("alpha", {"master_passthrough": "stale", "proxy_width": 1})
    items = listing_items(stack, stack.media, "masters/")
    out = backfill.handler(batch("remaster", stack.media, items), LambdaContext())
    by_id = {r["id"]: r for r in out["results"]}
    assert {r["source"] for r in out["results"]} == {"master"}
    assert by_id["alpha"]["changed"] is True
    # An upright sRGB JPEG master is kept byte for byte: its record does not move. (rot6's
    # record does: its proxy is re-made on ingest's passthrough path, from a 1/4-scale DCT
    # decode, where the upload's EXIF-rotated path had resized to 640 px.)
    assert by_id["obama"]["changed"] is False
    for pid in PHOTOS:
        rec = c.catalogue.get(pid)
        assert rec.state == "uploaded"
        # Metadata read from the original (format, capture time, camera...) is kept: the
        # stripped master has none of it.
        for key, value in made[pid].items():
            if key not in (*MASTER_FIELDS, "tags"):
                assert rec.data[key] == value, (pid, key)
        same = ("master", "master_format", "master_sha256", "master_bytes")
        assert {k: rec.data[k] for k in same} == {k: made[pid][k] for k in same}
    assert made["rot6"]["format"] == "JPEG" and made["alpha"]["master_format"] == "png"


def test_a_failed_photo_fails_the_batch_after_the_rest(stack: Stack) -> None:
    c = _common.container()
    c.store.delete(c.catalogue.get("obama").data["proxy"])  # damaged: its proxy is gone
    c.catalogue.update_data("rot6", {"tags": {}})
    items = [
        *listing_items(stack, stack.media, "proxies/"),
        {"Etag": '"x"', "Key": "proxies/obama.jpg", "Size": 1, "LastModified": 0},
        {"Etag": '"y"', "Key": "renders/rot6/abc.webp", "Size": 1, "LastModified": 0},
        {"Etag": '"z"', "Key": "proxies/nobody.jpg", "Size": 1, "LastModified": 0},
    ]
    with pytest.raises(BackfillFailed, match="proxies/obama.jpg"):
        backfill.handler(batch("retag", stack.media, items), LambdaContext())
    # The photos before and after the failure were done.
    assert c.catalogue.get("rot6").data["tags"]["tags_version"] == VERSION


def test_a_replaced_original_is_not_used(stack: Stack, corpus: Path) -> None:
    c = _common.container()
    other = (corpus / "people/obama_standing.jpg").read_bytes()
    stack.s3.put_object(Bucket=stack.uploads, Key="uploads/u1/obama.jpg", Body=other)
    item = next(i for i in listing_items(stack, stack.uploads, "uploads/u1/obama"))
    before = c.catalogue.get("obama").data
    out = backfill.handler(batch("remaster", stack.uploads, [item]), LambdaContext())
    (r,) = out["results"]
    assert (r["outcome"], r["reason"]) == ("skipped", "source_changed")
    assert c.catalogue.get("obama").data == before


# ---- pressroom backfill (local: folder store, SQLite, process pool) -----------------------


def _cli(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PRESSROOM_FACE_EMBEDDINGS": "0", "HOME": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "pressroom.cli", *args, "--data", str(data)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


def test_cli_backfill_retag_and_remaster(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "data"
    files = [str(corpus / rel) for rel in PHOTOS.values()]
    ingest = _cli("ingest", *files, "--json", data=data)
    assert ingest.returncode == 0, ingest.stderr
    ids = [json.loads(line)["id"] for line in ingest.stdout.splitlines()]

    from pressroom.catalogue import open_catalogue
    from pressroom.config import Settings

    catalogue = open_catalogue(Settings(data_dir=data))
    catalogue.update_data(ids[1], {"tags": {"tags_version": 0}})
    catalogue.announce("later")
    retag = _cli("backfill", "--mode", "retag", "--json", "--workers", "2", data=data)
    assert retag.returncode == 0, retag.stderr
    rows = [json.loads(line) for line in retag.stdout.splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(ids)  # uploaded records only
    assert {r["outcome"] for r in rows} == {"retagged"}
    assert catalogue.get(ids[1]).data["tags"]["tags_version"] == VERSION
    assert catalogue.get("later").state == "missing"
    # Tags from the stored proxy (a q90 JPEG) may differ in their last digits from ingest's
    # in-memory proxy, so the first retag may touch every record; a second one none.
    assert ids[1] in [r["id"] for r in rows if r["changed"]]
    again = _cli("backfill", "--json", data=data)
    assert [json.loads(line)["changed"] for line in again.stdout.splitlines()] == [False] * 3

    for _ in range(2):  # the second run finds every record as the first left it
        remaster = _cli("backfill", "--mode", "remaster", data=data)
        assert remaster.returncode == 0, remaster.stderr
        assert "3 photos: 3 remastered" in remaster.stdout
    assert "3 photos: 3 remastered; 0 records changed" in remaster.stdout
    assert "Traceback" not in remaster.stderr

    bad = _cli("backfill", "--mode", "rebuild", data=data)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    empty = _cli("backfill", data=tmp_path / "none")
    assert empty.returncode == 2 and "no catalogue" in empty.stderr
