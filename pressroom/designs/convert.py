"""Design document <-> Book (the layout model both renderers read).

`to_book` places every slot exactly as the document says (its crop, fit and scale; a slot
without crop gets auto-design's face-aware placement) and collects the findings that stop a
design from rendering as written. `from_book` writes auto-design's Book as a document: each
slot's crop, and fit/scale only where auto-design chose them. A slot equal to what
auto-design would choose is placed by auto-design itself, so auto-design -> document -> Book
gives back the very same Book (and byte-identical PDFs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pressroom.photos import PhotoFacts
from pressroom.products.book import Book, Page, Text
from pressroom.products.designer.steps.cover import cover_place
from pressroom.products.layout import layouts
from pressroom.products.model import Product, Rect, UnknownProduct, get_product

from .document import VERSION, colour_hex, colour_rgb
from .findings import Findings
from .geometry import PageGeometry, cover_geometry, page_geometry
from .slots import place_slot, r6, slot_aspect, slot_of, spread_auto

BLANK = "blank"  # a page without frames (auto-design pads books with them)
ALIGN_IN = {"left": "left", "center": "centre", "right": "right"}
ALIGN_OUT = {v: k for k, v in ALIGN_IN.items()}
DEFAULT_COLOUR = (0.15, 0.15, 0.15)


# --- Book -> document --------------------------------------------------------------------


def _texts_out(page: Page, geo: PageGeometry) -> list[dict[str, Any]]:
    out = []
    for t in page.texts:
        named = [n for n, (r, _) in geo.boxes.items() if _close(r, t.rect)]
        if named:
            box = geo.boxes[named[0]][1]
            d: dict[str, Any] = {"text": t.text, "box": named[0]}
            defaults = (box.size_pt, box.align, tuple(box.colour))
        else:
            r = t.rect
            w, h = geo.width, geo.height
            d = {"text": t.text, "box": [r6(r.x / w), r6(r.y / h), r6(r.w / w), r6(r.h / h)]}
            defaults = (11.0, "centre", DEFAULT_COLOUR)
        if t.font:
            d["font"] = t.font
        if t.size_pt != defaults[0]:
            d["size_pt"] = t.size_pt
        if tuple(t.colour) != defaults[2]:
            d["colour"] = colour_hex(t.colour)
        if t.align != defaults[1]:
            d["align"] = ALIGN_OUT.get(t.align, "center")
        out.append(d)
    return out


def _close(a: Rect, b: Rect, tol: float = 1e-3) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.to_list(), b.to_list(), strict=True))


def from_book(book: Book) -> dict[str, Any]:
    """Auto-design's Book as a version-1 design document."""
    prod = get_product(book.product).for_printer(book.printer)
    lays = layouts()
    doc: dict[str, Any] = {"version": VERSION, "product": book.product, "title": book.title}
    if book.printer:
        doc["printer"] = book.printer
    pages = []
    for page in book.pages:
        lay = lays.get(page.layout)
        aspect = page.placements[0].crop.aspect if page.placements else None
        geo = page_geometry(prod, lay, page.number, aspect)
        d: dict[str, Any] = {"layout": page.layout}
        if page.background:
            d["background"] = colour_hex(page.background)
        if page.placements:
            d["slots"] = [slot_of(pl, a) for pl, a in zip(page.placements, geo.areas, strict=False)]
        texts = _texts_out(page, geo)
        if texts:
            d["texts"] = texts
        pages.append(d)
    doc["pages"] = pages
    if book.cover is not None:
        geo = cover_geometry(prod, lays[book.cover.layout], len(book.pages))
        cover: dict[str, Any] = {"layout": book.cover.layout}
        cover["slots"] = [
            slot_of(pl, a) for pl, a in zip(book.cover.placements, geo.areas, strict=False)
        ]
        said = {
            n: t.text
            for t in book.cover.texts
            for n, (r, _) in geo.boxes.items()
            if _close(r, t.rect)
        }
        if said.get("title", "") != book.title:
            cover["title"] = said.get("title", "")
        if "spine" in said and said["spine"] != book.title:
            cover["spine"] = said["spine"]
        doc["cover"] = cover
    return doc


# --- document -> Book --------------------------------------------------------------------


def _photo(
    slot: Mapping[str, Any], photos: Mapping[str, PhotoFacts], f: Findings, where: Any, n: int
) -> PhotoFacts | None:
    pid = slot["photo"]
    p = photos.get(pid)
    if p is None or (p.state == "missing" and p.reason == "not_found"):
        f.add("fail", "photo_unknown", f"no photo has the id {pid}", where, n)
        return None
    if p.state != "uploaded" or not p.master or not p.width or not p.height:
        why = p.reason or p.state
        f.add("fail", "photo_rejected", f"photo {pid} cannot print ({why})", where, n)
        return None
    return p


def _crop_ok(slot: Mapping[str, Any], f: Findings, where: Any, n: int) -> bool:
    if "crop" not in slot:
        return True
    x, y, w, h = slot["crop"]
    eps = 1e-6
    if x < -eps or y < -eps or x + w > 1 + eps or y + h > 1 + eps:
        f.add(
            "fail", "crop_outside", f"crop {list(slot['crop'])} reaches outside the photo", where, n
        )
        return False
    return True


def _texts_in(d: Mapping[str, Any], geo: PageGeometry, f: Findings, where: Any) -> list[Text]:
    out = []
    for i, t in enumerate(d.get("texts") or [], 1):
        box = t["box"]
        if isinstance(box, str):
            if box not in geo.boxes:
                known = ", ".join(geo.boxes) or "none"
                f.add(
                    "fail",
                    "text_box_unknown",
                    f"the layout has no text box {box!r} (its boxes: {known})",
                    where,
                    text=i,
                )
                continue
            rect, tb = geo.boxes[box]
            defaults = (tb.size_pt, tb.align, (*tb.colour,), tb.rotate, tb.box)
        else:
            rect = Rect(
                box[0] * geo.width, box[1] * geo.height, box[2] * geo.width, box[3] * geo.height
            )
            defaults = (11.0, "centre", DEFAULT_COLOUR, 0, None)
        colour = colour_rgb(t["colour"]) if "colour" in t else defaults[2]
        align = ALIGN_IN[t["align"]] if "align" in t else defaults[1]
        out.append(
            Text(
                rect,
                t["text"],
                float(t.get("size_pt", defaults[0])),
                align,
                defaults[3],
                colour,
                defaults[4],
                t.get("font"),
            )
        )
    return out


def _page(
    product: Product,
    d: Mapping[str, Any],
    number: int,
    photos: Mapping[str, PhotoFacts],
    f: Findings,
) -> Page:
    name = d["layout"]
    lay = layouts().get(name)
    # a "spread" layout (one picture across facing pages) is drawn page by page: each page's
    # slot holds its half of the crop in a full-bleed frame
    kinds = ("page", "spread")
    if name != BLANK and (lay is None or lay.kind not in kinds or name not in product.layouts):
        f.add("fail", "unknown_layout", f"{product.id} has no page layout {name!r}", number)
        lay = None
    slots = list(d.get("slots") or [])
    frames = len(lay.frames) if lay else 0
    if (lay or name == BLANK) and len(slots) != frames:
        f.add(
            "fail",
            "slot_count",
            f"layout {name} has {frames} frames, the page fills {len(slots)}",
            number,
        )
    usable = [(i, s, _photo(s, photos, f, number, i)) for i, s in enumerate(slots, 1)]
    aspect = next((slot_aspect(s, p) for _, s, p in usable if p), None)
    geo = page_geometry(product, lay, number, aspect)
    placements = [
        place_slot(s, p, area, product, spread_auto(product, lay, p, number))
        for (i, s, p), area in zip(usable, geo.areas, strict=False)
        if p is not None and _crop_ok(s, f, number, i)
    ]
    bg = colour_rgb(d["background"]) if "background" in d else None
    return Page(
        number,
        geo.width,
        geo.height,
        geo.bleed,
        lay.id if lay else BLANK,
        placements,
        _texts_in(d, geo, f, number),
        geo.safe,
        geo.side,
        bg,
    )


def _cover(
    product: Product,
    doc: Mapping[str, Any],
    pages: int,
    photos: Mapping[str, PhotoFacts],
    f: Findings,
) -> tuple[Page | None, float | None]:
    d = doc.get("cover")
    if not product.is_book:
        if d is not None:
            f.add("fail", "cover_not_allowed", f"{product.id} has no cover", "cover")
        return None, None
    if d is None:
        f.add("fail", "cover_missing", f"{product.id} needs a cover", "cover")
        return None, None
    lay = layouts().get(d["layout"])
    if lay is None or lay.kind != "cover" or d["layout"] not in product.cover_layouts:
        f.add(
            "fail",
            "unknown_layout",
            f"{product.id} has no cover layout {d['layout']!r}"
            f" (use {', '.join(product.cover_layouts)})",
            "cover",
        )
        return None, None
    geo = cover_geometry(product, lay, pages)
    slots = list(d.get("slots") or [])
    if len(slots) > len(geo.areas):
        f.add(
            "fail",
            "slot_count",
            f"layout {lay.id} has {len(geo.areas)} frames, the cover fills {len(slots)}",
            "cover",
        )
    placements = []
    for (i, s), area, frame in zip(enumerate(slots, 1), geo.areas, lay.frames, strict=False):
        p = _photo(s, photos, f, "cover", i)
        if p is not None and _crop_ok(s, f, "cover", i):
            auto = cover_place(p, frame, area.frame, area.safe, product)  # as auto-design
            placements.append(place_slot(s, p, area, product, auto))
    texts = []
    title = doc.get("title", "")
    words = {"title": d.get("title", title), "spine": d.get("spine", title)}
    for name, (rect, box) in geo.boxes.items():
        text = words.get(name, "")
        if not text:
            continue
        if name == "spine" and geo.spine < product.spine_text_min:
            if "spine" in d:
                f.add(
                    "warn",
                    "spine_too_narrow",
                    f"the spine is {geo.spine:.1f} mm, text needs"
                    f" {product.spine_text_min:.0f} mm: it is left off",
                    "cover",
                )
            continue
        texts.append(Text(rect, text, box.size_pt, box.align, box.rotate, box.colour, box.box))
    page = Page(0, geo.width, geo.height, geo.bleed, lay.id, placements, texts, geo.safe, None)
    return page, geo.spine


def to_book(
    doc: Mapping[str, Any], photos: Mapping[str, PhotoFacts]
) -> tuple[Book | None, Findings]:
    """A schema-valid document -> (Book, findings); Book None when the product is unknown.
    photos: the records of the photos it names, by id (absent: unknown)."""
    f = Findings()
    try:
        product = get_product(doc["product"])
    except UnknownProduct as e:
        f.add("fail", "unknown_product", str(e.args[0]))
        return None, f
    try:  # made for a printer: its bleed, safe zone, cover construction and page rules
        product = product.for_printer(doc.get("printer"))
    except KeyError as e:  # an unknown printer, or one without this binding
        f.add("fail", "unknown_printer", str(e.args[0]))
        return None, f
    pages = [_page(product, d, n, photos, f) for n, d in enumerate(doc["pages"], 1)]
    for why in product.pages_ok(len(pages)):
        f.add("fail", "page_count", why)
    cover, spine = _cover(product, doc, len(pages), photos, f)
    book = Book(
        product.id, doc.get("title", ""), pages, cover, spine, product.target_ppi, product.min_ppi
    )
    # What auto-design records beside the pages: the printer and, for a cover, its
    # construction (folds, hinges, turn-ins: the cover preview's guides).
    book.printer = product.printer
    if cover is not None:
        book.cover_construction = product.cover_construction(len(pages))
    return book, f
