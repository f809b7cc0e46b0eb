"""Auto-design as a named tuple of small steps (one file each under steps/), run by the one
runner (pressroom.steps):

    select -> order -> group -> paginate -> choose_layouts -> pages -> cover -> score

select drops what should not print; group makes chapters; paginate decides the page count and
cuts the photos into pages (a dynamic programme); choose_layouts searches layouts spread by
spread; pages places the photos; score measures the result (score.py) into `book.score`.

Deterministic: the same photos (and tags) give the same book, whatever order they came in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pressroom.photos import PhotoFacts
from pressroom.reasons import DesignError
from pressroom.steps import Hook, Step, run

from ..book import Book
from ..model import UnknownProduct, get_product
from .context import DesignContext
from .score import score_book
from .steps.cover import cover
from .steps.group import group
from .steps.layouts import choose_layouts
from .steps.order import order
from .steps.pages import pages
from .steps.paginate import paginate
from .steps.select import select

DESIGN: tuple[Step[DesignContext], ...] = (
    select,
    order,
    group,
    paginate,
    choose_layouts,
    pages,
    cover,
)


def score(ctx: DesignContext) -> None:
    """The layout score of the finished book (books, prints and ornaments alike)."""
    if ctx.book is None:
        return
    chapter_of = {p.id: ci for ci, ch in enumerate(ctx.chapters) for p in ch.photos}
    times = {p.id: p.time for p in ctx.photos}
    ctx.book.score = score_book(ctx.book, chapter_of, times, more_photos=ctx.more_photos)


DESIGN = (*DESIGN, score)
# A finished book (a design document as it stands, a customer's edit included) scored as the
# designer scores its own: the same capture order, the same chapters, the same terms.
RESCORE: tuple[Step[DesignContext], ...] = (order, group, score)


def rescore(book: Book, photos: Sequence[PhotoFacts]) -> dict[str, Any]:
    """The layout score of `book`, whose photos are `photos`; set on the book and returned."""
    ctx = DesignContext(product=get_product(book.product), photos=list(photos), book=book)
    run(RESCORE, ctx)
    return book.score


def default_title(photos: Sequence[PhotoFacts]) -> str:
    years = sorted({p.time.year for p in photos if p.time})
    if not years:
        return "Photos"
    return f"Photos {years[0]}" if len(years) == 1 else f"Photos {years[0]}-{years[-1]}"


def design(
    photos: Sequence[PhotoFacts],
    product: str,
    *,
    title: str | None = None,
    pad: bool = False,
    pages: int | None = None,
    printer: str | None = None,
    hooks: Sequence[Hook] = (),
    **_: Any,
) -> Book:
    """Photos -> Book. Raises DesignError (no_photos, not_enough_photos, unknown_product).
    pages: the page count wanted (books; rounded to the product's rules), else from the photos."""
    try:
        prod = get_product(product)
    except UnknownProduct as e:
        raise DesignError("unknown_product", str(e)) from None
    if printer is not None:  # its bleed, safe zone and cover construction (issue 15)
        try:
            prod = prod.for_printer(printer)
        except KeyError as e:  # an unknown printer, or one without this binding
            raise DesignError("unknown_printer", str(e.args[0])) from None
    unique = {p.id: p for p in photos}  # the same photo twice is one photo
    ordered = sorted(unique.values(), key=lambda p: p.id)
    ctx = DesignContext(
        prod, list(ordered), title=title if title is not None else "", pad=pad, pages=pages
    )
    if title is None:
        ctx.title = default_title(ordered) if prod.is_book else ""
    run(DESIGN, ctx, hooks)
    assert ctx.book is not None
    book = ctx.book
    book.printer = prod.printer
    if book.cover is not None:  # folds, hinges and turn-ins: the cover preview's guides
        book.cover_construction = prod.cover_construction(len(book.pages))
    return book


def photos_from_catalogue(catalogue: Any, ids: Sequence[str]) -> list[PhotoFacts]:
    """The photos' records in the order given; an unknown id is a missing photo, which the
    designer leaves out as not_found."""
    out = []
    for pid in ids:
        rec = catalogue.get(pid)
        if rec is None:
            out.append(PhotoFacts(pid, state="missing", reason="not_found"))
        else:
            out.append(PhotoFacts.from_record(rec))
    return out
