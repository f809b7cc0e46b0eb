"""A ladder of smaller JPEGs beside each master, so a cold thumbnail never decodes 12 MP.

Rungs, smallest first (all upright sRGB JPEGs of the same master):

    proxy       <= proxy_size px, written by ingest from its 1/8 decode (free: it exists)
    renditions  the master at each JPEG DCT scale (1/4, 1/2) whose long side lies between
                the proxy's and `rendition_size` (a 4032 px master: 1008 and 2016 px), q90
                4:2:0, each made once, on the first cold request that needs it (concurrent
                ones wait for it), and stored at a key derived from the master's bytes
    master      everything bigger, and anything with alpha (PNG masters)

Two renditions, not one: a 1008 px request from the 2016 px rung still entropy-decodes its
3 MP (DCT scaling saves only the IDCT), about twice the work of reading the 1008 px rung.

A request renders from the smallest rung that covers its resize target in both sides,
with shrink-on-load (libvips picks the DCT scale). Renditions are 4:2:0, as every output but
two is: WebP always, JPEG and AVIF below q90. Their colour is at half their size, so for a
full-chroma output (PNG, JPEG or AVIF from q90) a rendition covers only half its size. 4:2:0
decodes ~1 ms faster at 816 px than 4:4:4 (2.4 against 3.35 ms, timed by hand) and is
~20% smaller.

A rung whose blob is missing falls back to the next one up. Invalidation: the rendition's
key carries a version of the master (its sha256 when ingest recorded it, else the source's
sha256 and the master's size), so a new master gets new renditions and the old ones are
never read again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pyvips

from ..imaging import encode_jpeg
from .jpeg import decode, jpeg_size

RENDITION_QUALITY = 90  # a rendition is resized and encoded again: keep its own loss small


@dataclass(frozen=True)
class Rung:
    name: str  # "proxy" | "rendition" | "master"
    key: str
    width: int  # upright pixels; for a rendition not yet made, its planned size
    height: int
    half_chroma: bool = False  # 4:2:0 (renditions): colour at half the width and height

    def covers(self, width: int, height: int, full_chroma: bool = False) -> bool:
        k = 2 if full_chroma and self.half_chroma else 1
        return self.width >= k * width and self.height >= k * height


def master_version(data: dict[str, Any]) -> str:
    """Changes whenever the master's bytes do (a record from before master_sha256 existed
    falls back to what identified its master then)."""
    if data.get("master_sha256"):
        return str(data["master_sha256"])[:16]
    text = f"{data.get('master')}|{data.get('sha256')}|{data.get('master_bytes')}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rendition_key(photo_id: str, version: str, long_side: int) -> str:
    return f"renditions/{photo_id}/{version}-{long_side}.jpg"


def rendition_shrinks(width: int, height: int, smallest: int, size: int) -> list[int]:
    """The DCT shrinks (4, 2) whose decoded long side lies in (smallest, size], big first."""
    long_side = max(width, height)
    return [s for s in (2, 4) if smallest < -(-long_side // s) <= size]


def ladder(photo_id: str, data: dict[str, Any], rendition_size: int) -> tuple[Rung, ...]:
    """The rungs of one photo's record data, smallest first; the master always last."""
    width, height = int(data.get("width") or 0), int(data.get("height") or 0)
    master = Rung("master", str(data["master"]), width, height)
    if data.get("master_format") != "jpeg" or not width or not height:
        return (master,)  # alpha must come from the PNG master
    rungs: list[Rung] = []
    pw, ph = data.get("proxy_width"), data.get("proxy_height")
    if data.get("proxy") and pw and ph:
        rungs.append(Rung("proxy", str(data["proxy"]), int(pw), int(ph)))
    smallest = max(rungs[0].width, rungs[0].height) if rungs else 0
    version = master_version(data)
    for s in reversed(rendition_shrinks(width, height, smallest, rendition_size)):
        rw, rh = -(-width // s), -(-height // s)  # libjpeg rounds scaled sides up
        key = rendition_key(photo_id, version, max(rw, rh))
        rungs.append(Rung("rendition", key, rw, rh, half_chroma=True))
    rungs.append(master)
    return tuple(rungs)


def choose(
    rungs: tuple[Rung, ...], width: int, height: int, full_chroma: bool = False
) -> tuple[Rung, ...]:
    """The rungs to try for a resize target, in order: the smallest that covers it, then
    each bigger one (the fallbacks when a blob is missing). `full_chroma`: the output keeps
    colour at full resolution (see the module notes)."""
    for i, rung in enumerate(rungs):
        if rung.covers(width, height, full_chroma):
            return rungs[i:]
    return rungs[-1:]


def make_rendition(master: bytes, rung: Rung) -> bytes:
    """The rendition's JPEG: the master decoded once at the rendition's DCT scale (simplejpeg),
    encoded 4:2:0 by TurboJPEG (imaging.encode_jpeg): half libvips' CPU for the same pixels.
    No optimised Huffman tables: they would add ~40% to the encode to save ~5% of a blob
    read rarely."""
    size = jpeg_size(master)
    if size is None:  # not ours to read fast: libvips, at the same scale
        head = pyvips.Image.new_from_buffer(master, "", access="sequential")
        size = head.width, head.height
    img = decode(master, max(1, round(size[0] / rung.width)), access="sequential")
    return encode_jpeg(img, RENDITION_QUALITY, half_chroma=True)
