"""Design, render, preflight and publish one book: what `pressroom book`, `design`, `render`,
`print` and `demo` share. Every book renders from its design document (pressroom.designs):
auto-design writes one, a customer's app sends one. Photos arrive as ids already in the
catalogue: ingesting user files is the host's part, on its guarded runner."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pressroom.catalogue import open_catalogue
from pressroom.catalogue.books import book_id_for, key, publish_book
from pressroom.config import Settings
from pressroom.ids import is_id
from pressroom.reasons import DesignError
from pressroom.storage import open_store

if TYPE_CHECKING:
    from pressroom.photos import PhotoFacts
    from pressroom.products.book import Book

PREVIEW_QUALITY = 85  # JPEG: a 21 cm page at 100 ppi is ~120 KB instead of ~300 KB of PNG


def auto_design(
    settings: Settings,
    photo_ids: list[str],
    product: str,
    *,
    title: str | None = None,
    pad: bool = False,
    pages: int | None = None,
    printer: str | None = None,
) -> tuple[dict[str, Any], Book]:
    """Auto-design as a design document (and the designer's Book, for what it dropped and
    warned about). Raises DesignError."""
    from pressroom.designs import from_book
    from pressroom.products import design
    from pressroom.products.designer.pipeline import photos_from_catalogue

    photos = photos_from_catalogue(open_catalogue(settings), photo_ids)
    book = design(photos, product, title=title, pad=pad, pages=pages, printer=printer)
    return from_book(book), book


def design_photos(catalogue: Any, doc: Any) -> dict[str, PhotoFacts]:
    """The records of every photo a design names (schema-valid or not), by id."""
    from pressroom.products.designer.pipeline import photos_from_catalogue

    ids: list[str] = []
    if isinstance(doc, dict):
        pages = list(doc.get("pages") or []) + [doc.get("cover") or {}]
        for page in pages:
            for slot in (page.get("slots") or []) if isinstance(page, dict) else []:
                if isinstance(slot, dict) and is_id(str(slot.get("photo", ""))):
                    ids.append(str(slot["photo"]))
    return {p.id: p for p in photos_from_catalogue(catalogue, list(dict.fromkeys(ids)))}


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
    design_out: Path | None = None,
    pages: int | None = None,
    printer: str | None = None,
) -> dict[str, Any]:
    """Auto-design a book, then render its design exactly as `render_design` renders any
    design (so `pressroom book` and `pressroom design` + `pressroom render` write the same
    bytes); the outcome as a JSON-able dict (ok, book_id, files, pages, preflight, ...;
    reason when not ok). design_out: where to write the design document too."""
    out: dict[str, Any] = {"product": product, "output": str(output), "photos": len(photo_ids)}
    try:
        doc, designed = auto_design(
            settings, photo_ids, product, title=title, pad=pad, pages=pages, printer=printer
        )
    except DesignError as e:
        return {**out, "ok": False, "reason": e.reason, "message": e.message}
    if design_out is not None:
        write_design(doc, design_out)
        out["design"] = str(design_out)
    # What the designer left out, and why, and its layout score go with the published book
    # (the console shows them); the design document itself holds only what is printed.
    auto = {"dropped": designed.dropped, "warnings": designed.warnings, "score": designed.score}
    result = render_design(settings, doc, output, previews=previews, pdfx=pdfx, workers=workers,
                           auto=auto)  # fmt: skip
    return {
        **out,
        **result,
        "photos": len(photo_ids),
        "dropped": designed.dropped,
        "warnings": designed.warnings,
        "score": designed.score,  # the layout score (products/designer/score.py)
    }


def _where(path: str | None) -> str:
    """A print file's full path: the console shows it away from the shell that typed it."""
    return str(Path(path).resolve()) if path else ""


def write_design(doc: dict[str, Any], path: Path) -> None:
    from pressroom.designs import dumps

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dumps(doc))
    tmp.replace(path)


def render_design(
    settings: Settings,
    doc: Any,
    output: Path,
    *,
    previews: Path | None = None,
    pdfx: str = "4",
    workers: int = 1,
    auto: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Check a design, render exactly that design, preflight and publish it to the book
    store (under the design's id, so a print job of this design links to it). A design with
    failing findings is not rendered: reason invalid_design, with the findings. `auto`: what
    auto-design said of its choices (dropped, warnings, score), published with the book."""
    from pressroom.designs import check
    from pressroom.preflight import preflight
    from pressroom.render.print import render_book

    photos = design_photos(open_catalogue(settings), doc)
    book, findings = check(doc, photos)
    product = doc.get("product") if isinstance(doc, dict) else None
    out: dict[str, Any] = {
        "product": product,
        "output": str(output),
        "photos": len(photos),
        "findings": findings.to_dict(),
    }
    if book is None or not findings.ok:
        first = next(f for f in findings.items if f.level == "fail")
        return {
            **out,
            "ok": False,
            "reason": "invalid_design",
            "message": f"{first.where()}: {first.code}: {first.message}",
        }
    store = open_store(settings)
    # A book made for a printer takes its PDF/X flavour, output intent and checks.
    printer = book.printer
    result = render_book(book, store, output, None, previews, pdfx=None if printer else pdfx,
                         workers=workers, printer=printer)  # fmt: skip
    reports = {"interior": preflight(result.interior, book.product, printer=printer)}
    if result.cover:
        reports["cover"] = preflight(result.cover, book.product, printer=printer)
    ok = all(r.ok for r in reports.values())
    # Designed books live in the blob store too (books/{id}/), where the console shows them.
    book_id = publish_book(
        store,
        {**book.to_dict(), **(auto or {})},
        pages=page_jpegs(result.previews),
        preflight={k: r.to_dict() for k, r in reports.items()},
        files={"interior": _where(result.interior), "cover": _where(result.cover)},
        book_id=book_id_for(doc),
    )
    store.put(key(book_id, "design.json"), json.dumps(doc).encode(), "application/json")
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
        "dropped": [],
        "warnings": [],
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
    jpeg: bytes = img.jpegsave_buffer(Q=PREVIEW_QUALITY, keep="none", optimize_coding=True)
    return jpeg
