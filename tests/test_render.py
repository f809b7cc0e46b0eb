"""The thumbnail engine on real masters: exact sizes for every fit, formats without metadata,
orientation, Display P3 to sRGB, face-aware smart crops, focal points, padding; the option
parser, signatures, Accept negotiation and `pressroom thumb` on local files (HEIC included)."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import pyvips

from pressroom.cli import main
from pressroom.photos import Face
from pressroom.render import options as opts_mod
from pressroom.render.negotiate import accept_key, choose_format
from pressroom.render.options import BadOptions, canonical, parse
from pressroom.render.signature import sign, signed_path, verify
from pressroom.render.thumbnail import RenderLimit, render
from pressroom.render.thumbnail.context import ThumbnailContext
from pressroom.render.thumbnail.source import render_file
from pressroom.render.thumbnail.steps.crop import crop
from pressroom.render.thumbnail.steps.load import load
from pressroom.render.thumbnail.steps.plan import plan, sizes
from pressroom.storage import open_store

from .thumbnail_fixtures import KEY, OLD_KEY, Library, detect_faces, library  # noqa: F401


def _master(lib: Library, name: str) -> bytes:
    rec_key = f"masters/{lib.ids[name]}"
    store = open_store(lib.settings)
    key = next(store.keys(rec_key))
    return store.get(key)


def _decode(data: bytes) -> pyvips.Image:
    return pyvips.Image.new_from_buffer(data, "")


def _px(data: bytes) -> np.ndarray:
    return _decode(data).numpy().astype(np.float32)


# -- sizes ----------------------------------------------------------------------------------

SIZE_CASES = [
    # (source, options, expected output)
    ((4032, 3024), "w:400/h:300/fit:cover", (400, 300)),
    ((4032, 3024), "w:300/h:400/fit:cover", (300, 400)),
    ((4032, 3024), "w:300/h:400/fit:contain", (300, 225)),
    ((4032, 3024), "w:300/h:400/fit:inside", (300, 225)),
    ((4032, 3024), "w:300/h:400/fit:fill", (300, 400)),
    ((4032, 3024), "w:400", (400, 300)),
    ((4032, 3024), "h:300", (400, 300)),
    ((4032, 3024), "w:200/h:100/dpr:2", (400, 200)),
    ((4032, 3024), "w:333/h:333/fit:contain/dpr:1.5", (500, 375)),
    ((32, 32), "w:2048/h:1024/fit:inside", (32, 32)),
    ((32, 32), "w:2048/h:1024/fit:contain", (1024, 1024)),
    ((32, 32), "w:64/h:32/fit:cover", (64, 32)),
    ((32, 32), "w:64/h:32/fit:fill", (64, 32)),
    ((1434, 2333), "w:400/h:160/fit:cover", (400, 160)),
    ((4608, 1976), "w:7/h:3/fit:contain", (7, 3)),
    ((1, 1), "w:4096/h:1/fit:cover", (4096, 1)),
]


@pytest.mark.parametrize("src,spec,want", SIZE_CASES, ids=[f"{s}-{o}" for s, o, _ in SIZE_CASES])
def test_planned_sizes(src: tuple[int, int], spec: str, want: tuple[int, int]) -> None:
    resize, out = sizes(*src, parse(spec.split("/")))
    assert out == want
    if "cover" in spec:
        assert resize[0] >= want[0] and resize[1] >= want[1]  # nothing left uncovered


@pytest.mark.parametrize("fit", ["cover", "contain", "inside", "fill"])
@pytest.mark.parametrize("fmt", ["jpeg", "webp", "avif", "png"])
def test_exact_output_sizes(library: Library, fit: str, fmt: str) -> None:  # noqa: F811
    master = _master(library, "big")  # 4032 x 3024
    out = render(master, parse(["w:300", "h:400", f"fit:{fit}"]), fmt)
    img = _decode(out.data)
    want = {"cover": (300, 400), "fill": (300, 400)}.get(fit, (300, 225))
    assert (img.width, img.height) == (out.width, out.height) == want
    assert img.get("vips-loader").startswith({"jpeg": "jpeg", "webp": "webp", "avif": "heif",
                                              "png": "png"}[fmt])  # fmt: skip
    # Metadata stripped: no EXIF, XMP or ICC in any output.
    fields = set(img.get_fields())
    assert not fields & {"exif-data", "xmp-data", "icc-profile-data"}
    assert img.interpretation == "srgb" and img.bands == 3


def test_inside_never_enlarges_and_alpha_survives(library: Library) -> None:  # noqa: F811
    master = _master(library, "alpha")  # 32 x 32 RGBA
    out = render(master, parse(["w:640", "h:640", "fit:inside"]), "png")
    img = _decode(out.data)
    assert (img.width, img.height) == (32, 32) and img.hasalpha()
    assert img[3].min() < 255  # the transparency is still there
    flat = _decode(render(master, parse(["w:64", "fit:contain"]), "jpeg").data)
    assert (flat.width, flat.height, flat.bands) == (64, 64, 3)


def test_fill_pads_with_the_background(library: Library) -> None:  # noqa: F811
    out = render(_master(library, "big"), parse(["w:400", "h:400", "fit:fill", "bg:ff0000"]), "png")
    px = _px(out.data)
    assert px.shape == (400, 400, 3)
    # 4:3 into a square: 50 rows of padding above and below, pure background.
    assert np.all(px[:45] == [255, 0, 0]) and np.all(px[-45:] == [255, 0, 0])
    assert np.abs(px[100:300] - [255, 0, 0]).mean() > 50  # the photo itself is not red


def test_fill_pads_alpha_transparent(library: Library) -> None:  # noqa: F811
    out = render(_master(library, "alpha"), parse(["w:64", "h:32", "fit:fill"]), "webp")
    img = _decode(out.data)
    assert (img.width, img.height) == (64, 32) and img.hasalpha()
    alpha = img[3].numpy()
    assert alpha[:, :10].max() == 0 and alpha[:, 20:44].max() > 0


# -- orientation and colour ---------------------------------------------------------------


def test_orientation_preserved(library: Library) -> None:  # noqa: F811
    """Landscape_6 (stored portrait, EXIF 6) renders exactly like Landscape_1."""
    spec = parse(["w:240", "h:160", "fit:cover"])
    six = _px(render(_master(library, "land6"), spec, "png").data)
    one = _px(render(_master(library, "land1"), spec, "png").data)
    assert six.shape == one.shape == (160, 240, 3)
    assert np.abs(six - one).mean() < 4
    assert np.abs(six - one[::-1, ::-1]).mean() > 20  # a wrong turn would show


def _p3_reference(corpus: Path) -> tuple[np.ndarray, np.ndarray]:
    """Pillow-HEIF decode + LittleCMS P3 -> sRGB (independent of libvips), and no transform."""
    import pillow_heif
    from PIL import Image, ImageCms

    heif = pillow_heif.open_heif(io.BytesIO((corpus / "big/Display_P3.heic").read_bytes()))
    im = heif.to_pillow()
    p3 = ImageCms.ImageCmsProfile(io.BytesIO(heif.info["icc_profile"]))
    srgb = ImageCms.profileToProfile(im, p3, ImageCms.createProfile("sRGB"), outputMode="RGB")
    lanczos = Image.Resampling.LANCZOS
    ref = np.asarray(srgb.resize((400, 300), lanczos), dtype=np.float32)
    naive = np.asarray(im.resize((400, 300), lanczos), dtype=np.float32)
    return ref, naive


def test_display_p3_master_gives_srgb_thumbnail(library: Library, corpus: Path) -> None:  # noqa: F811
    ref, naive = _p3_reference(corpus)
    assert np.abs(ref - naive).mean() > 3  # the profile matters for this photo
    for data in (
        render(_master(library, "p3"), parse(["w:400", "h:300"]), "png").data,
        render_file((corpus / "big/Display_P3.heic").read_bytes(), parse(["w:400"]), "png").data,
    ):
        got = _px(data)
        assert got.shape == ref.shape
        assert np.abs(got - ref).mean() < 1.5
        assert np.abs(got - naive).mean() > 3


# -- gravity ------------------------------------------------------------------------------


def test_smart_crop_keeps_the_face(library: Library) -> None:  # noqa: F811
    """obama_standing: a full figure, face near the top. A wide strip centred on the middle
    shows the torso; `sm` uses the faces recorded at ingest and keeps the face."""
    from pressroom.catalogue import open_catalogue

    record = open_catalogue(library.settings).get(library.ids["standing"])
    assert record is not None and len(record.data["tags"]["faces"]) >= 1
    faces = [Face(tuple(f["box"]), f["score"]) for f in record.data["tags"]["faces"]]
    master = _master(library, "standing")
    size = (record.data["width"], record.data["height"])
    smart = render(master, parse(["w:400", "h:160", "g:sm"]), "png", faces=faces, source_size=size)
    centre = render(master, parse(["w:400", "h:160", "g:ce"]), "png", faces=faces)
    assert (smart.width, smart.height) == (centre.width, centre.height) == (400, 160)
    assert detect_faces(_decode(smart.data).numpy()), "smart crop lost the face"
    assert not detect_faces(_decode(centre.data).numpy()), "centre crop should miss it"


def test_smart_without_faces_uses_attention(library: Library) -> None:  # noqa: F811
    master = _master(library, "standing")
    ctx = ThumbnailContext(opts=parse(["w:400", "h:160", "g:sm"]), format="png", data=master)
    plan(ctx)
    load(ctx)
    crop(ctx)  # no faces: libvips attention
    assert ctx.image is not None and (ctx.image.width, ctx.image.height) == (400, 160)
    centre = _px(render(master, parse(["w:400", "h:160"]), "png").data)
    assert np.abs(ctx.image.numpy().astype(np.float32) - centre).mean() > 5


def test_focal_point_gravity(library: Library) -> None:  # noqa: F811
    master = _master(library, "standing")
    top = _px(render(master, parse(["w:400", "h:160", "g:fp:0.5:0"]), "png").data)
    full = _px(render(master, parse(["w:400"]), "png").data)  # same resize, no crop
    assert np.abs(top - full[:160]).mean() < 1.0
    bottom = _px(render(master, parse(["w:400", "h:160", "g:fp:0.5:1"]), "png").data)
    assert np.abs(bottom - full[-160:]).mean() < 1.0


def test_steps_run_alone(library: Library) -> None:  # noqa: F811
    ctx = ThumbnailContext(opts=parse(["w:300", "h:300", "fit:cover"]), format="jpeg",
                           data=_master(library, "big"))  # fmt: skip
    plan(ctx)
    assert ctx.source_size == (4032, 3024) and ctx.resize == (400, 300) and ctx.out == (300, 300)
    load(ctx)
    assert ctx.image is not None and (ctx.image.width, ctx.image.height) == (400, 300)
    crop(ctx)
    assert (ctx.image.width, ctx.image.height) == (300, 300)


def test_limits_are_422_material(library: Library) -> None:  # noqa: F811
    with pytest.raises(RenderLimit):
        render(_master(library, "big"), parse(["w:400"]), "jpeg", max_pixels=1_000_000)
    # cover of a panorama into a tall box would need a huge intermediate image
    with pytest.raises(RenderLimit):
        render(None, parse(["w:8", "h:4096"]), "jpeg", image=pyvips.Image.black(4000, 10),
               max_pixels=20_000_000)  # fmt: skip


# -- options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        "w:100000",
        "w:400/dpr:50",
        "w:400/q:500",
        "w:400/q:0",
        "w:400/fit:stretch",
        "w:400/g:fp:2:0",
        "w:400/g:north",
        "w:abc",
        "w:400/colour:red",
        "w:400/f:gif",
        "w:400/bg:red",
        "f:webp",
        "w:2048/dpr:4",
        "w:400/pr:nope",
        "w:400/",
    ],
)
def test_absurd_options_are_refused(spec: str) -> None:
    with pytest.raises(BadOptions):
        parse(spec.split("/"), {"thumb": "w:200/h:200"})


def test_aliases_share_one_canonical_form() -> None:
    a = parse(["width:400", "height:300", "gravity:smart", "format:jpg", "quality:80"])
    b = parse(["w:400", "h:300", "g:sm", "f:jpeg", "q:80", "exp:99999999999"])
    assert canonical(a) == canonical(b)
    assert canonical(a) != canonical(parse(["w:400", "h:300", "g:sm", "f:jpeg", "q:81"]))
    assert opts_mod.to_segments(parse(["w:400", "fit:contain", "g:fp:0.25:0.5"])) == [
        "w:400", "fit:contain", "g:fp:0.25:0.5"]  # fmt: skip


def test_size_allow_list_and_presets() -> None:
    presets = {"thumb": "w:200/h:200/fit:cover/g:sm", "odd": "w:333"}
    assert parse(["w:400"], presets, (200, 400)).width == 400
    with pytest.raises(BadOptions, match="not allowed"):
        parse(["w:401"], presets, (200, 400))
    assert parse(["pr:odd"], presets, (200, 400)).width == 333  # presets are trusted
    thumb = parse(["pr:thumb", "f:webp"], presets, (200, 400))
    assert (thumb.width, thumb.height, thumb.gravity, thumb.format) == (200, 200, "sm", "webp")
    with pytest.raises(BadOptions):
        opts_mod.parse_presets([("bad", "w:99999")])


# -- signatures and negotiation -----------------------------------------------------------


def test_signatures() -> None:
    path = "/w:400/h:300/abc123"
    sig = sign(path, KEY)
    assert len(sig) == 43 and "=" not in sig
    assert verify(sig, path, [KEY]) and verify(sig, path, [OLD_KEY, KEY])  # rotation
    assert verify(sign(path, OLD_KEY), path, [KEY, OLD_KEY])
    assert not verify(sig, path, [OLD_KEY])  # wrong key
    assert not verify(sig, "/w:401/h:300/abc123", [KEY])  # tampered path
    assert not verify(sig[:-1], path, [KEY])  # truncated
    assert not verify(sig[:-1] + ("A" if sig[-1] != "A" else "B"), path, [KEY])  # tampered
    # 43 base64 characters carry 2 unused bits: a "same bytes" variant is still refused.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = sig[:-1] + alphabet[alphabet.index(sig[-1]) ^ 1]
    assert not verify(twin, path, [KEY])
    assert not verify(sig, path, [])
    assert signed_path(path, KEY) == f"/{sig}{path}" and signed_path(path, None) == f"/_{path}"


@pytest.mark.parametrize(
    "accept,alpha,want",
    [
        ("image/avif,image/webp,image/apng,image/*,*/*;q=0.8", False, "avif"),
        ("image/webp,*/*", False, "webp"),
        ("image/avif;q=0,image/webp", False, "webp"),
        ("*/*", False, "jpeg"),
        (None, False, "jpeg"),
        ("image/*", True, "png"),
        ("image/webp", True, "webp"),
    ],
)
def test_accept_negotiation(accept: str | None, alpha: bool, want: str) -> None:
    assert choose_format("auto", accept, alpha) == want
    assert choose_format("jpeg", accept, alpha) == "jpeg"


def test_accept_key_for_the_cdn() -> None:
    assert accept_key("image/avif,image/webp,*/*") == "image/avif"
    assert accept_key("text/html,image/webp,*/*;q=0.8") == "image/webp"
    assert accept_key("*/*") == ""


# -- pressroom thumb ----------------------------------------------------------------------


def test_thumb_cli_heic(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "t.webp"
    src = corpus / "big/iphone_13_pro_max.HEIC"  # 3024 x 4032 portrait
    assert main(["thumb", str(src), "-w", "300", "-h", "300", "--fit", "inside",
                 "-o", str(out), "--json"]) == 0  # fmt: skip
    line = json.loads(capsys.readouterr().out)
    img = _decode(out.read_bytes())
    assert (img.width, img.height) == (line["width"], line["height"]) == (225, 300)
    assert img.get("vips-loader").startswith("webp")
    assert not set(img.get_fields()) & {"exif-data", "xmp-data", "icc-profile-data"}


def test_thumb_cli_orientation(corpus: Path, tmp_path: Path) -> None:
    outs = []
    for n in (1, 6, 8):
        out = tmp_path / f"p{n}.png"
        assert main(["thumb", str(corpus / f"orientation/Portrait_{n}.jpg"), "-h", "150",
                     "-o", str(out)]) == 0  # fmt: skip
        outs.append(_px(out.read_bytes()))
    assert all(o.shape == (150, 100, 3) for o in outs)
    assert np.abs(outs[1] - outs[0]).mean() < 5 and np.abs(outs[2] - outs[0]).mean() < 5


@pytest.mark.parametrize(
    "rel,reason",
    [
        ("invalid/truncated_jpeg.jpg", "truncated"),
        ("heic/truncated.heic", "truncated"),
        ("notimage/hopper.gif", "unsupported_format"),
        ("bombs/giant-image.jpg", "too_many_pixels"),
    ],
)
def test_thumb_cli_rejects_like_uploads(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture, rel: str, reason: str
) -> None:
    out = tmp_path / "x.jpg"
    assert main(["thumb", str(corpus / rel), "-w", "200", "-o", str(out), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == reason
    assert not out.exists()


def test_thumb_cli_usage_errors(tmp_path: Path, corpus: Path) -> None:
    src = str(corpus / "orientation/Landscape_1.jpg")
    assert main(["thumb", src, "-w", "200", "-o", str(tmp_path / "x.gif")]) == 2
    assert main(["thumb", src, "-w", "99999", "-o", str(tmp_path / "x.jpg")]) == 2
    assert main(["thumb", str(tmp_path / "missing.jpg"), "-w", "9", "-o", "x.jpg"]) == 2


def _small_accepts() -> list[dict[str, str]]:
    from .conftest import MANIFEST

    return [r for r in MANIFEST if r["expected"] == "accept"
            and int(r["width"]) * int(r["height"]) <= 4_000_000]  # fmt: skip


@pytest.mark.parametrize("row", _small_accepts(), ids=lambda r: r["path"])
def test_every_accepted_upload_thumbnails_upright(corpus: Path, row: dict[str, str]) -> None:
    """Every format and orientation the validator accepts, to the exact upright size."""
    uw, uh = (int(v) for v in row["upright_wxh"].split("x"))
    out = render_file((corpus / row["path"]).read_bytes(), parse(["w:80"]), "webp")
    assert (out.width, out.height) == (80, max(1, round(uh * 80 / uw)))
    img = _decode(out.data)
    assert (img.width, img.height) == (out.width, out.height)


def test_a_render_loads_only_the_pillow_savers_it_uses() -> None:
    """JPEG and WebP encode through Pillow: a render imports those savers (and the five
    Image.preinit always loads), never Image.init's ~60 plugins (35 ms of a cold worker's
    first render, timed by hand)."""
    code = (
        "import sys, numpy as np, simplejpeg\n"
        "from pressroom.render.options import parse\n"
        "from pressroom.render.thumbnail import render\n"
        "src = simplejpeg.encode_jpeg(np.full((64, 64, 3), 128, np.uint8), 90)\n"
        "for fmt in ('webp', 'jpeg'):\n"
        "    assert render(src, parse(['w:32']), fmt).data\n"
        "print(sorted(m for m in sys.modules if m.endswith('ImagePlugin')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = ast.literal_eval(out.stdout)
    plugins = {m.removeprefix("PIL.").removesuffix("ImagePlugin") for m in found}
    assert plugins == {"Bmp", "Gif", "Jpeg", "Ppm", "Png", "WebP"}, plugins
