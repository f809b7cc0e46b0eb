"""The book store: where a designed book lives in the blob store, so the console (and anyone
else) can show it. A backend beside the catalogue: it stores bytes and JSON, no images.

    books/{book id}/book.json         the layout model (products.book.Book.to_dict())
    books/{book id}/preflight.json    {"interior": Report.to_dict(), "cover": ...}
    books/{book id}/pages/{name}.jpg  one preview per page: cover.jpg, page-001.jpg, ...
    books/{book id}/summary.json      title, product, pages, status, created_at, files, previews

summary.json is written last: a book is listed once all its parts are in place. The book id
is a digest of the layout, so the same design published twice is one book, and a print job
carrying that layout (printjobs.PrintJob.book) names the same id (`book_id_for(job.book)`).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pressroom.formats import content_type
from pressroom.ids import is_id
from pressroom.storage.base import BlobNotFound, BlobStore

PREFIX = "books"
PAGE_NAME = re.compile(r"^(cover|page-\d{3,4})$")


@dataclass
class StoredBook:
    id: str
    summary: dict[str, Any]
    layout: dict[str, Any] = field(default_factory=dict)  # Book.to_dict()
    preflight: dict[str, Any] = field(default_factory=dict)  # {"interior": {...}, "cover": ...}


def book_id_for(layout: Mapping[str, Any]) -> str:
    """The id of a layout (Book.to_dict()): same layout, same id."""
    text = json.dumps(layout, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def key(book_id: str, name: str) -> str:
    if not is_id(book_id):
        raise ValueError(f"invalid book id {book_id!r}")
    return f"{PREFIX}/{book_id}/{name}"


def publish_book(
    store: BlobStore,
    layout: Mapping[str, Any],
    *,
    pages: Mapping[str, bytes] | None = None,
    preflight: Mapping[str, dict[str, Any]] | None = None,
    files: Mapping[str, str] | None = None,
    book_id: str | None = None,
) -> str:
    """Store a designed book; returns its id.

    layout: Book.to_dict(). pages: page previews by name (cover, page-001, ...) as JPEG
    bytes (pressroom.books makes them from the renderer's PNGs). preflight: {"interior":
    Report.to_dict(), "cover": ...}. files: where the print files were written
    ({"interior": path, "cover": path}), shown as they are.
    """
    layout = dict(layout)
    book_id = book_id or book_id_for(layout)
    names: list[str] = []
    for name, jpeg in (pages or {}).items():
        if not PAGE_NAME.match(name):
            continue
        store.put(key(book_id, f"pages/{name}.jpg"), jpeg, content_type("jpeg"))
        names.append(name)
    reports = dict(preflight or {})
    store.put(key(book_id, "book.json"), _json(layout), "application/json")
    store.put(key(book_id, "preflight.json"), _json(reports), "application/json")
    statuses = [str(r.get("status")) for r in reports.values()]
    summary = {
        "id": book_id,
        "title": layout.get("title", ""),
        "product": layout.get("product", ""),
        "pages": len(layout.get("pages", [])),
        "photos": len({p["photo_id"] for pg in _all_pages(layout) for p in pg["placements"]}),
        "status": _worst(statuses),
        "warnings": sum(len(r.get("findings", [])) for r in reports.values()),
        "previews": names,
        "files": dict(files or {}),
        "created_at": time.time(),
    }
    store.put(key(book_id, "summary.json"), _json(summary), "application/json")
    return book_id


def list_books(store: BlobStore, limit: int = 200) -> list[dict[str, Any]]:
    """Summaries of the stored books, newest first."""
    out = []
    for k in store.keys(f"{PREFIX}/"):
        if k.endswith("/summary.json") and k.count("/") == 2:
            try:
                out.append(json.loads(store.get(k)))
            except (BlobNotFound, ValueError):
                continue  # deleted meanwhile, or not ours: skip
    out.sort(key=lambda s: (-float(s.get("created_at") or 0), s.get("id", "")))
    return out[:limit]


def load_book(store: BlobStore, book_id: str) -> StoredBook | None:
    if not is_id(book_id):
        return None
    try:
        summary = json.loads(store.get(key(book_id, "summary.json")))
        layout = json.loads(store.get(key(book_id, "book.json")))
    except BlobNotFound:
        return None
    try:
        reports = json.loads(store.get(key(book_id, "preflight.json")))
    except BlobNotFound:
        reports = {}
    return StoredBook(book_id, summary, layout, reports)


def read_page(store: BlobStore, book_id: str, name: str) -> bytes | None:
    """A page preview's JPEG bytes; None when there is none."""
    if not is_id(book_id) or not PAGE_NAME.match(name):
        return None
    try:
        return store.get(key(book_id, f"pages/{name}.jpg"))
    except BlobNotFound:
        return None


def _all_pages(layout: Mapping[str, Any]) -> list[dict[str, Any]]:
    return ([layout["cover"]] if layout.get("cover") else []) + list(layout.get("pages", []))


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=str).encode()


def _worst(statuses: list[str]) -> str | None:
    """A book's status: its worst report's (None before preflight)."""
    for status in ("fail", "warn"):
        if status in statuses:
            return status
    return "pass" if statuses else None
