"""Designs for the app: auto-design, check, store, and the signed page-preview URLs of a
stored design.

    POST /v1/designs          {"product", "photos": [ids], "title"?, "pad"?}  auto-design
    POST /v1/designs/check    a design document -> {"hash", "status", "findings", "score",
                              "previews"}
    POST /v1/designs/store    a design document -> {"hash", "previews"}
    GET  /v1/designs/{hash}   the stored document

A design is stored under its hash (`catalogue.books.book_id_for`: the id the book store and
print jobs give the same design) at `designs/{hash}.json` in the blob store; a design that
`pressroom render` or a print job published (`books/{hash}/design.json`) is found too. A
document never changes under its hash, so reads are cached in the process.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..catalogue.base import Catalogue
from ..catalogue.books import book_id_for
from ..catalogue.books import key as book_key
from ..config import Settings
from ..ids import ID_RULE, is_id
from ..reasons import DesignError
from ..render.signature import signed_path
from ..storage.base import BlobNotFound, BlobStore
from .bodies import error_with, fields, json_body, json_response
from .errors import ApiError, error_response

PREFIX = "designs"
HASH = re.compile(r"^[0-9a-f]{20}$")
CACHED = 256  # designs kept parsed in the process
PREVIEW_WIDTH = 600  # CSS px of the preview URLs the answers carry (?width= for others)
MAX_PHOTOS = 1000


class DesignStore:
    """Design documents by hash in the blob store (sync: call from a thread)."""

    def __init__(self, store: BlobStore) -> None:
        self.store = store
        self._cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()  # called from the server's I/O threads

    def put(self, doc: dict[str, Any]) -> str:
        h = book_id_for(doc)
        if h not in self._cache:
            data = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode()
            self.store.put(f"{PREFIX}/{h}.json", data, "application/json")
            self._keep(h, doc)
        return h

    def get(self, h: str) -> dict[str, Any] | None:
        if not HASH.match(h):
            return None
        with self._lock:
            if h in self._cache:
                self._cache.move_to_end(h)
                return self._cache[h]
        for k in (f"{PREFIX}/{h}.json", book_key(h, "design.json")):
            try:
                doc = json.loads(self.store.get(k))
            except (BlobNotFound, ValueError):
                continue
            if isinstance(doc, dict) and book_id_for(doc) == h:
                self._keep(h, doc)
                return doc
        return None

    def _keep(self, h: str, doc: dict[str, Any]) -> None:
        with self._lock:
            self._cache[h] = doc
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)


def design_error(e: DesignError) -> Response:
    return error_response(e.status, e.code, e.message)


def page_refs(doc: dict[str, Any]) -> list[int | str]:
    """Every page a preview URL can name: the cover first (books), then 1..N."""
    cover: list[int | str] = ["cover"] if isinstance(doc.get("cover"), dict) else []
    return cover + list(range(1, len(doc.get("pages") or []) + 1))


class DesignEndpoints:
    def __init__(self, settings: Settings, catalogue: Catalogue, designs: DesignStore) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self.designs = designs

    # -- helpers ----------------------------------------------------------------------------

    def previews(self, request: Request, doc: dict[str, Any], h: str) -> list[dict[str, Any]]:
        """Signed page URLs of a stored design (`?width=`, default 600 CSS px; the cover is
        the whole wrap, so its width is of the wrap)."""
        raw = request.query_params.get("width", str(PREVIEW_WIDTH))
        sizes = self.settings.thumb_sizes
        if not raw.isdigit() or not 1 <= int(raw) <= 4096 or (sizes and int(raw) not in sizes):
            allowed = ", ".join(map(str, sizes)) if sizes else "1-4096"
            raise ApiError("bad_request", message=f"width must be one of {allowed}.")
        key = self.settings.signing_keys[0] if self.settings.signing_keys else None
        root = request.scope.get("root_path", "")
        return [
            {"page": ref, "url": root + signed_path(f"/page/w:{raw}/{h}/{ref}", key)}
            for ref in page_refs(doc)
        ]

    async def check_doc(self, doc: Any) -> tuple[bool, dict[str, Any]]:
        """(schema-valid, {status, findings, score}) against the catalogue as it is; score is
        the document's layout score, None when it does not make a book."""
        from ..books.make import design_photos
        from ..designs import check

        def run() -> tuple[bool, dict[str, Any]]:
            book, findings = check(doc, design_photos(self.catalogue, doc))
            valid = not any(f.code == "invalid" for f in findings.items)
            return valid, {**findings.to_dict(), "score": book.score if book else None}

        return await run_in_threadpool(run)

    # -- endpoints --------------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        """Auto-design from photo ids and a product."""
        from ..books.make import auto_design

        body = fields(await json_body(request), ["product", "photos"], ["title", "pad"])
        product, photos, title = body["product"], body["photos"], body.get("title")
        if not isinstance(product, str) or not product:
            raise ApiError("bad_request", message="product must be a product id.")
        if not isinstance(photos, list) or not 1 <= len(photos) <= MAX_PHOTOS:
            raise ApiError("bad_request", message=f"photos must list 1 to {MAX_PHOTOS} ids.")
        bad = next((p for p in photos if not isinstance(p, str) or not is_id(p)), None)
        if bad is not None:
            raise ApiError(
                "bad_request", message=f"{str(bad)[:40]!r} is not a photo id ({ID_RULE})."
            )
        if title is not None and (not isinstance(title, str) or len(title) > 200):
            raise ApiError("bad_request", message="title must be text of at most 200 characters.")
        pad = body.get("pad", False)
        if not isinstance(pad, bool):
            raise ApiError("bad_request", message="pad must be true or false.")
        try:
            doc, book = await run_in_threadpool(
                auto_design, self.settings, list(dict.fromkeys(photos)), product,
                title=title, pad=pad,
            )  # fmt: skip
        except DesignError as e:
            return design_error(e)
        h = await run_in_threadpool(self.designs.put, doc)
        return json_response(
            {
                "hash": h,
                "design": doc,
                "previews": self.previews(request, doc, h),
                "dropped": book.dropped,
                "warnings": book.warnings,
            }
        )

    async def check(self, request: Request) -> Response:
        """The design's findings (the codes of `pressroom check`); stored when schema-valid,
        so its pages can be previewed."""
        doc = await json_body(request)
        valid, findings = await self.check_doc(doc)
        h = await run_in_threadpool(self.designs.put, doc) if valid else None
        previews = self.previews(request, doc, h) if h else []
        return json_response({"hash": h, **findings, "previews": previews})

    async def store(self, request: Request) -> Response:
        from ..designs import schema_errors

        doc = await json_body(request)
        errors = schema_errors(doc)
        if errors:
            findings = [{"level": "fail", "code": "invalid", "message": f"{w}: {m}",
                         "page": None, "slot": None, "text": None} for w, m in errors]  # fmt: skip
            return error_with(ApiError("invalid_design"), findings=findings)
        h = await run_in_threadpool(self.designs.put, doc)
        return json_response(
            {"hash": h, "previews": self.previews(request, doc, h)},
            201,
            {"Location": f"{request.scope.get('root_path', '')}/v1/designs/{h}"},
        )

    async def get(self, request: Request) -> Response:
        doc = await run_in_threadpool(self.designs.get, request.path_params["design_hash"])
        if doc is None:
            raise ApiError("design_not_found")
        return json_response(doc)
