"""Print files from the layout model: the interior and cover PDFs (PDF/X-4 by default) and,
on request, one preview PNG per page from the same geometry.

    from pressroom.render.print import render_book
    result = render_book(book, store, "book.pdf", "book-cover.pdf", previews_dir="previews")

Pages are rendered and written one at a time (in a process pool when workers > 1): each page
becomes a small PDF file on disk, and the final save copies their streams from disk, so memory
does not grow with the page count.
"""

from __future__ import annotations

import pickle
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ...templates.book import Book, Page

__all__ = ["RenderResult", "cover_path_for", "render_book", "render_page"]


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
class _Ctx:
    store: Any
    target_ppi: float
    cmyk: bool
    preview_ppi: float


def _setup(store: Any, target_ppi: float, cmyk: bool, preview_ppi: float) -> _Ctx:
    return _Ctx(store, target_ppi, cmyk, preview_ppi)


def render_page(ctx: _Ctx, task: tuple[dict[str, Any], str, str | None]) -> dict[str, Any]:
    """One page: its pictures prepared, its PDF written, its preview saved. Runs in workers."""
    from .images import prepare
    from .page_pdf import write_page

    page_d, pdf_path, preview_path = task
    page = Page.from_dict(page_d)
    images = [
        prepare(pl, ctx.store.get(pl.master), ctx.target_ppi, ctx.cmyk) for pl in page.placements
    ]
    write_page(page, images, Path(pdf_path), ctx.cmyk)
    if preview_path:
        from .preview import render_preview, save_preview

        save_preview(render_preview(page, images, ctx.preview_ppi), Path(preview_path))
    return {
        "pdf": pdf_path,
        "images": len(images),
        "passthrough": sum(i.passthrough for i in images),
    }


def render_book(
    book: Book,
    store: Any,
    out_interior: str | Path,
    out_cover: str | Path | None = None,
    previews_dir: str | Path | None = None,
    *,
    pdfx: str = "4",
    workers: int = 1,
    preview_ppi: float = 100,
) -> RenderResult:
    """Write the interior PDF, the cover PDF (books) and previews; return where they are.

    store: a BlobStore holding the masters the placements name. workers > 1 (0 = one per
    core) renders pages in spawned processes when the store pickles (LocalStore does), else
    here. Lambda: keep workers=1 (no /dev/shm for process pools).
    """
    from ...batch import run_batch
    from .pdfx import PDFX, PdfxWriter

    started = time.perf_counter()
    if pdfx not in PDFX:
        raise ValueError(f"unsupported PDF/X flavour {pdfx!r} (use 4 or 1a)")
    out_interior = Path(out_interior)
    out_interior.parent.mkdir(parents=True, exist_ok=True)
    if book.cover is not None and out_cover is None:
        out_cover = cover_path_for(out_interior)
    prev = Path(previews_dir) if previews_dir else None
    if prev:
        prev.mkdir(parents=True, exist_ok=True)
    result = RenderResult(str(out_interior), str(out_cover) if book.cover else None)
    if workers != 1:
        try:  # workers are spawned processes: the store travels to them pickled
            pickle.dumps(store)
        except Exception:  # noqa: BLE001 - e.g. a boto3 client: render in this process
            workers = 1
    setup = partial(_setup, store, book.target_ppi, PDFX[pdfx]["cmyk"], preview_ppi)
    all_pages = ([book.cover] if book.cover else []) + book.pages
    with tempfile.TemporaryDirectory(prefix=".pages-", dir=out_interior.parent) as tmp:
        tasks = []
        for i, page in enumerate(all_pages):
            name = "cover" if page.number == 0 else f"page-{page.number:03d}"
            pv = str(prev / f"{name}.png") if prev else None
            tasks.append((page.to_dict(), str(Path(tmp) / f"{i:05d}.pdf"), pv))
            if pv:
                result.previews.append(pv)
        cover = PdfxWriter(f"{book.title} (cover)", pdfx, Path(out_cover)) if book.cover else None
        interior = PdfxWriter(book.title, pdfx, out_interior)
        index = {t[1]: i for i, t in enumerate(tasks)}
        done: set[int] = set()
        at = 0  # the next page to write: pages arrive in completion order, go out in order
        try:
            for r in run_batch(setup, render_page, tasks, workers):
                result.images += r["images"]
                result.passthrough += r["passthrough"]
                done.add(index[r["pdf"]])
                while at in done:
                    page, path = all_pages[at], Path(tasks[at][1])
                    (cover if page.number == 0 and cover else interior).add(path, page.bleed)
                    path.unlink()  # written out: the disk holds only pages still waiting
                    at += 1
            if cover:
                cover.save()
            interior.save()
        finally:
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
