"""The thumbnail HTTP API over real ingested masters: signatures, options, negotiation,
caching headers, the result cache, single-flight renders and the error contract."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from typing import Any

import httpx
import numpy as np
import pytest
import pyvips
from PIL import Image

from pressroom.config import Limits
from pressroom.render.signature import signed_path
from pressroom.storage import open_store

from .thumbnail_fixtures import KEY, OLD_KEY, Library, library  # noqa: F401

BROWSER_ACCEPT = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


def fresh(lib: Library, **overrides: Any) -> Any:
    """An app with its own result-cache prefix, so tests never share cached results."""
    overrides.setdefault("result_prefix", f"renders-{uuid.uuid4().hex[:8]}")
    return lib.app(**overrides)


async def _send(app: Any, requests: list[tuple[str, str, dict[str, str]]]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://thumbs.test") as client:
        return list(
            await asyncio.gather(*(client.request(m, p, headers=h) for m, p, h in requests))
        )


def get(app: Any, path: str, **headers: str) -> httpx.Response:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    return asyncio.run(_send(app, [("GET", path, hdrs)]))[0]


def url(lib: Library, options: str, name: str = "big", key: bytes = KEY) -> str:
    return signed_path(f"/{options}/{lib.ids[name]}", key)


def assert_error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"status", "code", "message"}
    assert body["status"] == status and body["code"] == code and body["message"]
    assert r.headers["cache-control"] in ("no-store", "public, max-age=60")


def test_health(library: Library) -> None:  # noqa: F811
    r = get(fresh(library), "/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_thumbnail_and_headers(library: Library) -> None:  # noqa: F811
    r = get(fresh(library), url(library, "w:400/h:300/fit:cover"), accept="image/jpeg")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/jpeg"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["vary"] == "Accept"
    etag = r.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    img = pyvips.Image.new_from_buffer(r.content, "")
    assert (img.width, img.height) == (400, 300)


@pytest.mark.parametrize(
    "accept,want",
    [
        (BROWSER_ACCEPT, "image/avif"),
        ("image/webp,image/*,*/*;q=0.8", "image/webp"),
        ("image/avif;q=0,image/webp", "image/webp"),
        ("*/*", "image/jpeg"),
        ("", "image/jpeg"),
    ],
)
def test_accept_picks_the_format(library: Library, accept: str, want: str) -> None:  # noqa: F811
    r = get(fresh(library), url(library, "w:200/h:200"), accept=accept)
    assert r.status_code == 200 and r.headers["content-type"] == want
    assert r.headers["vary"] == "Accept"
    loader = pyvips.Image.new_from_buffer(r.content, "").get("vips-loader")
    assert loader.startswith({"image/avif": "heif", "image/webp": "webp"}.get(want, "jpeg"))


def test_alpha_master_and_explicit_format(library: Library) -> None:  # noqa: F811
    app = fresh(library)
    r = get(app, url(library, "w:64", "alpha"), accept="*/*")
    assert r.headers["content-type"] == "image/png" and r.headers["vary"] == "Accept"
    assert pyvips.Image.new_from_buffer(r.content, "").hasalpha()
    r = get(app, url(library, "w:64/f:webp", "alpha"), accept="image/jpeg")
    assert r.headers["content-type"] == "image/webp"
    assert "vary" not in r.headers  # an explicit format does not depend on Accept


def test_etag_then_304(library: Library) -> None:  # noqa: F811
    app = fresh(library)
    path = url(library, "w:200/h:200")
    first = get(app, path, accept="image/webp")
    etag = first.headers["etag"]
    for inm in (etag, f'"nope", {etag}', f"W/{etag}", "*"):
        r = get(app, path, accept="image/webp", if_none_match=inm)
        assert r.status_code == 304 and r.content == b""
        assert r.headers["etag"] == etag and r.headers["vary"] == "Accept"
        assert r.headers["cache-control"].startswith("public")
    # another representation (JPEG) has another ETag: the WebP one does not match it
    r = get(app, path, accept="image/jpeg", if_none_match=etag)
    assert r.status_code == 200 and r.headers["etag"] != etag
    assert app.state.thumbnails.stats["renders"] == 2


def test_signatures(library: Library) -> None:  # noqa: F811
    app = fresh(library)
    good = url(library, "w:200/h:200")
    assert get(app, good).status_code == 200
    assert get(app, url(library, "w:200/h:200", key=OLD_KEY)).status_code == 200  # rotation
    sig, rest = good[1:].split("/", 1)
    tampered_sig = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    cases = {
        "tampered options": f"/{sig}/" + rest.replace("w:200", "w:400"),
        "tampered signature": f"/{tampered_sig}/{rest}",
        "truncated signature": f"/{sig[:20]}/{rest}",
        "wrong key": url(library, "w:200/h:200", key=b"not the key"),
        "unsigned": f"/_/{rest}",
        "empty signature": f"/ /{rest}",
    }
    for name, path in cases.items():
        r = get(app, path)
        assert r.status_code == 403, name
        assert_error(r, 403, "unsigned" if name == "unsigned" else "bad_signature")


def test_expiry(library: Library) -> None:  # noqa: F811
    app = fresh(library)
    past, future = int(time.time()) - 10, int(time.time()) + 3600
    assert_error(get(app, url(library, f"w:200/exp:{past}")), 403, "expired")
    assert get(app, url(library, f"w:200/exp:{future}")).status_code == 200


def test_unsigned_only_when_enabled(library: Library) -> None:  # noqa: F811
    path = f"/_/w:200/{library.ids['big']}"
    assert get(fresh(library), path).status_code == 403
    dev = fresh(library, allow_unsigned=True, signing_keys=())
    assert get(dev, path).status_code == 200
    assert get(dev, f"/unsafe/w:200/{library.ids['big']}").status_code == 200
    # with no keys at all, a signed-looking URL is still refused
    assert_error(get(dev, url(library, "w:200")), 403, "bad_signature")


@pytest.mark.parametrize(
    "options",
    ["w:100000", "w:400/dpr:50", "w:400/q:500", "w:400/fit:squash", "w:400/g:fp:9:9", "q:80",
     "w:400/zoom:2"],  # fmt: skip
)
def test_absurd_options_400(library: Library, options: str) -> None:  # noqa: F811
    r = get(fresh(library), url(library, options))
    assert_error(r, 400, "bad_options")
    assert r.headers["cache-control"] == "no-store"


def test_size_allow_list_and_presets(library: Library) -> None:  # noqa: F811
    from pressroom.config import THUMB_SIZES

    app = fresh(library, thumb_sizes=THUMB_SIZES)
    assert_error(get(app, url(library, "w:401")), 400, "bad_options")
    assert get(app, url(library, "w:400")).status_code == 200
    r = get(app, url(library, "pr:thumb"), accept="image/jpeg")
    assert r.status_code == 200
    assert pyvips.Image.new_from_buffer(r.content, "").width == 200


def test_unknown_photo_404(library: Library) -> None:  # noqa: F811
    app = fresh(library)
    for photo in ("0" * 24, "no-such-photo", "x" * 200):
        r = get(app, signed_path(f"/w:200/{photo}", KEY))
        assert_error(r, 404, "not_found")
        assert r.headers["cache-control"] == "public, max-age=60"
    assert_error(get(app, "/"), 404, "not_found")
    assert_error(get(app, "/w:200/abc"), 404, "not_found")


def test_rejected_upload_404(library: Library, corpus: Any) -> None:  # noqa: F811
    from pressroom.catalogue import open_catalogue
    from pressroom.ingest.service import Ingestor

    s = library.settings
    result = Ingestor(open_store(s), open_catalogue(s), s).ingest_path(
        corpus / "invalid/truncated_jpeg.jpg"
    )
    assert result.state == "rejected"
    assert_error(get(fresh(library), signed_path(f"/w:200/{result.id}", KEY)), 404, "not_found")


def test_source_over_limits_422(library: Library) -> None:  # noqa: F811
    app = fresh(library, limits=Limits(max_pixels=5_000_000))  # the master is 12.2 MP
    assert_error(get(app, url(library, "w:200")), 422, "source_too_large")
    assert get(app, url(library, "w:200", "land1")).status_code == 200  # 2.2 MP is fine


def test_result_cache_hit_does_not_render(library: Library) -> None:  # noqa: F811
    prefix = f"renders-{uuid.uuid4().hex[:8]}"
    path = url(library, "w:320/h:240/fit:cover", "land1")
    first_app = fresh(library, result_prefix=prefix)
    first = get(first_app, path, accept="image/webp")
    assert first.headers["x-cache"] == "render"
    assert first_app.state.thumbnails.stats["renders"] == 1
    store = open_store(library.settings)
    cached = [k for k in store.keys(prefix + "/")]
    assert len(cached) == 1 and cached[0].endswith(".webp")
    assert cached[0].startswith(f"{prefix}/{library.ids['land1']}/")
    # A new process (new app) with the master gone: the answer can only come from the cache.
    master_key = next(store.keys(f"masters/{library.ids['land1']}"))
    master = store.get(master_key)
    store.delete(master_key)
    try:
        second_app = fresh(library, result_prefix=prefix)
        second = get(second_app, path, accept="image/webp")
    finally:
        store.put(master_key, master)
    assert second.status_code == 200 and second.content == first.content
    assert second.headers["x-cache"] == "hit" and second.headers["etag"] == first.headers["etag"]
    assert second_app.state.thumbnails.stats == {"renders": 0, "hits": 1, "shared": 0}
    # A different Accept that picks another format is another cache entry.
    assert get(second_app, path, accept="image/jpeg").headers["x-cache"] == "render"


def test_a_result_left_empty_by_a_power_cut_is_rendered_again(library: Library) -> None:  # noqa: F811
    """Results are cache entries written without fsync (BlobStore.put durable=False): after
    a power cut one can read back empty. It is a miss, rendered and stored again, never an
    empty 200 that a CDN would keep for a year."""
    prefix = f"renders-{uuid.uuid4().hex[:8]}"
    path = url(library, "w:320/h:240/fit:cover/f:jpeg", "land1")
    first = get(fresh(library, result_prefix=prefix), path)
    store = open_store(library.settings)
    (key,) = store.keys(prefix + "/")
    store.put(key, b"")  # what the power cut left
    app = fresh(library, result_prefix=prefix)
    again = get(app, path)
    assert again.status_code == 200 and again.headers["x-cache"] == "render"
    assert again.content == first.content and store.get(key) == first.content
    assert Image.open(io.BytesIO(again.content)).size == (320, 240)


def test_webp_effort_is_a_setting_and_part_of_the_cache_key(library: Library) -> None:  # noqa: F811
    """PRESSROOM_WEBP_EFFORT trades CPU for bytes: effort 0 and the default 2 give different
    files of the same picture, cached apart (same prefix: one would otherwise serve the
    other's bytes), and JPEG keys do not depend on it."""
    prefix = f"renders-{uuid.uuid4().hex[:8]}"
    path = url(library, "w:400/h:300/fit:cover/f:webp", "land1")
    fast, default = fresh(library, result_prefix=prefix, webp_effort=0), fresh(
        library, result_prefix=prefix
    )
    a, b = get(fast, path), get(default, path)
    assert a.headers["x-cache"] == b.headers["x-cache"] == "render"
    assert a.headers["content-type"] == b.headers["content-type"] == "image/webp"
    assert a.content != b.content and a.headers["etag"] != b.headers["etag"]
    assert len(a.content) > len(b.content)  # method 0 spends bytes to save CPU
    pa, pb = (np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB"), float) for r in (a, b))
    assert pa.shape == pb.shape == (300, 400, 3)
    assert 10 * np.log10(255**2 / np.mean((pa - pb) ** 2)) > 30  # the same picture (dB)
    jpeg = url(library, "w:400/h:300/fit:cover/f:jpeg", "land1")
    assert get(fast, jpeg).headers["x-cache"] == "render"
    assert get(default, jpeg).headers["x-cache"] == "hit"


def test_concurrent_identical_requests_render_once(library: Library) -> None:  # noqa: F811
    app = fresh(library)
    path = url(library, "w:640/h:480/fit:cover/g:sm")
    responses = asyncio.run(_send(app, [("GET", path, {"accept": "image/webp"})] * 8))
    assert all(r.status_code == 200 for r in responses)
    assert len({r.content for r in responses}) == 1
    stats = app.state.thumbnails.stats
    assert stats["renders"] == 1 and stats["shared"] == 7, stats
    assert sorted(r.headers["x-cache"] for r in responses) == ["render"] + ["shared"] * 7


def test_oversize_result_redirects_to_the_cache(library: Library) -> None:  # noqa: F811
    app = fresh(library, result_prefix="big-results", max_body=100_000)
    r = get(app, url(library, "w:800/f:png"), accept="*/*")
    assert r.status_code == 302
    location = r.headers["location"]
    assert location.startswith(f"/big-results/{library.ids['big']}/") and location.endswith(".png")
    followed = get(app, location)
    assert followed.status_code == 200 and followed.headers["content-type"] == "image/png"
    assert followed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert pyvips.Image.new_from_buffer(followed.content, "").width == 800
    assert get(app, location, if_none_match=followed.headers["etag"]).status_code == 304
    assert_error(get(app, f"/big-results/{library.ids['big']}/{'0' * 32}.png"), 404, "not_found")


def test_never_5xx_for_bad_input(library: Library) -> None:  # noqa: F811
    app = fresh(library)
    big = library.ids["big"]
    paths = [
        "/../../etc/passwd",
        f"/{'A' * 43}/w:200/{big}",
        f"/_/w:200/{big}/extra",
        "/%00/w:1/x",
        "/sig/w:1/%2e%2e",
        "/" + "a/" * 500 + "b",
        f"/{'x' * 5000}/w:1/{big}",
        "/sig/w:200/ünïcødé",
        f"/renders/{big}/..%2f..%2fcatalogue.sqlite3",
        "/renders/../../catalogue.sqlite3",
    ]
    for path in paths:
        r = get(app, path)
        assert 400 <= r.status_code < 500, (path, r.status_code)
        assert set(r.json()) == {"status", "code", "message"}
    r = asyncio.run(_send(app, [("POST", url(library, "w:200"), {})]))[0]
    assert_error(r, 405, "method_not_allowed")
    head = asyncio.run(_send(app, [("HEAD", url(library, "w:200"), {})]))[0]
    assert head.status_code == 200 and head.content == b""


def test_sign_cli_paths_are_accepted(
    library: Library,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    from pressroom.cli import main

    monkeypatch.setenv("PRESSROOM_SIGNING_KEY", f"{KEY.hex()},{OLD_KEY.hex()}")
    photo = library.ids["big"]
    assert main(["sign", "--width", "300", "--height", "200", "--fit", "cover",
                 "--gravity", "fp:0.5:0.2", "--format", "webp", "--expires", "600", photo]) == 0
    path = capsys.readouterr().out.strip()
    assert "/w:300/h:200/fit:cover/g:fp:0.5:0.2/f:webp/exp:" in path and path.endswith(f"/{photo}")
    r = get(fresh(library), path)
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp"
    assert "vary" not in r.headers
    assert main(["sign", "--preset", "thumb", photo]) == 0
    assert get(fresh(library), capsys.readouterr().out.strip()).status_code == 200
    assert main(["sign", "--width", "333", photo]) == 2  # not an allowed size
    monkeypatch.delenv("PRESSROOM_SIGNING_KEY")
    assert main(["sign", "--width", "400", photo]) == 2  # no key to sign with


def test_smart_gravity_uses_the_recorded_faces(library: Library) -> None:  # noqa: F811
    from .thumbnail_fixtures import detect_faces

    app = fresh(library)
    smart = get(app, url(library, "w:400/h:160/g:sm/f:png", "standing"))
    centre = get(app, url(library, "w:400/h:160/g:ce/f:png", "standing"))
    assert smart.status_code == centre.status_code == 200
    assert detect_faces(pyvips.Image.new_from_buffer(smart.content, "").numpy())
    assert not detect_faces(pyvips.Image.new_from_buffer(centre.content, "").numpy())


def test_smart_gravity_centres_on_recorded_face_boxes(library: Library, corpus: Any) -> None:  # noqa: F811
    """Wiring, exactly: a face recorded at the left edge makes `sm` crop at the left edge."""
    import numpy as np

    from pressroom.catalogue import open_catalogue
    from pressroom.ingest.service import Ingestor

    s = library.settings
    catalogue = open_catalogue(s)
    photo = "face-wiring"
    Ingestor(open_store(s), catalogue, s).ingest_path(corpus / "orientation/Landscape_1.jpg", photo)
    catalogue.update_data(photo, {"tags": {"faces": [{"box": [100, 900, 200, 200], "score": 0.9}]}})
    app = fresh(library)  # 1800x1200 -> cover 200x200: resized to 300x200, face centre x = 33

    def px(options: str) -> Any:
        r = get(app, signed_path(f"/{options}/{photo}", KEY))
        return pyvips.Image.new_from_buffer(r.content, "").numpy().astype(int)

    smart = px("w:200/h:200/g:sm/f:png")
    left = px("w:200/h:200/g:fp:0:0.5/f:png")
    centre = px("w:200/h:200/f:png")
    assert np.array_equal(smart, left)
    assert np.abs(smart - centre).mean() > 10
