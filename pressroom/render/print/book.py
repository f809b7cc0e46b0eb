"""A book's print files: the interior and cover PDFs (PDF/X-4 by default) and, on request,
one preview PNG per page from the same geometry.

Pages are rendered a few at a time (on threads when workers > 1) and written in order as they
come: each page becomes a small PDF file on disk whose objects go straight into the output, so
memory does not grow with the page count.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ...imaging import setup
from ...printers import Printer, get_printer
from ...products.book import Book, Page
from ...products.model import UnknownProduct, get_product
from .guides import Guide

__all__ = ["PageSettings", "RenderResult", "cover_path_for", "render_book", "render_page"]


@dataclass
class RenderResult:
    interior: str
    cover: str | None
    previews: list[str] = field(default_factory=list)
    pages: int = 0
    images: int = 0
    passthrough: int = 0
    low_ppi: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cover_path_for(out: str | Path) -> Path:
    """book.pdf -> book-cover.pdf"""
    p = Path(out)
    return p.with_name(f"{p.stem}-cover{p.suffix or '.pdf'}")


@dataclass
class PageSettings:
    """What every page of one book renders with (shared by the worker threads)."""

    store: Any
    target_ppi: float
    printer: Printer | None  # a cmyk printer separates; None or rgb: sRGB pages
    preview_ppi: float
    die: str | None = None  # "circle": round products get a CutContour die line
    cut_layer: bool = False  # the die line on an optional-content layer (PDF/X-4)
    guides: dict[int, list[Guide]] = field(default_factory=dict)  # page number -> guides

    @property
    def cmyk(self) -> bool:
        return self.printer is not None and self.printer.is_cmyk


def render_page(
    settings: PageSettings, task: tuple[dict[str, Any], str, str | None]
) -> dict[str, Any]:
    """One page: its pictures prepared, its PDF written, its preview saved. Runs in workers."""
    from .images import prepare
    from .page_pdf import write_page

    page_d, pdf_path, preview_path = task
    page = Page.from_dict(page_d)
    # CMYK: translucent bands (a title's) go into the pictures' pixels, not over them.
    bands = [(t.rect, t.box) for t in page.texts if t.box] if settings.cmyk else []
    images = [
        prepare(pl, settings.store.get(pl.master), settings.target_ppi, settings.printer, bands)
        for pl in page.placements
    ]
    write_page(page, images, Path(pdf_path), settings.printer, settings.die, settings.cut_layer)
    if preview_path:
        from .preview import render_preview, save_preview

        guides = settings.guides.get(page.number, [])
        if settings.die == "circle":
            guides = [*guides, Guide("cut", 0, 0, page.width, page.height, circle=True)]
        pv = render_preview(page, images, settings.preview_ppi, settings.printer, guides)
        save_preview(pv, Path(preview_path))
    return {
        "pdf": pdf_path,
        "images": len(images),
        "passthrough": sum(i.passthrough for i in images),
    }


def doc_title(book: Book) -> str:
    """The PDF's Title (shown by every viewer and RIP queue): the book's own, else the
    product's name (prints and ornaments carry no title), never empty."""
    if book.title:
        return book.title
    try:
        return get_product(book.product).name
    except UnknownProduct:
        return book.product or "pressroom print file"


def render_book(
    book: Book,
    store: Any,
    out_interior: str | Path,
    out_cover: str | Path | None = None,
    previews_dir: str | Path | None = None,
    *,
    pdfx: str | None = None,
    workers: int = 1,
    preview_ppi: float = 100,
    printer: Printer | str | None = None,
) -> RenderResult:
    """Write the interior PDF, the cover PDF (books) and previews; return where they are.

    store: a BlobStore holding the masters the placements name (read from several threads).
    workers: pages rendered at once, on threads (0 = one per core); threads need no
    /dev/shm, so this works on Lambda too.
    printer: the printer the files are for (a Printer or its id): its PDF/X flavour, output
    intent, separation and ink limit. None: the printer the book was designed for
    (book.printer), else PDF/X-4 sRGB, or with pdfx="1a" FOGRA39 offset. A book designed for
    one printer (its bleed, safe zone, cover) is not rendered for another (ValueError).
    """
    from .pdfx import FLAVOURS, PDFX, PdfxWriter

    setup()  # no libvips operation cache: it would hold every page's master
    started = time.perf_counter()
    if printer is None:
        printer = book.printer
    if isinstance(printer, str):
        printer = get_printer(printer)
    if printer is not None and book.printer and printer.id != book.printer:
        raise ValueError(f"the book was designed for printer {book.printer}, not {printer.id}")
    if printer is not None:
        flavour = FLAVOURS[printer.pdfx]
        if pdfx not in (None, flavour):
            raise ValueError(f"printer {printer.id} takes PDF/X-{flavour}, not {pdfx}")
        pdfx = flavour
    pdfx = pdfx or "4"
    if pdfx not in PDFX:
        raise ValueError(f"unsupported PDF/X flavour {pdfx!r} (use 4 or 1a)")
    if printer is None and pdfx == "1a":
        printer = get_printer("offset-fogra39")  # X-1a is CMYK: a named press, not "Custom"
    out_interior = Path(out_interior)
    out_interior.parent.mkdir(parents=True, exist_ok=True)
    if book.cover is not None and out_cover is None:
        out_cover = cover_path_for(out_interior)
    prev = Path(previews_dir) if previews_dir else None
    if prev:
        prev.mkdir(parents=True, exist_ok=True)
    result = RenderResult(str(out_interior), str(out_cover) if book.cover else None)
    settings = PageSettings(
        store,
        book.target_ppi,
        printer,
        preview_ppi,
        die=_die(book.product),
        cut_layer=bool(PDFX[pdfx]["oc"]),
        guides={0: cover_guides(book, printer)} if book.cover else {},
    )
    cmyk, intent = settings.cmyk, printer.intent if printer else None
    workers = workers or len(os.sched_getaffinity(0))
    all_pages = ([book.cover] if book.cover else []) + book.pages
    with (
        tempfile.TemporaryDirectory(prefix=".pages-", dir=out_interior.parent) as tmp,
        ThreadPoolExecutor(workers, thread_name_prefix="page") as pool,
    ):
        tasks = []
        for i, page in enumerate(all_pages):
            name = "cover" if page.number == 0 else f"page-{page.number:03d}"
            pv = str(prev / f"{name}.png") if prev else None
            tasks.append((page.to_dict(), str(Path(tmp) / f"{i:05d}.pdf"), pv))
            if pv:
                result.previews.append(pv)
        title = doc_title(book)
        cover = (
            PdfxWriter(f"{title} (cover)", pdfx, Path(out_cover), intent, cmyk)
            if book.cover and out_cover is not None
            else None
        )
        interior = PdfxWriter(title, pdfx, out_interior, intent, cmyk)
        # Pages render on threads (libvips and the JPEG codecs run without the GIL) a few
        # ahead of the writer, which takes them in order and deletes each once written.
        queue = iter(enumerate(tasks))
        ahead: deque[tuple[int, Future[dict[str, Any]]]] = deque()
        try:
            for i, task in islice(queue, 2 * workers):
                ahead.append((i, pool.submit(render_page, settings, task)))
            while ahead:
                i, fut = ahead.popleft()
                r = fut.result()
                result.images += r["images"]
                result.passthrough += r["passthrough"]
                page, path = all_pages[i], Path(r["pdf"])
                (cover if page.number == 0 and cover else interior).add(path, page.bleed)
                path.unlink()
                for j, task in islice(queue, 1):
                    ahead.append((j, pool.submit(render_page, settings, task)))
            if cover:
                cover.save()
            interior.save()
        finally:
            for _, fut in ahead:
                fut.cancel()
            interior.close()
            if cover:
                cover.close()
    result.pages = len(book.pages)
    result.low_ppi = [
        {"photo_id": p.photo_id, "ppi": round(p.ppi), "flags": p.flags}
        for p in book.placements()
        if p.ppi < book.target_ppi
    ]
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _die(product_id: str) -> str | None:
    try:
        return "circle" if get_product(product_id).shape == "circle" else None
    except UnknownProduct:
        return None


def cover_guides(book: Book, printer: Printer | None = None) -> list[Guide]:
    """Fold, hinge and turn-in lines of the book's cover (page mm), for its preview only:
    as the book records them, else as its product (for the printer) builds the cover."""
    g = book.cover_construction
    if g is None:
        try:
            prod = get_product(book.product).for_printer(book.printer or printer)
            g = prod.cover_construction(len(book.pages))
        except (UnknownProduct, KeyError, ValueError):
            g = {}
    h = book.cover.height if book.cover else 0.0
    out = [Guide(kind, x, 0, x, h) for kind, xs in (g.get("lines") or {}).items() for x in xs]
    for y in g.get("turn_in_y", []):
        out.append(Guide("turn-in", 0, y, book.cover.width if book.cover else 0, y))
    return out
