"""The demo's job, as facts for its story: from the photos of an upload (already ingested and
tagged by the host, on its guarded runner) to a photobook, a set of prints and an ornament,
each designed, written as PDF/X, previewed, preflighted and published to the book store.

The story's facts come from the same use cases every host uses: curation (duplicates, people,
events) over the catalogue's records, and make_book for each product (auto-design, render,
preflight). The host only prints them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.storage import open_store

from .make import make_book

BOOK, PRINTS, ORNAMENT = "photobook-21x21", "print-6x4", "ornament-round-8"
PRINT_COUNT = 6
RECEIPT_NAME = "scan-of-receipt.jpg"
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".avif"}

# A one-page PDF with a .jpg name: what a customer picks by mistake from their files. Written
# at run time (never vendored as a photo), so the demo shows a rejection: not_an_image.
RECEIPT = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 226 340] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def demo_photos() -> Path:
    """demo/photos/ of the source tree (47 CC BY photos, credited in its CREDITS.md)."""
    return Path(__file__).resolve().parents[2] / "demo" / "photos"


def upload_files(photos: Path, inbox: Path) -> list[Path]:
    """The demo's upload: the photos in `photos` (not CREDITS.md) and the receipt, written
    into `inbox`."""
    inbox.mkdir(parents=True, exist_ok=True)
    receipt = inbox / RECEIPT_NAME
    receipt.write_bytes(RECEIPT)
    files = sorted(p for p in photos.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
    return [*files, receipt]


@dataclass
class Story:
    """What happened, in the order the demo tells it. Products are make_book outcomes."""

    photos: int  # accepted uploads
    duplicates: list[list[str]]  # groups of near-duplicates, best first
    people: list[dict[str, Any]]  # {"photos": [id, ...], "faces": n}, most seen first
    events: list[dict[str, Any]]  # {"photos": n, "dates": str, "place": str}
    chapters: list[str]  # the book's chapter captions (dates · place)
    book: dict[str, Any]
    prints: dict[str, Any]
    ornament: dict[str, Any]  # prints and ornament also say which photo_ids they print

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def run_demo(settings: Settings, photo_ids: list[str], out_dir: Path, workers: int = 1) -> Story:
    """Curate the accepted photos, then design, render, preflight and publish the book
    (with its design document, out_dir/design.json), the prints and the ornament."""
    from pressroom.curate import curate
    from pressroom.photos import PhotoFacts
    from pressroom.products.designer.places import place_name
    from pressroom.products.designer.steps.group import dates
    from pressroom.tags.embed import ensure_embeddings

    catalogue, store = open_catalogue(settings), open_store(settings)
    records = [(pid, rec.data) for pid in photo_ids if (rec := catalogue.get(pid))]
    accepted = [(pid, d) for pid, d in records if d.get("tags")]

    # People need face vectors; ingest leaves them to the first grouping (stored once).
    def save(pid: str, data: dict[str, Any]) -> None:
        catalogue.update_data(pid, data)

    ensure_embeddings(accepted, lambda d: store.get(d["proxy"]), save, settings.tagging)
    facts = [PhotoFacts.from_data(pid, d) for pid, d in accepted]
    by_id = {f.id: f for f in facts}
    c = curate(facts)
    people: list[dict[str, Any]] = [
        {"photos": list(dict.fromkeys(pid for pid, _ in g)), "faces": len(g)}
        for g in c.people
        if len({pid for pid, _ in g}) > 1  # a face seen once is no one the book can follow
    ]
    events = []
    for e in c.events:
        photos = [by_id[pid] for pid in e]
        points = [(p.gps["lat"], p.gps["lon"]) for p in photos if p.gps and "lat" in p.gps]
        events.append({"photos": len(e), "dates": dates(photos), "place": place_name(points)})

    def product(name: str, ids: list[str], **kw: Any) -> dict[str, Any]:
        folder = out_dir if name == BOOK else out_dir / name
        return make_book(
            settings,
            ids,
            name,
            folder / ("book.pdf" if name == BOOK else f"{name}.pdf"),
            previews=folder / "previews",
            workers=workers,
            **kw,
        )

    design = out_dir / "design.json"  # edit it, then `pressroom check` / `render` it
    book = product(BOOK, photo_ids, title="pressroom demo", pad=True, design_out=design)
    printable = [pid for pid in c.picks if pid not in c.unprintable]
    in_book = _book_photos(design)
    # Prints: the best photos the book used; the ornament: the most-seen person's best photo.
    best = [p for p in printable if p in in_book][:PRINT_COUNT]
    prints = {**product(PRINTS, best), "photo_ids": best}
    rank = {pid: i for i, pid in enumerate(printable)}
    seen = [p for p in people[0]["photos"] if p in rank] if people else []
    face = [min(seen, key=rank.__getitem__)] if seen else printable[:1]
    ornament = {**product(ORNAMENT, face), "photo_ids": face}
    return Story(
        photos=len(facts),
        duplicates=c.duplicates,
        people=people,
        events=events,
        chapters=_chapters(design),
        book=book,
        prints=prints,
        ornament=ornament,
    )


def _design(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.is_file() else {}


def _book_photos(path: Path) -> set[str]:
    return {s["photo"] for page in _design(path).get("pages", []) for s in page.get("slots", [])}


def _chapters(path: Path) -> list[str]:
    """The chapter captions the designer wrote into the book (dates, and a place name where
    the photos carry GPS)."""
    return [
        t["text"]
        for page in _design(path).get("pages", [])
        for t in page.get("texts", [])
        if t.get("box") == "caption" and t.get("text")
    ]
