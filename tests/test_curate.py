"""Curation on real photos and their generated variants: near-duplicates, bursts, people,
events, picks; the curate CLI on files and on ingested photo ids."""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from pressroom.catalogue.sqlite import SqliteCatalogue
from pressroom.config import Settings
from pressroom.curate import CurateOptions, curate, hamming
from pressroom.curate import item as curate_item
from pressroom.ingest.service import Ingestor
from pressroom.photos import PhotoFacts
from pressroom.storage.local import LocalStore
from pressroom.tags import TagConfig, make_tagger
from tests.tags_eval import item, tag_file, upright
from tests.tags_samples import (
    ASTRONAUT,
    DISTINCT_PHOTOS,
    blurred,
    jpeg_bytes,
    variants,
)

NO_FACES = TagConfig(face_detector="none")
COPIES = ("reencode_q60", "resize_50", "crop_5", "brighter_15")


@pytest.fixture(scope="module")
def collection(corpus: Path) -> tuple[list[PhotoFacts], dict[str, str]]:
    """Every distinct corpus photo, its four copies and a blurred copy: 240 photos."""
    items, source = [], {}
    for rel in DISTINCT_PHOTOS:
        data = (corpus / rel).read_bytes()
        items.append(item(rel, data, NO_FACES))
        source[rel] = rel
        im = upright(corpus / rel)
        for name, copy in variants(im).items():
            if name in COPIES:
                items.append(item(f"{rel}:{name}", copy, NO_FACES))
                source[f"{rel}:{name}"] = rel
        items.append(item(f"{rel}:blurred", blurred(im), NO_FACES))
        source[f"{rel}:blurred"] = rel
    return items, source


def test_copies_group_with_their_original_and_distinct_photos_do_not(
    collection: tuple[list[PhotoFacts], dict[str, str]],
) -> None:
    items, source = collection
    c = curate(items)
    grouped = {k: i for i, g in enumerate(c.duplicates) for k in g}
    # Pair-level precision and recall over all 240 x 239 / 2 pairs (README figures).
    tp = fp = fn = 0
    for a, b in itertools.combinations(source, 2):
        same = source[a] == source[b]
        together = a in grouped and grouped.get(a) == grouped.get(b)
        tp, fp, fn = (
            tp + (same and together),
            fp + (together and not same),
            fn + (same and not together),
        )
    assert fp == 0 and fn == 0, (fp, fn)
    assert tp == len(DISTINCT_PHOTOS) * 15  # 6 members per photo: 15 pairs each
    assert len(c.duplicates) == len(DISTINCT_PHOTOS)
    for group in c.duplicates:
        original = next(k for k in group if source[k] == k)
        soft = next(k for k in group if k.endswith(":blurred"))
        assert group.index(soft) > group.index(original), group  # the better one first
    assert len(c.picks) == len(DISTINCT_PHOTOS)
    assert all(not p.endswith(":blurred") for p in c.picks)


def test_pairwise_distances_justify_the_threshold(
    collection: tuple[list[PhotoFacts], dict[str, str]],
) -> None:
    """The measured gap: copies <= 12 <= the threshold < 18 <= distinct photos."""
    items, source = collection
    phash = {it.id: it.tags["phash"] for it in items}
    copies = [hamming(phash[k], phash[source[k]]) for k in phash if k != source[k]]
    distinct = [hamming(phash[a], phash[b]) for a, b in itertools.combinations(DISTINCT_PHOTOS, 2)]
    near = CurateOptions().near
    assert max(copies) <= near < min(distinct), (max(copies), min(distinct))


def test_bursts_group_within_a_short_time(corpus: Path) -> None:
    """A 6% camera move between two frames: grouped when shot seconds apart, not when hours."""
    grouped_close = grouped_far = 0
    for rel in DISTINCT_PHOTOS[:10]:
        im = upright(corpus / rel)
        w, h = im.size
        moved = ImageOps.fit(im.crop((round(0.06 * w), 0, w, h)), (w, h))
        a = item("a", jpeg_bytes(im), NO_FACES, captured_at="2024-05-01T10:00:00")
        for when, count in (("2024-05-01T10:00:02", "close"), ("2024-05-01T14:00:00", "far")):
            b = item("b", jpeg_bytes(moved), NO_FACES, captured_at=when)
            together = bool(curate([a, b]).duplicates)
            if hamming(a.tags["phash"], b.tags["phash"]) > CurateOptions().near:
                assert count == "close" or not together
            grouped_close += together and count == "close"
            grouped_far += together and count == "far"
    assert grouped_close >= 8 and grouped_far < grouped_close, (grouped_close, grouped_far)


def test_unrelated_photos_a_second_apart_stay_apart(corpus: Path) -> None:
    a, b = (tag_file(corpus / rel)[0] for rel in ("big/jolla.jpg", "big/iphone_hdr_NO.jpg"))
    items = [
        curate_item("jolla", a, captured_at="2024-05-01T10:00:00"),
        curate_item("hdr", b, captured_at="2024-05-01T10:00:01"),
    ]
    assert curate(items).duplicates == []


def test_people_clustering_puts_the_same_face_together(corpus: Path) -> None:
    """people/: 3 photos of each of two men (PEOPLE.tsv); the astronaut is a third person."""
    names = ["obama_portrait", "obama_standing", "obama_biden", "biden_portrait", "biden_standing"]
    items = [
        PhotoFacts.from_data(n, {"tags": tag_file(corpus / f"people/{n}.jpg")[0]}) for n in names
    ]
    items.append(PhotoFacts.from_data("astronaut", {"tags": tag_file(ASTRONAUT)[0]}))
    # In the two-person photo Obama is on the left (PEOPLE.tsv): find his face index by x.
    faces = items[2].tags["faces"]
    left = min(range(2), key=lambda i: faces[i]["box"][0])
    truth = {
        "obama": {("obama_portrait", 0), ("obama_standing", 0), ("obama_biden", left)},
        "biden": {("biden_portrait", 0), ("biden_standing", 0), ("obama_biden", 1 - left)},
        "astronaut": {("astronaut", 0)},
    }
    got = sorted((set(g) for g in curate(items).people), key=len, reverse=True)
    assert sorted(got, key=sorted) == sorted(truth.values(), key=sorted)


def test_events_split_at_time_gaps_and_gps_jumps() -> None:
    paris, versailles, lyon = (
        {"lat": 48.8566, "lon": 2.3522},
        {"lat": 48.8049, "lon": 2.1204},  # 18 km away
        {"lat": 45.7640, "lon": 4.8357},  # 390 km away
    )
    items = [
        curate_item("p1", {}, "2024-07-01T09:00:00+02:00", paris),
        curate_item("p3", {}, "2024-07-01T11:30:00+02:00", versailles),
        curate_item("p2", {}, "2024-07-01T10:00:00+02:00", None),  # no GPS: joins its neighbours
        curate_item("l1", {}, "2024-07-01T12:00:00+02:00", lyon),  # 30 min later, 390 km away
        curate_item("l2", {}, "2024-07-01T12:10:00+02:00", lyon),
        curate_item("n1", {}, "2024-07-02T09:00:00+02:00", lyon),  # next morning
        curate_item("u1", {}, None, None),
    ]
    assert curate(items).events == [["p1", "p2", "p3"], ["l1", "l2"], ["n1"], ["u1"]]


def test_picks_rank_printable_best_first() -> None:
    def tags(phash: str, quality: float, ok: bool = True) -> dict:
        return {"phash": phash, "quality": quality, "printable": {"ok": ok, "reasons": []}}

    items = [
        curate_item("dup_soft", tags("ffff0000ffff0000", 0.4)),
        curate_item("dup_sharp", tags("ffff0000ffff0001", 0.9)),
        curate_item("alone", tags("0f0f0f0f0f0f0f0f", 0.7)),
        curate_item("shot", tags("123456789abcdef0", 0.95, ok=False)),
    ]
    c = curate(items)
    assert c.duplicates == [["dup_sharp", "dup_soft"]]
    assert c.picks == ["dup_sharp", "alone", "shot"]


# --- CLI -----------------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pressroom", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PRESSROOM_WORKERS": "2"},
    )


def test_cli_curate_folder_json(tmp_path: Path, corpus: Path) -> None:
    src = tmp_path / "roll"
    src.mkdir()
    for rel in ("big/jolla.jpg", "people/obama_portrait.jpg", "people/obama_standing.jpg"):
        shutil.copy(corpus / rel, src / Path(rel).name)
    im = Image.open(corpus / "big/jolla.jpg")
    small = io.BytesIO()
    im.resize((im.width // 3, im.height // 3)).save(small, "JPEG", quality=70)
    (src / "jolla_copy.jpg").write_bytes(small.getvalue())
    (src / "notes.txt").write_text("not a photo")
    r = _cli("curate", "--json", str(src))
    assert r.returncode == 1, r.stderr  # notes.txt is rejected, the rest is curated
    out = json.loads(r.stdout)
    assert out["duplicates"] == [[str(src / "jolla.jpg"), str(src / "jolla_copy.jpg")]]
    assert out["people"] == [
        [[str(src / "obama_portrait.jpg"), 0], [str(src / "obama_standing.jpg"), 0]]
    ]
    assert sorted(out["picks"]) == sorted(
        str(src / n) for n in ("jolla.jpg", "obama_portrait.jpg", "obama_standing.jpg")
    )
    assert sum(len(e) for e in out["events"]) == 4
    assert out["rejected"] == [
        {
            "path": str(src / "notes.txt"),
            "reason": "not_an_image",
            "message": out["rejected"][0]["message"],
        }
    ]


def test_cli_curate_ingested_ids(tmp_path: Path, corpus: Path) -> None:
    """Ids read their tags from the catalogue; a photo ingested without tags is tagged from
    its stored proxy; an unknown id is reported, not fatal."""
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(data_dir=data)
    store, catalogue = LocalStore(data / "blobs"), SqliteCatalogue(data / "catalogue.sqlite3")
    tagged = Ingestor(store, catalogue, settings, make_tagger())
    plain = Ingestor(store, catalogue, settings)
    a = tagged.ingest_path(corpus / "people/biden_portrait.jpg").id
    b = plain.ingest_path(corpus / "people/biden_standing.jpg").id
    assert "tags" in catalogue.get(a).data and "tags" not in catalogue.get(b).data
    r = _cli("curate", "--json", "--data", str(data), a, b, "0" * 24)
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["people"] == [[[a, 0], [b, 0]]]
    assert out["rejected"][0]["path"] == "0" * 24 and out["rejected"][0]["reason"] == "not_found"


def test_cli_curate_reads_ids_set_with_ingest_id(tmp_path: Path, corpus: Path) -> None:
    """An id given with `ingest --id` (any valid id, not only a content-derived one) is read
    from the catalogue like any other."""
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(data_dir=data)
    store, catalogue = LocalStore(data / "blobs"), SqliteCatalogue(data / "catalogue.sqlite3")
    tagged = Ingestor(store, catalogue, settings, make_tagger())
    a = tagged.ingest_path(corpus / "people/biden_portrait.jpg", photo_id="biden-1").id
    b = tagged.ingest_path(corpus / "people/biden_standing.jpg", photo_id="Biden_2").id
    assert (a, b) == ("biden-1", "Biden_2")
    r = _cli("curate", "--json", "--data", str(data), a, b)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["rejected"] == []
    assert out["people"] == [[[a, 0], [b, 0]]]


def test_pairwise_distances_are_hamming_distances() -> None:
    """np.bitwise_count over the XOR matrix equals the bit count of each pair."""
    import numpy as np

    from pressroom.curate.duplicates import _distances, hamming

    h = np.random.default_rng(7).integers(0, 2**63, size=40, dtype=np.uint64)
    h[3] = h[5]  # one exact duplicate: distance 0
    d = _distances(h)
    hexes = [format(int(v), "016x") for v in h]
    assert d.shape == (40, 40) and d[3, 5] == 0
    assert all(d[i, j] == hamming(hexes[i], hexes[j]) for i in range(40) for j in range(40))
