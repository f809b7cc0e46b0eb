"""Helpers for the console tests: a data folder filled the real way (corpus files ingested and
tagged, a book designed, rendered, preflighted and published, print jobs moved through their
states), the API app served by uvicorn on a free local port, and Debian's Chromium.

The browser is the system's (apt-get install -y chromium: /usr/bin/chromium), driven by
Playwright from PyPI; Playwright never downloads a browser here.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.storage import open_store
from tests.system_tools import CHROMIUM, require_chromium
from tests.test_book_fixtures import DEMO, DEMO_DIR

TOKEN = "console-token-for-tests-7f3a9c"
KEY = bytes.fromhex("c0ffee" * 8)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS = "<script>alert('xss')</script>"
# Upload names lose everything up to the last "/" (the ingest keeps the base name only).
XSS_NAME = "<img src=x onerror=alert('xss')>.jpg"

ACCEPTED = (
    "people/obama_biden.jpg",  # two faces, left to right Obama then Biden (PEOPLE.tsv)
    "people/obama_portrait.jpg",
    "people/biden_portrait.jpg",
    "people/biden_standing.jpg",
    "people/obama_standing.jpg",
    "hostile/payload_in_all_known_metadata.jpg",  # EXIF make/model "<script>alert(1)</script>"
)
# Medium photos from demo/photos/ that, with the five people and the copy, fill the 20-page
# book without blank pages (a mostly blank book fails preflight: blank_pages).
BOOK_DEMO = DEMO[:13]
REJECTED = (
    "notimage/hopper.gif",  # unsupported_format
    "invalid/truncated_end_chunk.png",  # truncated
    "hostile/mouseover-xss-ecs.jpeg",  # XSS text as JPEG scan data: damaged
)


@dataclass
class ConsoleData:
    settings: Settings
    ids: dict[str, str]  # corpus path (or label) -> photo id
    book_id: str
    book: dict[str, Any]  # what `pressroom book` reported
    jobs: dict[str, str] = field(default_factory=dict)  # label -> job id


def populate(root: Path, corpus: Path) -> ConsoleData:
    """Ingest (with tags), design and publish a book, and record print jobs, into `root`."""
    import pyvips

    from pressroom.books.make import make_book as build
    from pressroom.books.printjob import render_print_files
    from pressroom.printjobs import PrintRejected, open_jobs
    from pressroom.tags import make_tagger

    settings = Settings(data_dir=root, signing_keys=(KEY,), console_token=TOKEN)
    store, catalogue = open_store(settings), open_catalogue(settings)
    ingestor = Ingestor(store, catalogue, settings, tagger=make_tagger())
    ids: dict[str, str] = {}
    for rel in (*ACCEPTED, *REJECTED):
        result = ingestor.ingest_path(corpus / rel)
        ids[rel] = result.id
    # A smaller re-encoded copy: a near-duplicate of the portrait (same pHash group).
    copy = pyvips.Image.new_from_file(str(corpus / "people/obama_portrait.jpg")).resize(0.8)
    ids["copy"] = ingestor.ingest_bytes(copy.jpegsave_buffer(Q=80), "obama copy.jpg").id
    # An upload whose file name is markup (names come from phones and browsers).
    flower = (corpus / "valid/jpeg/flower.jpg").read_bytes()
    ids["xss"] = ingestor.ingest_bytes(flower, XSS_NAME).id
    for name in BOOK_DEMO:
        ids[f"demo/{name}"] = ingestor.ingest_path(DEMO_DIR / name).id
    catalogue.announce("announced0001", {"source_name": "IMG_0001.HEIC"})
    ids["missing"] = "announced0001"

    people = [ids[p] for p in ACCEPTED[:5]] + [ids["copy"]]
    people += [ids[f"demo/{name}"] for name in BOOK_DEMO]
    out = build(
        settings, people, "photobook-21x21", root / "print" / "book.pdf",
        previews=root / "print" / "previews", title="Summer <b>2026</b>", pad=True, workers=1,
    )
    assert out.get("book_id"), out
    # Print jobs are orders of design documents: the book's own design, as `book` stored it.
    design = json.loads(store.get(f"books/{out['book_id']}/design.json"))

    jobs = open_jobs(settings)
    jobs.create("order-ready", design, "corr-ready")
    job, _ = jobs.start("order-ready", 60)
    jobs.finish("order-ready", job.attempts, {"files": ["print/order-ready/interior.pdf"],
                                              "pages": out["pages"], "seconds": 3.1,
                                              "book_id": out["book_id"]})
    # An order whose photo was recorded but whose master is gone from storage.
    smaller = pyvips.Image.new_from_file(str(corpus / "people/biden_portrait.jpg")).resize(0.7)
    ids["gone"] = ingestor.ingest_bytes(smaller.jpegsave_buffer(Q=80), "biden small.jpg").id
    store.delete(f"masters/{ids['gone']}.jpg")
    broken = json.loads(json.dumps(design))
    next(p for p in broken["pages"] if p.get("slots"))["slots"][0] = {"photo": ids["gone"]}
    jobs.create("order-broken", broken, "corr-broken")
    jobs.start("order-broken", 60)
    try:
        render_print_files(broken, store, catalogue)
        raise AssertionError("a book without its photo rendered")
    except PrintRejected as r:
        jobs.fail("order-broken", r.reason, r.message)
    time.sleep(0.01)  # created_at orders the list: the queued job is the newest
    jobs.create("order-queued", design, "corr-queued")
    return ConsoleData(settings, ids, out["book_id"], out,
                       {"ready": "order-ready", "broken": "order-broken", "queued": "order-queued"})


class Server:
    """An ASGI app under uvicorn on 127.0.0.1, in a thread of this process."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        from tests.aws_server import free_ports

        self.port = free_ports(1)[0]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def chromium() -> Any:
    """(playwright, browser) on Debian's Chromium; fails saying how to install it if absent."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    return pw, browser
