"""Design, render, preflight and publish one book: what `pressroom book`, `pressroom print`,
`pressroom demo` and the console's books share. Photos arrive as ids already in the
catalogue: ingesting user files is the host's part, on its guarded runner."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pressroom.catalogue import open_catalogue
from pressroom.catalogue.books import publish_book
from pressroom.config import Settings
from pressroom.reasons import DesignError
from pressroom.storage import open_store

PREVIEW_QUALITY = 85  # JPEG: a 21 cm page at 100 ppi is ~120 KB instead of ~300 KB of PNG


def make_book(
    settings: Settings,
    photo_ids: list[str],
    product: str,
    output: Path,
    *,
    previews: Path | None = None,
    title: str | None = None,
    pad: bool = False,
    pdfx: str = "4",
    workers: int = 1,
) -> dict[str, Any]:
    """Design, render and preflight one book and publish it to the book store; the outcome
    as a JSON-able dict (ok, book_id, files, pages, preflight, ...; reason when not ok)."""
    from pressroom.preflight import preflight
    from pressroom.products import design
    from pressroom.products.designer.pipeline import photos_from_catalogue
    from pressroom.render.print import render_book

    photos = photos_from_catalogue(open_catalogue(settings), photo_ids)
    out: dict[str, Any] = {"product": product, "output": str(output), "photos": len(photo_ids)}
    try:
        book = design(photos, product, title=title, pad=pad)
    except DesignError as e:
        return {**out, "ok": False, "reason": e.reason, "message": str(e)}
    store = open_store(settings)
    result = render_book(book, store, output, None, previews, pdfx=pdfx, workers=workers)
    reports = {"interior": preflight(result.interior, product)}
    if result.cover:
        reports["cover"] = preflight(result.cover, product)
    ok = all(r.ok for r in reports.values())
    # Designed books live in the blob store too (books/{id}/), where the console shows them.
    book_id = publish_book(
        store,
        book.to_dict(),
        pages=page_jpegs(result.previews),
        preflight={k: r.to_dict() for k, r in reports.items()},
        files={"interior": result.interior, "cover": result.cover or ""},
    )
    return {
        **out,
        "ok": ok,
        "book_id": book_id,
        "reason": None if ok else "preflight",
        "interior": result.interior,
        "cover": result.cover,
        "previews": result.previews,
        "pages": result.pages,
        "spine_mm": book.spine_mm,
        "target_ppi": book.target_ppi,
        "min_ppi": book.min_ppi,
        "layouts": [p.layout for p in book.pages],
        "dropped": book.dropped,
        "warnings": book.warnings,
        "low_ppi": result.low_ppi,
        "preflight": {
            k: {"status": r.status, "findings": [f.__dict__ for f in r.findings]}
            for k, r in reports.items()
        },
        "seconds": result.seconds,
    }


def page_jpegs(previews: Iterable[str | Path]) -> dict[str, bytes]:
    """The renderer's preview PNGs (cover.png, page-001.png, ...) as JPEGs by page name, for
    the book store (which stores bytes and knows no image formats)."""
    return {Path(p).stem: _jpeg(Path(p)) for p in previews}


def _jpeg(png: Path) -> bytes:
    import pyvips

    img = pyvips.Image.new_from_file(str(png), access="sequential")
    if img.hasalpha():
        img = img.flatten(background=[255, 255, 255])
    return img.jpegsave_buffer(Q=PREVIEW_QUALITY, keep="none", optimize_coding=True)
