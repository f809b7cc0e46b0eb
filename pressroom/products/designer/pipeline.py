"""Auto-design as a named list of small steps (one file each under steps/):

    select -> order -> group -> paginate -> choose_layouts -> pages -> cover

Deterministic: the same photos (and tags) give the same book, whatever order they came in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..book import Book
from ..model import UnknownProduct, get_product
from .job import DesignError, DesignJob, PhotoInfo
from .steps.cover import cover
from .steps.group import group
from .steps.layouts import choose_layouts
from .steps.order import order
from .steps.pages import pages
from .steps.paginate import paginate
from .steps.select import select

Step = Callable[[DesignJob], None]

DESIGN: tuple[Step, ...] = (select, order, group, paginate, choose_layouts, pages, cover)


def run(steps: Sequence[Step], job: DesignJob) -> DesignJob:
    for step in steps:
        step(job)
    return job


def default_title(photos: Sequence[PhotoInfo]) -> str:
    years = sorted({p.time.year for p in photos if p.time})
    if not years:
        return "Photos"
    return f"Photos {years[0]}" if len(years) == 1 else f"Photos {years[0]}-{years[-1]}"


def design(
    photos: Sequence[PhotoInfo],
    product: str,
    *,
    title: str | None = None,
    pad: bool = False,
    **_: Any,
) -> Book:
    """Photos -> Book. Raises DesignError (no_photos, not_enough_photos, unknown_product)."""
    try:
        prod = get_product(product)
    except UnknownProduct as e:
        raise DesignError("unknown_product", str(e)) from None
    unique = {p.id: p for p in photos}  # the same photo twice is one photo
    ordered = sorted(unique.values(), key=lambda p: p.id)
    job = DesignJob(prod, list(ordered), title=title if title is not None else "", pad=pad)
    if title is None:
        job.title = default_title(ordered) if prod.is_book else ""
    run(DESIGN, job)
    assert job.book is not None
    return job.book


def photos_from_catalogue(catalogue: Any, ids: Sequence[str]) -> list[PhotoInfo]:
    out = []
    for pid in ids:
        rec = catalogue.get(pid)
        if rec is None:
            out.append(PhotoInfo(pid, "", 0, 0, state="missing", reason="not_found"))
        else:
            out.append(PhotoInfo.from_record(rec))
    return out
