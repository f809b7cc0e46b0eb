"""Thumbnails from the rendition ladder (pressroom.render.renditions): the smallest stored rung
that covers a request, made once, keyed by the master's version, falling back to the master.

Pixels: a thumbnail rendered from a rung is compared with the same thumbnail rendered from the
master; both are lossy JPEGs, so the bound is a PSNR (stated in the asserts)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path

import httpx
import numpy as np
import pytest
import pyvips

from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.formats import FORMATS
from pressroom.ingest.service import Ingestor
from pressroom.render.options import parse
from pressroom.render.renditions import choose, ladder, master_version, rendition_key
from pressroom.render.thumbnail import render
from pressroom.storage import open_store
from pressroom.storage.base import BlobNotFound
from tests.conftest import CORPUS

BIG = CORPUS / "big" / "olympus_12mp_42_IndexError.jpg"  # 4032x3024


@pytest.fixture()
def lib(tmp_path: Path) -> tuple[Settings, str]:
    settings = Settings(data_dir=tmp_path, allow_unsigned=True, thumb_sizes=())
    store, catalogue = open_store(settings), open_catalogue(settings)
    r = Ingestor(store, catalogue, settings).ingest_path(BIG)
    assert r.verdict == "accept" and r.id
    return settings, r.id


def _get(settings: Settings, path: str) -> httpx.Response:
    from pressroom.api.app import create_app

    app = create_app(settings, open_store(settings), open_catalogue(settings))

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(path)

    return asyncio.run(go())


def _psnr(a: bytes, b: bytes) -> float:
    x = pyvips.Image.new_from_buffer(a, "").numpy().astype(np.float64)
    y = pyvips.Image.new_from_buffer(b, "").numpy().astype(np.float64)
    assert x.shape == y.shape
    mse = float(np.mean((x - y) ** 2))
    return float("inf") if mse == 0 else 10 * float(np.log10(255**2 / mse))


def _from_master(options: str, fmt: str = "png") -> bytes:
    """The reference: the same options rendered straight from the master."""
    opts = parse(options.split("/"))
    return render(BIG.read_bytes(), opts, fmt, source_size=(4032, 3024)).data


def test_ladder_and_choice() -> None:
    data = {"master": "masters/x.jpg", "master_format": "jpeg", "width": 4032, "height": 3024,
            "proxy": "proxies/x.jpg", "proxy_width": 504, "proxy_height": 378,
            "master_sha256": "ab" * 32}  # fmt: skip
    rungs = ladder("x", data, 2048)
    assert [(r.name, r.width, r.height) for r in rungs] == [
        ("proxy", 504, 378), ("rendition", 1008, 756), ("rendition", 2016, 1512),
        ("master", 4032, 3024),
    ]  # fmt: skip
    assert rungs[1].key == rendition_key("x", "ab" * 8, 1008)
    assert choose(rungs, 400, 300)[0].name == "proxy"
    assert choose(rungs, 505, 379)[0] == rungs[1]  # one pixel more: next rung
    assert choose(rungs, 1008, 756)[0] == rungs[1]
    assert choose(rungs, 1024, 768) == rungs[2:]  # the bigger rungs are the fallbacks
    assert [r.name for r in choose(rungs, 2017, 1513)] == ["master"]
    # Renditions are 4:2:0: a full-chroma output (PNG; JPEG, AVIF from q90) takes one twice
    # its size. The proxy is 4:4:4 and covers its own size.
    assert choose(rungs, 400, 300, full_chroma=True)[0].name == "proxy"
    assert choose(rungs, 1000, 750, full_chroma=True) == rungs[2:]
    assert [r.name for r in choose(rungs, 1009, 757, full_chroma=True)] == ["master"]
    assert [FORMATS["jpeg"].full_chroma(q) for q in (0, 89, 90)] == [False, False, True]
    assert [FORMATS["avif"].full_chroma(q) for q in (0, 95)] == [False, True]
    assert FORMATS["png"].full_chroma() and not FORMATS["webp"].full_chroma(100)
    assert ladder("x", data, 0) == (rungs[0], rungs[3])  # renditions off: proxy and master
    assert ladder("x", data, 1200) == (*rungs[:2], rungs[3])
    png = {**data, "master_format": "png", "master": "masters/x.png"}
    assert [r.name for r in ladder("x", png, 2048)] == ["master"]  # alpha: master only
    # The version follows the master's bytes, also for records from before master_sha256.
    old = {k: v for k, v in data.items() if k != "master_sha256"}
    assert master_version(old) != master_version({**old, "master_bytes": 1})


@pytest.mark.parametrize(
    "options,fmt,rung,min_psnr",
    [("w:400/h:400/fit:inside", "png", 0, 36.0), ("w:300/h:300/fit:cover/g:ce", "png", 0, 36.0),
     # a full-chroma output (PNG) takes a 4:2:0 rendition twice its size
     # (1200 px needs 2400: the master itself, the very pixels of the reference)
     ("w:1000/h:1000/fit:inside", "png", 2016, 36.0), ("w:1200/h:1200/fit:inside", "png", 0, 99),
     # a 4:2:0 output (WebP; JPEG under q90) takes the smallest that covers it. Lossy against
     # lossy, 1000 px from the 1008 px rung (the least downscaling, so the most of the rung's
     # loss shows): 34.0 dB for WebP and 35.0 for JPEG, where a 4:4:4 rung gave 34.3 and 35.6
     ("w:1000/h:1000/fit:inside", "webp", 1008, 33.5),
     ("w:1200/h:1200/fit:inside", "webp", 2016, 33.5),
     ("w:1000/h:1000/fit:inside", "jpeg", 1008, 34.5)],
)  # fmt: skip
def test_rung_render_matches_master_render(
    lib: tuple[Settings, str], options: str, fmt: str, rung: int, min_psnr: float
) -> None:
    settings, pid = lib
    store = open_store(settings)
    # PNG out measures only the rung's own loss; a lossy output is compared with the same
    # output rendered from the master (a q82 JPEG of the master render is itself only 32-35
    # dB from it; from a rung it loses at most another 0.7 dB).
    r = _get(settings, f"/_/{options}/f:{fmt}/{pid}")
    assert r.status_code == 200, r.text
    rec = open_catalogue(settings).get(pid)
    assert rec is not None
    made = []
    for long_side in (1008, 2016):
        try:
            rend = pyvips.Image.new_from_buffer(
                store.get(rendition_key(pid, master_version(rec.data), long_side)), ""
            )
            made.append((rend.width, rend.height))
        except BlobNotFound:
            pass
    # only the rung that serves the request is made (none for a proxy-sized one)
    assert made == ([(rung, rung * 3 // 4)] if rung else [])
    assert _psnr(r.content, _from_master(options, fmt)) >= min_psnr


def test_a_4_2_0_rendition_loses_little_against_the_master() -> None:
    """The 1008 px rendition (4:2:0, q90) rendered to a lossless 1000 px PNG, against the
    master rendered so: the rung's own loss, chroma halving included (35.9 dB; a 4:4:4 rung
    gave 37.2, which is why full-chroma outputs take a rung twice their size)."""
    from pressroom.render.renditions import Rung, make_rendition

    master = BIG.read_bytes()
    rendition = make_rendition(master, Rung("rendition", "k", 1008, 756, half_chroma=True))
    assert pyvips.Image.new_from_buffer(rendition, "").width == 1008
    opts = parse(["w:1000", "h:1000", "fit:inside"])
    from_rung = render(rendition, opts, "png", source_size=(1008, 756)).data
    assert _psnr(from_rung, _from_master("w:1000/h:1000/fit:inside")) >= 35.0


def test_rendition_is_made_once_and_then_read(lib: tuple[Settings, str]) -> None:
    settings, pid = lib
    store = open_store(settings)
    rec = open_catalogue(settings).get(pid)
    assert rec is not None
    key = rendition_key(pid, master_version(rec.data), 1008)
    assert _get(settings, f"/_/w:900/f:jpeg/{pid}").status_code == 200
    first = store.get(key)
    # A rendition that is not what the master says proves the next render reads it.
    marker = pyvips.Image.black(1008, 756, bands=3).jpegsave_buffer()
    store.put(key, marker, "image/jpeg")
    r = _get(settings, f"/_/w:800/f:jpeg/{pid}")
    assert r.status_code == 200
    assert pyvips.Image.new_from_buffer(r.content, "").max() < 10  # rendered from the rung
    assert len(first) > 50_000


def test_missing_rungs_fall_back_to_the_master(lib: tuple[Settings, str]) -> None:
    settings, pid = lib
    store = open_store(settings)
    rec = open_catalogue(settings).get(pid)
    assert rec is not None
    store.delete(rec.data["proxy"])
    r = _get(settings, f"/_/w:400/f:jpeg/{pid}")  # proxy gone: the rendition is made
    assert r.status_code == 200
    assert _psnr(r.content, _from_master("w:400", "jpeg")) >= 34.0
    # Rendition gone too and the master cannot be read: no rung is left.
    key = rendition_key(pid, master_version(rec.data), 1008)
    store.delete(key)
    master = store.get(rec.data["master"])
    store.delete(rec.data["master"])
    assert _get(settings, f"/_/w:420/f:jpeg/{pid}").status_code == 404
    # The master back, the rendition still missing: rendered (and the rendition made).
    store.put(rec.data["master"], master, "image/jpeg")
    assert _get(settings, f"/_/w:440/f:jpeg/{pid}").status_code == 200
    assert store.get(key)


def test_new_master_gets_new_renditions_and_results(lib: tuple[Settings, str]) -> None:
    settings, pid = lib
    settings = Settings(**{**settings.__dict__, "result_prefix": f"r-{uuid.uuid4().hex[:6]}"})
    store, catalogue = open_store(settings), open_catalogue(settings)
    before = _get(settings, f"/_/w:900/f:jpeg/{pid}")
    rec = catalogue.get(pid)
    assert rec is not None
    old_key = rendition_key(pid, master_version(rec.data), 1008)
    # The master changes (say, a re-orientation by staff): new bytes, new recorded hash.
    flipped = pyvips.Image.new_from_buffer(store.get(rec.data["master"]), "").flip("vertical")
    new = flipped.jpegsave_buffer(Q=92)
    store.put(rec.data["master"], new, "image/jpeg")
    store.delete(rec.data["proxy"])  # the proxy was of the old master
    catalogue.update_data(pid, {"master_sha256": hashlib.sha256(new).hexdigest()})
    rec2 = catalogue.get(pid)
    assert rec2 is not None
    new_key = rendition_key(pid, master_version(rec2.data), 1008)
    assert new_key != old_key
    after = _get(settings, f"/_/w:900/f:jpeg/{pid}")  # a fresh app: no cached record
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    a = pyvips.Image.new_from_buffer(before.content, "").numpy().astype(int)
    b = pyvips.Image.new_from_buffer(after.content, "").numpy().astype(int)
    # The new master's pixels: the old thumbnail flipped, not the old thumbnail.
    assert np.abs(a[::-1] - b).mean() < 5 < np.abs(a - b).mean()
    assert store.get(new_key)
