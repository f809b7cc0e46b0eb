"""The thumbnail service behind the HTTP routes: photo look-up, result cache, renders.

Result-cache keys are `{prefix}/{photo id}/{digest}.{ext}`, the digest an HMAC (with the
signing key, so knowing a photo id is not enough to name its renders) over the engine
version, photo id, canonical options, chosen format and, for smart crops, the faces.
The digest doubles as the strong ETag: same inputs, same bytes.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import re
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from starlette.concurrency import run_in_threadpool

from .. import memory
from ..catalogue.base import Catalogue
from ..config import Settings
from ..formats import FORMATS, content_type
from ..ids import is_id
from ..photos import Face, PhotoFacts
from ..render import renditions
from ..render.options import ThumbOptions, canonical
from ..render.renditions import Rung
from ..render.thumbnail.steps.plan import sizes
from ..storage.base import BlobNotFound, BlobStore
from .errors import ApiError
from .singleflight import SingleFlight

ENGINE_VERSION = "2"  # bump when the engine's output changes: new keys, new ETags
_EXTENSIONS = "|".join(f.extension for f in FORMATS.values())
RESULT_NAME = re.compile(rf"^[0-9a-f]{{32}}\.({_EXTENSIONS})$")
RECORD_TTL = 60.0  # seconds a photo's facts are reused (tags may arrive later)
RECORD_CACHE_SIZE = 10_000
IDLE_TRIM_SECONDS = 2.0  # no render for this long: give freed pixel memory back (memory.py)


@dataclass(frozen=True)
class Photo:
    id: str
    master: str
    width: int
    height: int
    alpha: bool  # the master keeps an alpha channel (PNG master)
    faces: tuple[Face, ...]  # in master pixels, as the tagger recorded them
    faces_fp: str  # fingerprint of the faces, part of smart-crop cache keys
    version: str = ""  # of the master's bytes: a new master gets new result keys
    rungs: tuple[Rung, ...] = ()  # proxy, rendition, master (pressroom.render.renditions)


@dataclass(frozen=True)
class Result:
    key: str
    etag: str
    format: str
    data: bytes
    source: str  # "hit" | "render" | "shared"


class Thumbnails:
    def __init__(self, settings: Settings, store: BlobStore, catalogue: Catalogue) -> None:
        self.settings = settings
        self.store = store
        self.catalogue = catalogue
        self._secret = settings.signing_keys[0] if settings.signing_keys else b"pressroom"
        self._photos: OrderedDict[str, tuple[float, Photo]] = OrderedDict()
        self._flight: SingleFlight[bytes] = SingleFlight()
        # Renders are CPU-bound and release the GIL inside libvips: one thread per core.
        self._pool = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="render")
        self.stats = {"renders": 0, "hits": 0, "shared": 0}
        self._busy = 0  # renders in progress
        self._trim_timer: asyncio.TimerHandle | None = None

    # -- photos ---------------------------------------------------------------------------

    async def photo(self, photo_id: str) -> Photo:
        if not is_id(photo_id):
            raise ApiError("not_found")
        now = time.monotonic()
        cached = self._photos.get(photo_id)
        if cached and cached[0] > now:
            return cached[1]
        record = await run_in_threadpool(self.catalogue.get, photo_id)
        facts = None if record is None else PhotoFacts.from_record(record)
        if facts is None or facts.state != "uploaded" or not facts.master:
            raise ApiError("not_found")
        faces = tuple(facts.faces)
        photo = Photo(
            id=photo_id,
            master=facts.master,
            width=facts.width,
            height=facts.height,
            alpha=facts.data.get("master_format") == "png",
            faces=faces,
            faces_fp=_fingerprint(faces),
            version=renditions.master_version(facts.data),
            rungs=renditions.ladder(photo_id, facts.data, self.settings.rendition_size),
        )
        self._photos[photo_id] = (now + RECORD_TTL, photo)
        self._photos.move_to_end(photo_id)
        while len(self._photos) > RECORD_CACHE_SIZE:
            self._photos.popitem(last=False)
        return photo

    def check_limits(self, photo: Photo) -> None:
        limit = self.settings.limits.max_pixels
        if photo.width * photo.height > limit:
            raise ApiError("source_too_large")

    # -- results --------------------------------------------------------------------------

    def key(self, photo: Photo, opts: ThumbOptions, fmt: str) -> tuple[str, str]:
        """(cache key, digest)."""
        smart = opts.fit == "cover" and opts.gravity == "sm"
        text = "|".join(
            (
                ENGINE_VERSION,
                photo.id,
                photo.version,
                canonical(opts),
                fmt,
                photo.faces_fp if smart else "",
            )  # fmt: skip
            # A WebP's bytes depend on the effort too (other formats' keys stay as they were).
            + ((str(self.settings.webp_effort),) if fmt == "webp" else ())
        )
        digest = hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{self.settings.result_prefix}/{photo.id}/{digest}.{FORMATS[fmt].extension}", digest

    async def get(self, photo: Photo, opts: ThumbOptions, fmt: str) -> Result:
        key, digest = self.key(photo, opts, fmt)
        try:
            data = await self._read(key)
            self.stats["hits"] += 1
            return Result(key, digest, fmt, data, "hit")
        except BlobNotFound:
            pass
        data, shared = await self._flight.do(key, lambda: self._render(photo, opts, fmt, key))
        self.stats["shared" if shared else "renders"] += 1
        return Result(key, digest, fmt, data, "shared" if shared else "render")

    async def _render(self, photo: Photo, opts: ThumbOptions, fmt: str, key: str) -> bytes:
        """Read the smallest rung that covers the request, render, store the result: one hop
        to a render thread when the rung is there (each thread hop costs ~0.5 ms of CPU in
        wake-ups, as much as the reads themselves). A missing rung takes the slow path below.
        The flight ends once the result is in the cache."""
        rungs = self._rungs(photo, opts, fmt)
        loop = asyncio.get_running_loop()
        job = partial(self._render_job, photo, opts, fmt, key)
        self._busy += 1
        try:
            data = await loop.run_in_executor(self._pool, job, rungs[0].key, None)
            if data is None:
                source = await self._source(photo, rungs)
                data = await loop.run_in_executor(self._pool, job, "", source)
        finally:
            self._busy -= 1
            if self._busy == 0:
                if self._trim_timer is not None:
                    self._trim_timer.cancel()
                self._trim_timer = loop.call_later(IDLE_TRIM_SECONDS, self._trim_if_idle)
        assert data is not None
        return data

    def _trim_if_idle(self) -> None:
        self._trim_timer = None
        if self._busy == 0:
            self._pool.submit(memory.trim)

    def _render_job(
        self, photo: Photo, opts: ThumbOptions, fmt: str, key: str, rung: str, source: bytes | None
    ) -> bytes | None:
        """None when the rung's blob is missing."""
        if source is None:
            try:
                source = self.store.get(rung)
            except BlobNotFound:
                return None
        data, ctype = self._render_sync(source, photo, opts, fmt)
        self.store.put(key, data, ctype, durable=False)  # a cache entry: made again if lost
        return data

    def _rungs(self, photo: Photo, opts: ThumbOptions, fmt: str) -> tuple[Rung, ...]:
        """The rungs to try: the smallest that covers the request first, then bigger ones."""
        rungs: tuple[Rung, ...] = photo.rungs or (Rung("master", photo.master, 0, 0),)
        if photo.width and photo.height:
            full = FORMATS[fmt].full_chroma(opts.quality)
            rungs = renditions.choose(rungs, *_decoded_size(photo, opts), full_chroma=full)
        return rungs

    async def _source(self, photo: Photo, rungs: tuple[Rung, ...]) -> bytes:
        """The first rung that can be read. A missing rendition is made once from the master
        (concurrent requests share it); a missing proxy or a rendition that cannot be made
        falls back to the next rung."""
        for rung in rungs:
            try:
                return await self._read(rung.key)
            except BlobNotFound:
                if rung.name == "rendition":
                    made, _ = await self._flight.do(rung.key, partial(self._make, photo, rung))
                    if made:
                        return made
        raise ApiError("not_found")

    async def _read(self, key: str) -> bytes:
        """A result or a rung (tens of KB): read right here from a local store, where a
        thread hop would cost more than the read, else on a thread. An empty one is missing:
        results are written without fsync (BlobStore.put), and a power cut can leave one
        empty."""
        if self.store.inline_reads:
            data = self.store.get(key)
        else:
            data = await run_in_threadpool(self.store.get, key)
        if not data:
            raise BlobNotFound(key)
        return data

    async def _make(self, photo: Photo, rung: Rung) -> bytes:
        """The rendition's bytes, stored beside the master; b"" when the master is gone."""
        try:
            master = await run_in_threadpool(self.store.get, photo.master)
        except BlobNotFound:
            return b""
        loop = asyncio.get_running_loop()
        data = await loop.run_in_executor(self._pool, renditions.make_rendition, master, rung)
        await run_in_threadpool(self.store.put, rung.key, data, content_type("jpeg"))
        return data

    def _render_sync(
        self, source: bytes, photo: Photo, opts: ThumbOptions, fmt: str
    ) -> tuple[bytes, str]:
        from ..render.thumbnail import RenderLimit, render

        try:
            out = render(
                source,
                opts,
                fmt,
                source_size=(photo.width, photo.height) if photo.width else None,
                faces=photo.faces,
                max_pixels=self.settings.limits.max_pixels,
                webp_effort=self.settings.webp_effort,
            )
        except RenderLimit:
            raise ApiError(
                "source_too_large", message="The result would be over the size limits."
            ) from None
        return out.data, out.content_type

    async def result(self, photo_id: str, name: str) -> tuple[bytes, str]:
        """A cached result by name (the target of oversize redirects)."""
        if not is_id(photo_id) or not RESULT_NAME.match(name):
            raise ApiError("not_found", message="No such result.")
        try:
            data = await self._read(f"{self.settings.result_prefix}/{photo_id}/{name}")
        except BlobNotFound:
            raise ApiError("not_found", message="No such result.") from None
        return data, content_type(name.rsplit(".", 1)[1])

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _decoded_size(photo: Photo, opts: ThumbOptions) -> tuple[int, int]:
    """The whole-photo size the load step resizes the source to (as it plans it): with a
    region, the photo at the scale that brings the region to its target."""
    region = getattr(opts, "region", None)
    if region is None:
        return sizes(photo.width, photo.height, opts)[0]
    (rw, rh), _ = sizes(region[2], region[3], opts)
    s = min(1.0, max(rw / region[2], rh / region[3]))
    return max(1, round(photo.width * s)), max(1, round(photo.height * s))


def _fingerprint(faces: tuple[Face, ...]) -> str:
    if not faces:
        return ""
    # A face recorded without a score counts 1.0 (as the crop reads it): same keys as before.
    boxes = [[*f.box, 1.0 if f.score is None else f.score] for f in faces]
    return hashlib.sha256(json.dumps(boxes).encode()).hexdigest()[:16]
