"""The production BookRenderer: a job's book (templates.book.Book as a dict) -> print PDFs.

Runs `pressroom.render.print.render_book` into a temporary folder (Lambda: /tmp, sized by
the function's ephemeral storage) and returns the files' bytes: `interior.pdf` and, for
books with a cover, `cover.pdf`. Pages render one at a time in this process (workers=1):
Lambda has no /dev/shm, so process pools cannot start there.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from pressroom.printjobs import PrintRejected, RenderedBook
from pressroom.storage.base import BlobNotFound, BlobStore


def render_print_files(book: dict[str, Any], store: BlobStore) -> RenderedBook:
    from pressroom.products.book import Book
    from pressroom.render.print import render_book

    try:
        layout = Book.from_dict(book)
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise PrintRejected("invalid_book", f"{type(e).__name__}: {e}"[:300]) from None
    if not layout.pages:
        raise PrintRejected("invalid_book", "no pages")
    with tempfile.TemporaryDirectory(prefix="pressroom-print-") as tmp:
        interior = Path(tmp) / "interior.pdf"
        cover = Path(tmp) / "cover.pdf"
        try:
            result = render_book(layout, store, interior, cover if layout.cover else None)
        except BlobNotFound as e:
            raise PrintRejected("missing_photo", str(e)) from None
        files = {"interior.pdf": interior.read_bytes()}
        if result.cover:
            files["cover.pdf"] = Path(result.cover).read_bytes()
    return RenderedBook(files, pages=result.pages)
