"""Products, layouts and auto-design: photos in, a Book layout model out.

    from pressroom.products import design, get_product, products
    book = design(photos, "photobook-21x21", title="Summer")   # photos: PhotoFacts list
    # then pressroom.render.print.render_book(book, store, "book.pdf", "book-cover.pdf")

Products and layouts are JSON files under products/ and layouts/ (one per id).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .book import Book, Page, Placement, Text
from .layout import Layout, layouts
from .model import Product, Rect, UnknownProduct, get_product, products

if TYPE_CHECKING:
    from pressroom.photos import PhotoFacts

__all__ = [
    "Book",
    "Layout",
    "Page",
    "Placement",
    "Product",
    "Rect",
    "Text",
    "UnknownProduct",
    "design",
    "get_product",
    "layouts",
    "products",
]


def design(photos: Sequence[PhotoFacts], product: str, **options: Any) -> Book:
    """Auto-design a Book from photos (see pressroom.products.designer.pipeline.design)."""
    from .designer.pipeline import design as _design

    return _design(photos, product, **options)
