"""Live page previews for the app's editor: one page of a stored design at a requested size.

    GET /{signature}/page/{options}/{design hash}/{page}     page: "cover" or 1..N

Signed and cached exactly as thumbnails are: the signature is the thumbnail signature over
the path after it (`pressroom sign`'s scheme, keys rotate, `/_/` only with
PRESSROOM_ALLOW_UNSIGNED), options are thumbnail options (`w:`, `h:`, `dpr:`, `f:`, `q:`,
`exp:`; the page keeps its shape inside the box), results live in the blob store under
`{result prefix}/pages/{design hash}/` and concurrent identical requests render once. The
digest (ETag and cache key) covers the design, the page, the options, the format and what the
page's photos' records say (size, master, faces), so an edit is a new design hash and a
remastered photo a new key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..books import page_preview as pv
from ..catalogue.base import Catalogue
from ..config import Settings
from ..formats import FORMATS, content_type
from ..photos import PhotoFacts
from ..render import options as options_mod
from ..render.negotiate import choose_format
from ..render.options import ThumbOptions, canonical
from ..storage.base import BlobNotFound, BlobStore
from .designs import HASH, DesignStore
from .errors import ApiError
from .singleflight import SingleFlight

# The options a page takes: its size and encoding (a page is never cropped or padded).
PAGE_OPTIONS = {"w", "width", "h", "height", "dpr", "f", "format", "ext", "q", "quality",
                "exp", "expires"}  # fmt: skip
USAGE = "Use /{signature}/page/{options}/{design hash}/{page}."


def page_options(segments: list[str], sizes: tuple[int, ...]) -> ThumbOptions:
    for seg in segments:
        if seg.partition(":")[0] not in PAGE_OPTIONS:
            raise ApiError(
                "bad_options", message=f"{seg[:40]!r}: page previews take w, h, dpr, f, q and exp."
            )
    try:
        opts = options_mod.parse(segments, {}, sizes)
    except options_mod.BadOptions as exc:
        raise ApiError("bad_options", message=str(exc)) from None
    if not opts.width and not opts.height:
        raise ApiError("bad_options", message="Give the preview's width (w:) or height (h:).")
    return opts


class PagePreviews:
    def __init__(
        self,
        settings: Settings,
        store: BlobStore,
        catalogue: Catalogue,
        designs: DesignStore,
        *,
        check_signature: Callable[[Settings, str, str], None],
        etag_matches: Callable[[str | None, str], bool],
        cache_control: str,
    ) -> None:
        self.settings, self.store, self.catalogue = settings, store, catalogue
        self.designs = designs
        self.check_signature, self.etag_matches = check_signature, etag_matches
        self.cache_control = cache_control
        self._secret = settings.signing_keys[0] if settings.signing_keys else b"pressroom"
        self._flight: SingleFlight[bytes] = SingleFlight()
        self._pool: ThreadPoolExecutor | None = None
        self.stats = {"renders": 0, "hits": 0, "shared": 0}

    async def page(self, request: Request) -> Response:
        signature = request.path_params["signature"]
        segments = request.path_params["path"].split("/")
        if len(segments) < 3 or not all(segments):
            raise ApiError("not_found", message=USAGE)
        self.check_signature(self.settings, signature, "/page/" + "/".join(segments))
        opts = page_options(segments[:-2], self.settings.thumb_sizes)
        if opts.expires is not None and opts.expires < time.time():
            raise ApiError("expired")
        h, ref = segments[-2], pv.parse_page(segments[-1])
        if not HASH.match(h):
            raise ApiError("design_not_found")
        doc = await run_in_threadpool(self.designs.get, h)
        if doc is None:
            raise ApiError("design_not_found")
        slots = pv.page_slots(doc, ref) if ref is not None else None
        if slots is None or ref is None:
            raise ApiError("page_not_found")
        ids = [str(s["photo"]) for s in slots if isinstance(s, dict) and "photo" in s]
        photos = await run_in_threadpool(self._facts, ids)
        fmt = choose_format(opts.format, request.headers.get("accept"), False)
        text = "|".join(
            (pv.VERSION, h, str(ref), canonical(opts), fmt, pv.fingerprint(photos, ids))
        )
        digest = hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()[:32]
        key = f"{self.settings.result_prefix}/pages/{h}/{digest}.{FORMATS[fmt].extension}"
        headers = {"Cache-Control": self.cache_control, "ETag": f'"{digest}"'}
        if opts.format == "auto":
            headers["Vary"] = "Accept"
        if self.etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        try:
            data = await run_in_threadpool(self.store.get, key)
            self.stats["hits"] += 1
            headers["X-Cache"] = "hit"
        except BlobNotFound:
            data, shared = await self._flight.do(
                key, lambda: self._render(doc, ref, opts, fmt, key)
            )
            self.stats["shared" if shared else "renders"] += 1
            headers["X-Cache"] = "shared" if shared else "render"
        return Response(data, media_type=content_type(fmt), headers=headers)

    def _facts(self, ids: list[str]) -> dict[str, PhotoFacts]:
        out = {}
        for pid in dict.fromkeys(ids):
            rec = self.catalogue.get(pid)
            if rec is not None:
                out[pid] = PhotoFacts.from_record(rec)
        return out

    async def _render(
        self, doc: dict[str, Any], ref: pv.PageRef, opts: ThumbOptions, fmt: str, key: str
    ) -> bytes:
        from ..books.make import design_photos

        photos = await run_in_threadpool(design_photos, self.catalogue, doc)
        if self._pool is None:
            # Renders are CPU-bound and release the GIL inside libvips: one thread per core.
            self._pool = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="page")
        loop = asyncio.get_running_loop()
        data = await loop.run_in_executor(self._pool, self._draw, doc, photos, ref, opts, fmt)
        await run_in_threadpool(self.store.put, key, data, content_type(fmt))
        return data

    def _draw(
        self,
        doc: dict[str, Any],
        photos: dict[str, PhotoFacts],
        ref: pv.PageRef,
        opts: ThumbOptions,
        fmt: str,
    ) -> bytes:
        book = pv.layout(doc, photos)
        page = pv.page_of(book, ref) if book is not None else None
        if page is None:
            raise ApiError("page_not_found")
        w, h = opts.box
        try:
            img = pv.draw(page, self.store, w, h)
        except BlobNotFound:
            raise ApiError("not_found", message="A photo on this page is gone.") from None
        from ..render.thumbnail.steps.encode import encode_image

        return encode_image(img, fmt, opts.quality)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
