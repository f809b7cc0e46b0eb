"""Hostile input, from an attacker's side: forged, cut, stale or retired signatures; path
traversal in ids, keys and cache names; URLs where ids belong (no fetching: no SSRF); every
request option past its limit; hostile files that must never reach ImageMagick, Ghostscript
or exiftool (nor libvips' untrusted loaders, nor Pillow's EPS reader); and metadata payloads
that must not survive into masters, proxies or thumbnails."""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest
import pyvips

from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.render import signature
from pressroom.render.signature import sign, signed_path
from pressroom.storage import open_store

KEY = bytes.fromhex("5e" * 32)
SECOND = bytes.fromhex("a1" * 32)  # the other key of the rotation
RETIRED = bytes.fromhex("07" * 32)  # signed links last month; no longer configured

PAYLOADS = (b"<?php", b"<?=", b"<script", b"alert(", b"onload=", b"onmouseover", b"/etc/passwd",
            b"system(")  # fmt: skip
ACCEPTED_HOSTILE = [
    "hostile/PHP_exif_system.jpg",
    "hostile/PNG_32x32_resize_bypass_use_LFI.png",
    "hostile/imagemagick_CVE-2022-44268.png",
    "hostile/payload_in_all_known_metadata.jpg",
    "hostile/xss_comment_exif_metadata_double_quote.png",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> dict[str, Any]:
    """The hostile files that are valid images, ingested; an app over them."""
    from pressroom.api.app import create_app

    data = tmp_path_factory.mktemp("hostile")
    settings = Settings(data_dir=data, signing_keys=(KEY, SECOND), thumb_sizes=())
    store, catalogue = open_store(settings), open_catalogue(settings)
    ingestor = Ingestor(store, catalogue, settings)
    ids = {}
    for rel in [*ACCEPTED_HOSTILE, "orientation/Landscape_6.jpg"]:
        r = ingestor.ingest_path(corpus / rel)
        assert r.verdict == "accept", (rel, r)
        ids[Path(rel).name] = r.id
    app = create_app(settings, store, catalogue)
    return {"settings": settings, "store": store, "catalogue": catalogue, "ids": ids, "app": app}


def get(app: Any, path: str, **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t.test") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(go())


def status(app: Any, path: str) -> int:
    r = get(app, path)
    if r.status_code >= 400:  # the error contract: JSON, a code, never a traceback
        assert set(r.json()) == {"status", "code", "message"}
        assert "Traceback" not in r.text
    return r.status_code


# --------------------------------------------------------------------------- signatures


def test_signature_forgeries_are_403(site: dict[str, Any]) -> None:
    app, pid = site["app"], site["ids"]["Landscape_6.jpg"]
    other = site["ids"]["PHP_exif_system.jpg"]
    path = f"/w:200/h:200/{pid}"
    sig = sign(path, KEY)
    assert status(app, f"/{sig}{path}") == 200
    assert status(app, f"/{sign(path, SECOND)}{path}") == 200  # rotation: any current key
    flipped = {
        i: sig[:i] + ("B" if sig[i] == "A" else "A") + sig[i + 1 :] for i in range(len(sig))
    }
    forged = {
        "retired key": f"/{sign(path, RETIRED)}{path}",
        "truncated by one": f"/{sig[:-1]}{path}",
        "truncated to half": f"/{sig[:21]}{path}",
        "padded": f"/{sig}={path}",
        "standard base64 alphabet": f"/{sig.replace('-', '+').replace('_', '/')}{path}",
        "upper-cased": f"/{sig.upper()}{path}",
        "another photo": f"/{sig}/w:200/h:200/{other}",
        "another size": f"/{sig}/w:400/h:200/{pid}",
        "option appended": f"/{sig}/w:200/h:200/q:10/{pid}",
        "key as signature": f"/{KEY.hex()}{path}",
        **{f"char {i} changed": f"/{s}{path}" for i, s in flipped.items()},
    }
    if "-" not in sig and "_" not in sig:  # nothing to re-spell in this signature
        del forged["standard base64 alphabet"]
    for name, url in forged.items():
        assert status(app, url) == 403, name


def test_expired_and_stretched_links_are_403(site: dict[str, Any]) -> None:
    app, pid = site["app"], site["ids"]["Landscape_6.jpg"]
    past = int(time.time()) - 1
    r = get(app, signed_path(f"/w:200/exp:{past}/{pid}", KEY))
    assert (r.status_code, r.json()["code"]) == (403, "expired")
    # Moving the expiry into the future without re-signing breaks the signature.
    sig = sign(f"/w:200/exp:{past}/{pid}", KEY)
    r = get(app, f"/{sig}/w:200/exp:{past + 10**6}/{pid}")
    assert (r.status_code, r.json()["code"]) == (403, "bad_signature")


def test_signature_check_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """hmac.compare_digest for every configured key, also when the first one matches, so
    response time says nothing about how much of a forgery was right or which key signed."""
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(signature.hmac, "compare_digest", counting)
    keys = (KEY, SECOND, bytes(32))
    assert signature.verify(sign("/w:1/x", KEY), "/w:1/x", keys)
    assert not signature.verify("A" * 43, "/w:1/x", keys)
    assert len(calls) == 6


# --------------------------------------------------------------------------- traversal

TRAVERSALS = [
    "..", "../x", "../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252f", "..%5c..%5cwin.ini", "..\\..\\x",
    "%00", "x%00.jpg", "masters%2F..%2F..%2Fcatalogue.sqlite3", "%2Fetc%2Fpasswd", "~root",
]  # fmt: skip


def test_traversal_in_photo_ids_and_result_names_is_refused(site: dict[str, Any]) -> None:
    """Even with a valid signature (a bug elsewhere signing what it should not), an id or a
    cache name that could leave the store is a 404."""
    app, prefix = site["app"], site["settings"].result_prefix
    for evil in TRAVERSALS:
        assert status(app, signed_path(f"/w:200/{evil}", KEY)) in (400, 403, 404), evil
        # (the client may normalise "../" away first: then the signature no longer matches)
        code = status(app, f"/{prefix}/{evil}/{'0' * 32}.jpg")
        assert code in (400, 403, 404), evil
        code = status(app, f"/{prefix}/{site['ids']['Landscape_6.jpg']}/{evil}")
        assert code in (400, 403, 404), evil


def test_tampered_record_cannot_point_outside_the_store(site: dict[str, Any]) -> None:
    """A record whose master key was altered (SQL injection elsewhere, say) reads nothing."""
    cat, app = site["catalogue"], site["app"]
    secret = site["settings"].data_dir / "secret.txt"
    secret.write_text("top secret")
    for i, master in enumerate(["../secret.txt", "/etc/passwd", "masters/../../secret.txt",
                                "http://127.0.0.1:9/x.jpg", "file:///etc/passwd"]):  # fmt: skip
        pid = f"tampered{i}"
        cat.complete(pid, "uploaded", data={"master": master, "width": 10, "height": 10})
        r = get(app, signed_path(f"/w:200/{pid}", KEY))
        assert r.status_code != 200 and b"top secret" not in r.content and b"root:" not in r.content


def test_cli_ingest_refuses_an_id_that_is_not_a_plain_name(corpus: Path, tmp_path: Path) -> None:
    for evil in ("../../etc/x", "/abs", "a/b", "a b", "x" * 65, ""):
        r = subprocess.run(
            [sys.executable, "-m", "pressroom", "ingest", "--id", evil, "--data",
             str(tmp_path), str(corpus / "valid/png/basn2c08.png")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert r.returncode == 2 and "Traceback" not in r.stderr, (evil, r.stderr)
    assert not list(open_catalogue(Settings(data_dir=tmp_path)).list())


# --------------------------------------------------------------------------- SSRF


@pytest.fixture
def listener() -> Any:
    """A TCP port on loopback that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.1)
    hits: list[Any] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                hits.append(sock.accept()[0])
            except TimeoutError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield sock.getsockname()[1], hits
    stop.set()
    t.join()
    sock.close()


def test_no_url_is_ever_fetched(site: dict[str, Any], listener: Any) -> None:
    port, hits = listener
    app, cat = site["app"], site["catalogue"]
    url = f"http://127.0.0.1:{port}/x.jpg"
    for pid in (url, urllib.parse.quote(url, safe=""), f"127.0.0.1:{port}"):
        assert status(app, signed_path(f"/w:200/{pid}", KEY)) in (403, 404)
    cat.complete("remote", "uploaded", data={"master": url, "width": 10, "height": 10})
    assert status(app, signed_path("/w:200/remote", KEY)) != 200
    # An SVG that references the port is refused before any loader could follow the link.
    from pressroom.ingest.pipeline import validate

    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}"/></svg>'.encode()
    assert validate(svg)[0].reason == "unsupported_format"  # sniffed, never decoded
    with pytest.raises(pyvips.Error):
        pyvips.Image.new_from_buffer(svg, "")
    time.sleep(0.3)
    assert hits == []


def test_the_image_paths_import_no_http_client() -> None:
    """Sources come only from the configured store: the thumbnail service and ingest load
    no HTTP client (file storage; S3 goes through boto3 only when configured)."""
    code = (
        "import sys, pressroom.api.app, pressroom.ingest.service, pressroom.render.thumbnail\n"
        "from pressroom.storage import open_store\n"
        "from pressroom.config import Settings\n"
        "open_store(Settings())\n"
        "bad = {'urllib.request', 'requests', 'urllib3', 'httpx', 'aiohttp', 'botocore'}\n"
        "print(sorted(bad & set(sys.modules)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


# --------------------------------------------------------------------------- request limits

OVER_LIMITS = [
    "w:4097", "h:4097", "w:-1", "w:1e3", "w:99999999999999999999", "w:0/h:0", "w:abc",
    "w:2048/dpr:3", "w:400/dpr:4.5", "w:400/dpr:0.5", "w:400/dpr:nan", "w:400/dpr:inf",
    "w:400/q:0", "w:400/q:101", "w:400/q:", "w:400/fit:stretch", "w:400/g:fp:1.5:0",
    "w:400/g:fp:nan:0", "w:400/g:north", "w:400/f:gif", "w:400/f:svg", "w:400/f:pdf",
    "w:400/bg:fff", "w:400/bg:gggggg", "w:400/exp:-5", "w:400/exp:" + "9" * 20,
    "w:400/pr:nope", "w:400/url:http:example.com", "w:400/src:x", "w:400/" + "q:80/" * 1,
]  # fmt: skip


@pytest.mark.parametrize("opts", OVER_LIMITS[:-1])
def test_every_option_has_a_limit(site: dict[str, Any], opts: str) -> None:
    r = get(site["app"], signed_path(f"/{opts}/{site['ids']['Landscape_6.jpg']}", KEY))
    assert (r.status_code, r.json()["code"]) == (400, "bad_options"), opts


def test_absurd_urls_are_4xx_not_5xx(site: dict[str, Any]) -> None:
    pid = site["ids"]["Landscape_6.jpg"]
    many = "/".join(["w:200"] * 2000)
    for path in (
        signed_path(f"/{many}/{pid}", KEY),  # repeated options: parsed, bounded, rendered once
        signed_path(f"/w:200/{'x' * 10_000}", KEY),
        "/" + "%" * 3000,
        signed_path(f"/w:200/{pid}" + "/" * 50, KEY),
    ):
        assert status(site["app"], path) in (200, 400, 403, 404)


# --------------------------------------------------------------------------- untrusted tools

TOOLS = ("convert", "magick", "identify", "mogrify", "composite", "gs", "gsx", "exiftool",
         "rsvg-convert", "inkscape", "ffmpeg", "dcraw", "potrace")  # fmt: skip

AUDIT = '''
import os, sys
MARK = os.environ["PRESSROOM_TEST_MARKS"]
def hook(event, args):
    if event == "subprocess.Popen" and list(args[1]) == ["/sbin/ldconfig", "-p"]:
        return  # ctypes.util.find_library asking where libmagic is: no user data involved
    if event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                 "os.fork", "os.forkpty", "pty.spawn"):
        with open(MARK, "a") as f:
            f.write(f"{os.getpid()} {event} {args!r}\\n")
sys.addaudithook(hook)
'''


def test_hostile_files_never_reach_external_tools(corpus: Path, tmp_path: Path) -> None:
    """validate, ingest and thumb over hostile/, notimage/ and bombs/ with fake ImageMagick,
    Ghostscript and exiftool first on PATH, and an audit hook in every Python process
    (workers included) logging any attempt to start a program."""
    bin_dir, site_dir = tmp_path / "bin", tmp_path / "site"
    bin_dir.mkdir()
    site_dir.mkdir()
    called = tmp_path / "called.txt"
    marks = tmp_path / "spawned.txt"
    for tool in TOOLS:
        exe = bin_dir / tool
        exe.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{called}"\nexit 1\n')
        exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    (site_dir / "sitecustomize.py").write_text(AUDIT)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": os.pathsep.join([str(site_dir), os.environ.get("PYTHONPATH", "")]),
        "PRESSROOM_TEST_MARKS": str(marks),
        "PRESSROOM_TAGS": "0",
        "PRESSROOM_WORKERS": "2",
    }
    folders = [str(corpus / d) for d in ("hostile", "notimage", "bombs")]
    runs = [
        ["validate", "--json", *folders],
        ["ingest", "--json", "--data", str(tmp_path / "data"), *folders],
    ]
    files = sorted(p for d in folders for p in Path(d).iterdir())
    runs += [["thumb", "--json", "-w", "64", str(p), "-o", str(tmp_path / "t.jpg")]
             for p in files[::3]]  # fmt: skip
    for args in runs:
        r = subprocess.run([sys.executable, "-m", "pressroom", *args], capture_output=True,
                           text=True, timeout=300, env=env)  # fmt: skip
        assert "Traceback" not in r.stderr, (args, r.stderr[-2000:])
        assert r.returncode in (0, 1), (args, r.returncode, r.stderr[-2000:])
    assert not called.exists(), called.read_text()
    assert marks.exists() is False or marks.read_text() == "", marks.read_text()
    # The traps work: a process that does start a tool is caught by both.
    probe = "import subprocess; subprocess.run(['convert', 'x.svg', 'x.png'])"
    subprocess.run([sys.executable, "-c", probe], env=env, timeout=60)
    assert called.read_text().startswith("convert x.svg") and "Popen" in marks.read_text()


def test_untrusted_libvips_loaders_are_blocked(corpus: Path) -> None:
    from pressroom.imaging import setup

    setup()  # blocks them (ingest and render call it before any decode)

    for rel in ("notimage/SVG_XSS1.svg", "notimage/convert_local_etc_passwd.svg",
                "notimage/PDF 2.0 image with BPC.pdf", "notimage/imagetragick_mvg_file_read.jpg",
                "notimage/ghostscript_ps_id.jpg"):  # fmt: skip
        with pytest.raises(pyvips.Error):
            pyvips.Image.new_from_buffer((corpus / rel).read_bytes(), "").avg()
    for loader in ("svgload_buffer", "pdfload_buffer", "magickload_buffer"):
        fn = getattr(pyvips.Image, loader, None)
        if fn is not None:
            with pytest.raises(pyvips.Error):
                fn(b"<svg/>")


def test_pillow_is_never_asked_for_eps_or_postscript(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import EpsImagePlugin, Image

    from pressroom.ingest.pipeline import validate

    asked: list[Any] = []
    real_open = Image.open

    def spy(fp: Any, mode: str = "r", formats: Any = None) -> Any:
        asked.append(formats)
        return real_open(fp, mode, formats)

    def never(*_: Any) -> None:
        raise AssertionError("Pillow's EPS reader was reached")

    monkeypatch.setattr(Image, "open", spy)
    monkeypatch.setattr(EpsImagePlugin.EpsImageFile, "_open", never)
    files = [p for d in ("hostile", "notimage", "bombs") for p in (corpus / d).iterdir()]
    verdicts = {p.name: validate(p.read_bytes())[0].reason for p in files}
    assert verdicts["ghostscript_ps_id.jpg"] == "not_an_image"  # PostScript, named .jpg
    assert verdicts["imagetragick_mvg_file_read.jpg"] == "unsupported_format"  # MVG
    assert asked and all(f == ["PNG"] for f in asked), asked


# --------------------------------------------------------------------------- metadata


def _payload_free(data: bytes, what: str) -> None:
    lowered = data.lower()
    for p in PAYLOADS:
        assert p not in lowered, (what, p)
    img = pyvips.Image.new_from_buffer(data, "")
    fields = set(img.get_fields())
    assert not fields & {"exif-data", "xmp-data", "iptc-data", "orientation"}, (what, fields)
    for name in fields:
        if name.endswith("-data") or name.startswith(("png-comment", "exif-")):
            assert name == "icc-profile-data", (what, name)


@pytest.mark.parametrize("name", [Path(p).name for p in ACCEPTED_HOSTILE])
def test_metadata_payloads_never_reach_outputs(site: dict[str, Any], name: str) -> None:
    pid, store, cat = site["ids"][name], site["store"], site["catalogue"]
    rec = cat.get(pid)
    _payload_free(store.get(rec.data["master"]), "master")
    _payload_free(store.get(rec.data["proxy"]), "proxy")
    for fmt in ("jpeg", "webp", "avif", "png"):
        r = get(site["app"], signed_path(f"/w:64/f:{fmt}/{pid}", KEY))
        assert r.status_code == 200, (fmt, r.text)
        _payload_free(r.content, f"{fmt} thumbnail")
    # The record keeps a few facts as plain strings (escaped by whoever shows them), never
    # the raw metadata blocks.
    assert not {"exif", "xmp", "iptc", "comment"} & {k.lower() for k in rec.data}
    assert len(json.dumps(rec.data)) < 4096


def test_option_parser_fuzz_only_ever_refuses_cleanly() -> None:
    """20,000 random option paths: parsed within limits, or BadOptions; nothing else."""
    import random

    from pressroom.config import THUMB_PRESETS
    from pressroom.render.options import MAX_SIDE, BadOptions, parse

    rng = random.Random(8)
    names = ["w", "h", "width", "fit", "g", "dpr", "f", "q", "bg", "exp", "pr", "x", ""]
    values = ["0", "1", "-1", "400", "4096", "4097", "1e9", "nan", "inf", "-inf", "0x10", "1_0",
              "２００", "cover", "sm", "fp:0.5:0.5", "fp:2:2", "fp::", "thumb", "thumb:small",
              "ffffff", "zz", "", ":", "::", "9" * 400, "\x00", "%00", "ü"]  # fmt: skip
    presets = dict(THUMB_PRESETS)
    accepted = 0
    for _ in range(20_000):
        segs = [f"{rng.choice(names)}:{rng.choice(values)}" for _ in range(rng.randint(1, 6))]
        try:
            o = parse(segs, presets, ())
        except BadOptions:
            continue
        accepted += 1
        assert max(o.box) <= MAX_SIDE and 1 <= o.dpr <= 4 and 0 <= o.quality <= 100
        assert 0 <= o.focus[0] <= 1 and 0 <= o.focus[1] <= 1
        assert signature.verify("".join(segs)[:43], "/" + "/".join(segs), (KEY,)) is False
    assert accepted > 100  # and some got through, within the limits
