"""Per-photo tags on real photos: faces (labelled by looking), blur, screenshots, hashes.

Figures these tests measure are the ones in the README (precision/recall, distances)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pressroom.catalogue.sqlite import SqliteCatalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.storage.local import LocalStore
from pressroom.tags import TagConfig, make_tagger
from pressroom.tags.steps.screenshot import SCREEN_SIZES
from tests.tags_eval import YUNET, iou, tag_bytes, tag_file, upright
from tests.tags_samples import (
    ASTRONAUT,
    DISTINCT_PHOTOS,
    FACES,
    SCREENS,
    SKIMAGE_DATA,
    UNCOUNTED,
    blurred,
    jpeg_bytes,
    png_bytes,
    render_document,
    render_ui,
)

# Her face from brows to chin, cheek to cheek, labelled by looking at astronaut.png (512 px).
ASTRONAUT_FACE = [180, 70, 95, 110]
ASTRONAUT_EYES = {"right_eye": (202, 100), "left_eye": (246, 102)}  # the subject's sides
NO_PEOPLE_SKIMAGE = ("coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png")


def _counts(corpus: Path, detector: str) -> dict[str, tuple[int, int]]:
    out = {}
    for rel in DISTINCT_PHOTOS:
        if rel not in UNCOUNTED:
            faces = tag_file(corpus / rel, detector)[0]["faces"]
            assert isinstance(faces, list), faces
            out[rel] = (len(faces), FACES.get(rel, 0))
    for name in (*NO_PEOPLE_SKIMAGE, "astronaut.png"):
        faces = tag_file(SKIMAGE_DATA / name, detector)[0]["faces"]
        out[name] = (len(faces), 1 if name == "astronaut.png" else 0)
    return out


def _precision_recall(counts: dict[str, tuple[int, int]]) -> tuple[float, float, int]:
    tp = sum(min(found, truth) for found, truth in counts.values())
    fp = sum(max(0, found - truth) for found, truth in counts.values())
    fn = sum(max(0, truth - found) for found, truth in counts.values())
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp + fn


# --- faces --------------------------------------------------------------------------------


def test_astronaut_has_exactly_one_face_over_her_face() -> None:
    tags, meta = tag_file(ASTRONAUT)
    assert tags["face_detector"] == "dlib-hog"
    (face,) = tags["faces"]
    assert iou(face["box"], ASTRONAUT_FACE) >= 0.6, face["box"]
    for name, (x, y) in ASTRONAUT_EYES.items():
        lx, ly = face["landmarks"][name]
        assert abs(lx - x) <= 8 and abs(ly - y) <= 8, (name, face["landmarks"])
    assert len(face["embedding"]) == 128
    assert abs(np.linalg.norm(face["embedding"]) - 1) < 0.5  # dlib's vectors are ~unit length


@pytest.mark.parametrize(
    "rel", [p for p in DISTINCT_PHOTOS if p.startswith("big/") and p not in UNCOUNTED]
)
def test_photos_without_people_have_no_faces(corpus: Path, rel: str) -> None:
    assert tag_file(corpus / rel)[0]["faces"] == []


def test_face_counts_on_labelled_photos(corpus: Path) -> None:
    """48 labelled photos, 10 faces: HOG finds every real person's face and nothing else; it
    misses the painted Einstein (margin ~0, found only when the 281-px picture is enlarged
    2.1x or more, where it also takes the puppies for people)."""
    counts = _counts(corpus, "hog")
    wrong = {k: v for k, v in counts.items() if v[0] != v[1]}
    precision, recall, faces = _precision_recall(counts)
    assert faces == 10 and wrong == {"hostile/PHP_exif_system.jpg": (0, 1)}, wrong
    assert (precision, recall) == (1.0, 0.9)


def test_boxes_are_in_upright_master_pixels(corpus: Path) -> None:
    """Scaled from the proxy to the input's pixels, and upright for EXIF-rotated files."""
    data = (corpus / "people/obama_portrait.jpg").read_bytes()
    (face,) = tag_bytes(data)[0]["faces"]
    im = Image.open(io.BytesIO(data)).convert("RGB")  # 910x1137, orientation 1
    half = im.resize((im.width // 2, im.height // 2), Image.Resampling.LANCZOS)
    (small,) = tag_bytes(png_bytes(half))[0]["faces"]
    assert np.allclose(face["box"], 2 * np.array(small["box"]), atol=0.06 * face["box"][2])
    # The same photo stored sideways with EXIF orientation 6 (a phone's portrait shot).
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    im.transpose(Image.Transpose.ROTATE_90).save(buf, "JPEG", quality=92, exif=exif)
    tags, meta = tag_bytes(buf.getvalue())
    assert (meta["width"], meta["height"]) == (910, 1137)
    (turned,) = tags["faces"]
    assert iou(turned["box"], face["box"]) > 0.8, (turned["box"], face["box"])


def test_yunet_is_optional_by_configuration() -> None:
    assert YUNET.exists(), f"test model missing at {YUNET}"
    config = TagConfig.from_env({"PRESSROOM_FACE_MODEL": str(YUNET)})
    assert config.face_detector == "yunet"
    tags = tag_bytes(ASTRONAUT.read_bytes(), config)[0]
    assert tags["face_detector"] == "yunet"
    (face,) = tags["faces"]
    assert iou(face["box"], ASTRONAUT_FACE) >= 0.6, face["box"]
    assert set(face["landmarks"]) == {"right_eye", "left_eye", "nose", "mouth_right", "mouth_left"}
    assert 0.8 <= face["score"] <= 1 and len(face["embedding"]) == 128


def test_yunet_face_counts_on_labelled_photos(corpus: Path) -> None:
    precision, recall, _ = _precision_recall(_counts(corpus, "yunet"))
    assert (precision, recall) == (1.0, 1.0)


@pytest.mark.parametrize(
    "config",
    [
        TagConfig(face_detector="none"),
        TagConfig(face_detector="yunet", face_model="/nonexistent/yunet.onnx"),
        TagConfig(face_detector="yunet", face_model=None),
    ],
)
def test_no_detector_means_unavailable_never_zero_faces(config: TagConfig) -> None:
    tags = tag_bytes(ASTRONAUT.read_bytes(), config)[0]
    assert tags["faces"] == "unavailable" and tags["face_detector"] is None
    assert tags["sharpness"] > 0 and tags["phash"]  # the other tags still come


# --- sharpness and quality ----------------------------------------------------------------


BLUR_SET = [p for p in DISTINCT_PHOTOS if not p.startswith(("valid/", "orientation/"))]


def test_blurred_copies_score_lower_sharpness_and_quality(corpus: Path) -> None:
    """Gaussian blur (sigma 0.4% and 0.8% of the long side) against the same pixels."""
    none = TagConfig(face_detector="none")
    flagged = strong_flagged = 0
    for rel in BLUR_SET:
        im = upright(corpus / rel)
        sharp = tag_bytes(jpeg_bytes(im), none)[0]
        soft = tag_bytes(blurred(im, 0.004), none)[0]
        assert soft["sharpness"] < sharp["sharpness"] / 2.5, rel
        assert soft["quality"] < sharp["quality"] - 0.05, rel
        assert "blurred" not in sharp["printable"]["reasons"], rel
        flagged += "blurred" in soft["printable"]["reasons"]
        strong_flagged += (
            "blurred" in tag_bytes(blurred(im, 0.008), none)[0]["printable"]["reasons"]
        )
    # The absolute "blurred" verdict (README): content sets the scale of the Laplacian, so a
    # mild blur is flagged only on some photos; curation compares copies instead.
    assert strong_flagged == len(BLUR_SET)
    assert flagged >= len(BLUR_SET) // 3, flagged


# --- screenshots ----------------------------------------------------------------------------


def _screens() -> dict[str, bytes]:
    out = {}
    for i, size in enumerate(SCREENS):
        im = render_ui(i, size)
        out[f"ui{i}.png"] = png_bytes(im)  # as a phone saves it
        out[f"ui{i}_resized.jpg"] = jpeg_bytes(im.resize((size[0] * 2 // 3, size[1] * 2 // 3)))
    for i in range(3):
        doc = render_document(i)
        out[f"doc{i}.png"], out[f"doc{i}.jpg"] = png_bytes(doc), jpeg_bytes(doc, 85)
    return out


def test_screenshots_score_higher_than_every_corpus_photo(corpus: Path) -> None:
    photos = {rel: tag_file(corpus / rel)[0]["screenshot"]["score"] for rel in DISTINCT_PHOTOS}
    for name in (*NO_PEOPLE_SKIMAGE, "astronaut.png"):
        photos[name] = tag_file(SKIMAGE_DATA / name)[0]["screenshot"]["score"]
    screens = {
        k: tag_bytes(v, TagConfig(face_detector="none"))[0]["screenshot"]
        for k, v in _screens().items()
    }
    best_photo = max(photos.values())
    assert min(s["score"] for s in screens.values()) > best_photo, (screens, best_photo)
    # At the 0.5 cut the printable verdict uses: precision and recall 1.0 on this set.
    assert all(s["score"] >= 0.5 for s in screens.values())
    assert best_photo < 0.5
    png = screens["ui0.png"]
    assert png["png"] and png["screen_size"] and not png["camera"] and png["flat"] > 0.3
    assert (1170, 2532) in SCREEN_SIZES


def test_screenshot_is_not_printable() -> None:
    tags = tag_bytes(png_bytes(render_ui(1)), TagConfig(face_detector="none"))[0]
    assert "screenshot" in tags["printable"]["reasons"] and not tags["printable"]["ok"]
    assert tags["quality"] < 0.3


# --- exposure, colour, hashes -----------------------------------------------------------------


def test_exposure_colourfulness_and_palette() -> None:
    h, w = 400, 600
    arr = np.zeros((h, w, 3), np.uint8)
    arr[:, : w * 3 // 4] = (200, 30, 30)  # 75% red
    arr[:, w * 3 // 4 :] = (0, 0, 0)  # 25% black
    tags = tag_bytes(png_bytes(Image.fromarray(arr)), TagConfig(face_detector="none"))[0]
    assert tags["colours"][0]["hex"] == "#c81e1e" and tags["colours"][0]["share"] == 0.75
    assert tags["colours"][1]["hex"] == "#000000"
    assert tags["exposure"]["clipped_dark"] == 25.0 and tags["exposure"]["clipped_bright"] == 0
    assert tags["colourfulness"] > 80  # "highly colourful" on Hasler & Suesstrunk's scale
    grey = np.full((h, w, 3), 128, np.uint8)
    g = tag_bytes(png_bytes(Image.fromarray(grey)), TagConfig(face_detector="none"))[0]
    assert g["colourfulness"] == 0 and g["exposure"]["mean"] == pytest.approx(128 / 255, 0.01)
    assert g["sharpness"] == 0 and "blurred" in g["printable"]["reasons"]


def test_saliency_finds_the_odd_object_not_the_texture() -> None:
    h, w = 400, 600
    yy, xx = np.mgrid[:h, :w]
    ground = np.broadcast_to((60 + xx * 100 // w)[..., None], (h, w, 3)).astype(np.uint8).copy()
    ground[(xx - 450) ** 2 + (yy - 200) ** 2 < 40**2] = (20, 20, 20)  # a dark ball at 3/4 across
    cols = tag_bytes(png_bytes(Image.fromarray(ground)), TagConfig(face_detector="none"))[0][
        "saliency_cols"
    ]
    assert len(cols) == 32 and sum(cols) == pytest.approx(1, abs=1e-3)
    assert 21 <= int(np.argmax(cols)) <= 26  # the ball spans columns 21.3-26.1
    assert sum(cols[20:28]) > 0.5 and sum(cols[12:20]) < 0.2  # and the middle is empty
    noise = np.random.default_rng(7).integers(0, 256, (h, w, 3), dtype=np.uint8)
    even = tag_bytes(png_bytes(Image.fromarray(noise)), TagConfig(face_detector="none"))[0]
    assert max(even["saliency_cols"]) < 2 / 32  # texture everywhere: no column stands out


def test_darker_copy_measures_darker(corpus: Path) -> None:
    im = upright(corpus / "big/jolla.jpg")
    base = tag_bytes(jpeg_bytes(im), TagConfig(face_detector="none"))[0]["exposure"]
    dark = Image.eval(im, lambda v: v // 5)
    d = tag_bytes(jpeg_bytes(dark), TagConfig(face_detector="none"))[0]
    assert d["exposure"]["mean"] < base["mean"] / 3
    assert "too_dark" in d["printable"]["reasons"]


def test_hashes_are_64_bit_hex_and_stable(corpus: Path) -> None:
    a = tag_file(corpus / "big/jolla.jpg")[0]
    b = tag_bytes((corpus / "big/jolla.jpg").read_bytes())[0]
    for key in ("phash", "dhash"):
        assert len(a[key]) == 16 and int(a[key], 16) >= 0 and a[key] == b[key]
    assert a["colours"] == b["colours"]  # seeded: the same photo, the same palette


# --- ingest and CLI ------------------------------------------------------------------------


def test_ingest_stores_tags_with_boxes_in_master_pixels(tmp_path: Path, corpus: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    catalogue = SqliteCatalogue(tmp_path / "c.db")
    ingestor = Ingestor(LocalStore(tmp_path / "blobs"), catalogue, settings, make_tagger())
    result = ingestor.ingest_path(corpus / "people/obama_biden.jpg")
    tags = catalogue.get(result.id).data["tags"]
    # Boxes and landmarks at ingest; vectors wait for the first grouping (tags.embed).
    assert len(tags["faces"]) == 2 and not any("embedding" in f for f in tags["faces"])
    proxy_tags = tag_file(corpus / "people/obama_biden.jpg")[0]
    for stored, validated in zip(tags["faces"], proxy_tags["faces"], strict=True):
        assert iou(stored["box"], validated["box"]) > 0.8  # both in 1126x661 master pixels
        x, y, w, h = stored["box"]
        assert x + w <= 1126 and y + h <= 661 and w > 100
    assert json.dumps(tags)  # JSON-safe for every catalogue backend


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "pressroom", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PRESSROOM_WORKERS": "1", **env},
    )


def test_cli_tag_json(corpus: Path) -> None:
    r = _cli("tag", "--json", str(ASTRONAUT), str(corpus / "people/PEOPLE.tsv"))
    assert r.returncode == 1, r.stderr
    rows = {Path(o["path"]).name: o for o in map(json.loads, r.stdout.splitlines())}
    astro = rows["astronaut.png"]
    keys = {"faces", "sharpness", "exposure", "colourfulness", "colours", "phash", "dhash"}
    assert keys | {"screenshot", "quality", "printable"} <= set(astro)
    (face,) = astro["faces"]
    assert set(face) == {"box", "score", "landmarks"} and iou(face["box"], ASTRONAUT_FACE) > 0.6
    assert rows["PEOPLE.tsv"]["reason"] == "not_an_image"
    assert "Traceback" not in r.stderr
    r = _cli("tag", "--json", str(ASTRONAUT), PRESSROOM_FACE_DETECTOR="none")
    assert r.returncode == 0 and json.loads(r.stdout)["faces"] == "unavailable"


def test_cli_ingest_stores_tags_and_no_tags_skips(tmp_path: Path, corpus: Path) -> None:
    src = str(corpus / "people/obama_portrait.jpg")
    r = _cli("ingest", "--json", "--data", str(tmp_path / "a"), src)
    assert r.returncode == 0, r.stderr
    rec = SqliteCatalogue(tmp_path / "a" / "catalogue.sqlite3").get(json.loads(r.stdout)["id"])
    assert len(rec.data["tags"]["faces"]) == 1
    r = _cli("ingest", "--json", "--no-tags", "--data", str(tmp_path / "b"), src)
    rec = SqliteCatalogue(tmp_path / "b" / "catalogue.sqlite3").get(json.loads(r.stdout)["id"])
    assert "tags" not in rec.data


def test_tagging_runs_opencv_on_one_thread() -> None:
    """A proxy is too small for OpenCV's thread pool to pay (README, "Measured"): whatever
    the process had set, loading the tag pipeline makes it one thread."""
    code = (
        "import cv2; cv2.setNumThreads(4); import pressroom.tags.pipeline; "
        "print(cv2.getNumThreads())"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "1"
