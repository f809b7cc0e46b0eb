"""Print files from the layout model: the interior and cover PDFs (PDF/X-4 by default) and,
on request, one preview PNG per page from the same geometry.

    from pressroom.render.print import render_book
    result = render_book(book, store, "book.pdf", "book-cover.pdf", previews_dir="previews")

A thin entry point: the work is in book.py (the page loop and the writer), images.py (the
pixels of a placement), page_pdf.py (a page as PDF), preview.py (a page as PNG), pdfx.py
(PDF/X assembly) and fonts.py. Those import one another by name, never this package.
"""

from __future__ import annotations

from .book import PageSettings, RenderResult, cover_path_for, render_book, render_page

__all__ = ["PageSettings", "RenderResult", "cover_path_for", "render_book", "render_page"]
