"""pressroom.printers: printer profiles as data, press ICC profiles, separation and soft proof."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

pyvips = pytest.importorskip("pyvips")

from pressroom.printers import colour as C  # noqa: E402
from pressroom.printers.model import (  # noqa: E402
    HERE,
    MM_PER_IN,
    UnknownPrinter,
    get_printer,
    printers,
)

CORPUS = Path("/work/shared/corpus/big")
DARK_PHOTO = CORPUS / "olympus_12mp_42_IndexError.jpg"  # about 18 % of it below the press black
DIM_PHOTO = CORPUS / "jolla.jpg"  # darkened x0.3 below: an underexposed photo


def icc_header(data: bytes) -> dict:
    """The fields of an ICC profile header (ICC.1 section 7.2) and its description."""
    (size,) = struct.unpack_from(">I", data, 0)
    (count,) = struct.unpack_from(">I", data, 128)
    tags = {}
    for i in range(count):
        sig, off, n = struct.unpack_from(">4sII", data, 132 + 12 * i)
        tags[sig] = data[off : off + n]
    desc = tags[b"desc"]
    if desc[:4] == b"desc":
        (n,) = struct.unpack_from(">I", desc, 8)
        text = desc[12 : 12 + n].rstrip(b"\0").decode("ascii")
    else:  # mluc
        (n, _) = struct.unpack_from(">II", desc, 8)
        ln, lo = struct.unpack_from(">II", desc, 20)
        text = desc[lo : lo + ln].decode("utf-16-be")
    targ = tags.get(b"targ", b"")
    return {
        "size": size,
        "class": data[12:16].decode(),
        "space": data[16:20].decode().strip(),
        "pcs": data[20:24].decode().strip(),
        "magic": data[36:40],
        "desc": text,
        "targ": targ[8:].rstrip(b"\0").decode("ascii", "replace"),
        "tags": set(tags),
    }


def load(path: Path, width: int = 480) -> pyvips.Image:
    return pyvips.Image.thumbnail(str(path), width).copy_memory()


def needs(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present")


# ---- data -------------------------------------------------------------------------------------


def test_printers_load_with_at_least_the_three_kinds():
    ps = printers()
    assert {"offset-fogra39", "gelato", "lulu"} <= set(ps)
    assert ps["offset-fogra39"].intent.identifier == "FOGRA39"
    assert ps["gelato"].intent.identifier == "CGATS TR 006"
    assert ps["lulu"].colour.mode == "rgb"
    with pytest.raises(UnknownPrinter):
        get_printer("nope")


def _numbers(d, path=""):
    if isinstance(d, bool) or d is None:
        return
    if isinstance(d, (int, float)):
        yield path
    elif isinstance(d, dict):
        for k, v in d.items():
            yield from _numbers(v, f"{path}.{k}" if path else k)
    elif isinstance(d, list):
        for v in d:
            yield from _numbers(v, path)


@pytest.mark.parametrize("name", sorted(printers()))
def test_every_number_names_its_source_or_says_assumed(name):
    raw = json.loads((HERE / "data" / f"{name}.json").read_text())
    prov, ids = raw["provenance"], {s["id"] for s in raw["sources"]}
    for key, why in prov.items():
        head = why.split(":")[0].split(" ")[0]
        assert head == "assumed" or head in ids, f"{name}: {key}: {why!r} cites no source"
    body = {k: v for k, v in raw.items() if k not in ("provenance", "sources")}
    for path in set(_numbers(body)):
        parts = path.split(".")
        covered = any(".".join(parts[:i]) in prov for i in range(len(parts), 0, -1))
        assert covered, f"{name}: {path} has no provenance"


def test_gelato_numbers_match_gelato_spec():
    g = get_printer("gelato")
    assert (g.pdfx, g.bleed_mm, g.safe_mm, g.colour.mode) == ("X-4", 4.0, 4.0, "cmyk")
    soft = g.binding("softcover")
    assert soft.cover_bleed_mm == 4.0
    assert (soft.pages.min, soft.pages.max, soft.pages.multiple) == (28, 250, 2)
    # Gelato's worked example: 210 x 297 mm, 60 inner pages -> 4 + 210 + 3.429 + 210 + 4 mm
    assert soft.spine_mm(60) == pytest.approx(3.429, abs=0.005)
    cover = soft.cover(210, 297, 60)
    assert cover.sheet.w == pytest.approx(431.429, abs=0.01)
    assert cover.sheet.h == pytest.approx(297 + 8, abs=0.01)


def test_lulu_numbers_match_lulu_spec():
    lu = get_printer("lulu")
    assert lu.bleed_mm == pytest.approx(0.125 * MM_PER_IN)
    assert lu.safe_mm == pytest.approx(0.5 * MM_PER_IN)
    pb = lu.binding("softcover")
    # (pages / 444) + 0.06 in
    assert pb.spine_mm(444) == pytest.approx(1.06 * MM_PER_IN)
    assert pb.spine_mm(100) == pytest.approx((100 / 444 + 0.06) * MM_PER_IN)
    assert pb.pages.min == 32
    hc = lu.binding("hardcover")
    assert hc.pages.min == 24
    assert hc.turn_in_mm == pytest.approx(0.75 * MM_PER_IN)
    assert hc.board_overhang_mm == pytest.approx(0.125 * MM_PER_IN)
    for pages, inches in [
        (24, 0.25),
        (100, 0.5),
        (169, 0.6875),
        (334, 1.0),
        (620, 1.6875),
        (800, 2.0625),
    ]:
        assert hc.spine_mm(pages) == pytest.approx(inches * MM_PER_IN), pages
    with pytest.raises(ValueError):
        hc.spine_mm(23)
    # Lulu-reported 6 x 9 in casewrap (HoTT book, 611-638 pages): 392.112 x 273.05 mm
    cover = hc.cover(6 * MM_PER_IN, 9 * MM_PER_IN, 620)
    assert cover.sheet.w == pytest.approx(392.112, abs=0.01)
    assert cover.sheet.h == pytest.approx(273.05, abs=0.01)
    assert cover.front.w == pytest.approx(6.125 * MM_PER_IN)
    assert cover.front.h == pytest.approx(9.25 * MM_PER_IN)


def test_fogra39_offset_numbers():
    o = get_printer("offset-fogra39")
    assert (o.pdfx, o.bleed_mm, o.colour.tac_percent, o.colour.max_black_percent) == (
        "X-1a",
        3.0,
        330.0,
        95.0,
    )
    hc = o.binding("hardcover")
    assert (hc.turn_in_mm, hc.hinge_mm, hc.hinge_safe_mm) == (20.0, 10.0, 10.0)
    assert "layflat" in o.bindings


def test_case_cover_geometry_adds_up():
    hc = get_printer("offset-fogra39").binding("hardcover")
    c = hc.cover(210, 210, 100, paper="gloss-170")
    assert c.spine_mm == pytest.approx(50 * 0.15 + 4)
    assert c.back.w == c.front.w == pytest.approx(210 + 5)
    assert c.back.h == pytest.approx(210 + 10)
    assert c.spine.x - c.back.x1 == pytest.approx(10)  # hinge
    assert c.trim.w == pytest.approx(2 * 20 + 2 * 215 + 2 * 10 + c.spine_mm)
    assert c.sheet.w == pytest.approx(c.trim.w)  # the turn-in is the bleed
    assert c.back.x == pytest.approx(20)
    assert list(c.folds) == sorted(c.folds)
    soft = get_printer("offset-fogra39").binding("softcover")
    s = soft.cover(210, 210, 100)
    assert s.sheet.w == pytest.approx(2 * 3 + 2 * 210 + s.spine_mm)
    assert len(s.folds) == 4  # spine folds + hinge scores
    assert soft.pages.check(102) == ["102 pages is not a multiple of 4"]


# ---- ICC profiles -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(printers()))
def test_output_intent_is_an_output_device_profile(name):
    p = get_printer(name)
    data = p.intent.icc_bytes()
    h = icc_header(data)
    assert h["magic"] == b"acsp"
    assert h["class"] == "prtr"
    assert h["size"] == len(data) < 2 * 1024 * 1024
    assert h["space"] == ("CMYK" if p.is_cmyk else "RGB")
    assert h["pcs"] == "Lab"
    assert {b"A2B0", b"A2B1", b"B2A0", b"B2A1"} <= h["tags"]
    if p.intent.registry == "http://www.color.org" and p.is_cmyk:
        # the ICC registry's rule for profiles made from registered data
        assert h["targ"] == f"ICCHDAT {p.intent.identifier}"
        assert f"Based on {p.intent.identifier}" in h["desc"]


def test_licence_notice_beside_the_profiles():
    notice = (HERE / "icc" / "NOTICE").read_text()
    assert "TR 006" in notice and "NPES" in notice and "FOGRA39" in notice


# ---- separation -------------------------------------------------------------------------------


def _cube() -> pyvips.Image:
    xy = pyvips.Image.xyz(256, 256)
    img = xy[0].bandjoin([xy[1], (xy[0] + xy[1]) / 2]).cast("uchar")
    dark = (img / 4).cast("uchar")  # and the shadows, where the ink piles up
    return img.join(dark, "horizontal").copy(interpretation="srgb")


@pytest.mark.parametrize("name", ["offset-fogra39", "gelato"])
def test_separation_respects_the_ink_limit(name):
    p = get_printer(name)
    imgs = [_cube()]
    if DARK_PHOTO.exists():
        imgs.append(load(DARK_PHOTO))
    for img in imgs:
        for bpc in (True, False):
            cmyk = C.separate(img, p, bpc=bpc)
            assert cmyk.bands == 4 and cmyk.interpretation == "cmyk"
            assert C.tac_percent(cmyk) <= p.colour.tac_percent + 1e-6
            assert cmyk[3].max() <= p.colour.max_black_percent / 100 * 255 + 3


def test_limit_ink_pulls_cmy_and_keeps_k():
    px = (pyvips.Image.black(1, 1, bands=4) + [255, 255, 255, 255]).cast("uchar")
    out = C.limit_ink(px.copy(interpretation="cmyk"), 300)
    c, m, y, k = out.getpoint(0, 0)
    assert k == 255 and c == m == y
    assert (c + m + y + k) / 255 * 100 <= 300


def _near_press_black(img, p, bpc):
    lab = C.separate(img, p, bpc=bpc).icc_import(
        input_profile=str(p.intent.icc_path), intent="relative"
    )
    return (lab[0] <= C.press_black_lstar(p) + 1.5).avg() / 255 * 100


@pytest.mark.parametrize("name", ["offset-fogra39", "gelato"])
def test_dark_photos_keep_their_shadows_with_bpc(name):
    needs(DARK_PHOTO)
    needs(DIM_PHOTO)
    p = get_printer(name)
    black = C.press_black_lstar(p)
    assert 5 < black < 20
    dim = (load(DIM_PHOTO) * 0.3).cast("uchar").copy(interpretation="srgb")
    for img in (load(DARK_PHOTO), dim):
        below = (img.colourspace("lab")[0] < black).avg() / 255 * 100
        assert below > 10  # these photos are darker than the press can print
        clipped = _near_press_black(img, p, bpc=False)
        kept = _near_press_black(img, p, bpc=True)
        assert kept < 0.5, kept
        assert clipped > 1.0 or kept == 0, (clipped, kept)
        assert kept <= clipped


def test_shadow_ramp_stays_monotone_with_bpc_and_flattens_without():
    # sRGB 0..32 (L* 0..12) is darker than the press black (L* about 10-11): without BPC it is
    # squeezed into the last 1-2 L*, with BPC it keeps a visible ramp.
    for name in ("offset-fogra39", "gelato"):
        p = get_printer(name)
        ramp = pyvips.Image.xyz(64, 1)[0].cast("uchar")
        ramp = ramp.bandjoin([ramp, ramp]).copy(interpretation="srgb")
        for bpc in (True, False):
            dev = C.separate(ramp, p, bpc=bpc)
            L = dev.icc_import(input_profile=str(p.intent.icc_path), intent="relative")[0]
            vals = [L.getpoint(i, 0)[0] for i in range(0, 64, 4)]
            assert all(b >= a - 0.2 for a, b in zip(vals, vals[1:], strict=False))
            assert vals[0] >= C.press_black_lstar(p) - 0.3  # nothing below the press black
            spread = vals[8] - vals[0]
            assert spread > 5 if bpc else spread < 2.5, (name, bpc, vals)


# ---- soft proof -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(printers()))
def test_soft_proof_round_trip_is_sane(name):
    p = get_printer(name)
    img = load(DIM_PHOTO) if DIM_PHOTO.exists() else _cube()
    proof = C.soft_proof(img, p)
    assert (proof.width, proof.height, proof.bands) == (img.width, img.height, 3)
    assert proof.interpretation == "srgb"
    mad = (proof.cast("float") - img.cast("float")).abs().avg()
    # a press gamut is smaller than sRGB, but a photo stays close; the RGB press is ~identity
    assert mad < (2.0 if not p.is_cmyk else 8.0), mad
    grey = (pyvips.Image.black(8, 8, bands=3) + 128).cast("uchar").copy(interpretation="srgb")
    r, g, b = C.soft_proof(grey, p).getpoint(4, 4)
    assert max(r, g, b) - min(r, g, b) <= 4  # neutral stays neutral
    assert abs((r + g + b) / 3 - 128) <= 8
    # the proof is exactly the separation seen through the profile
    same = C.to_srgb(C.separate(img, p), p)
    assert (same.cast("float") - proof.cast("float")).abs().max() == 0
