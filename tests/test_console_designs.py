"""The console shows the customer's design (issue 14, item 8): a book's page previews with, per
page, the slots' photos and crops, the captions, and the design check's findings on the page
they concern; a print job links to its design's book. Real data: corpus photos ingested, an
order printed by `pressroom print` (which publishes the job's book with its design), the console
served by uvicorn and read in Debian's Chromium."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pressroom.api.app import create_app
from pressroom.catalogue import open_catalogue
from pressroom.catalogue.books import book_id_for
from pressroom.cli import main
from pressroom.config import Settings
from pressroom.console import with_console
from pressroom.printjobs import open_jobs
from pressroom.storage import open_store
from tests.console_fixtures import KEY, TOKEN, Server, chromium
from tests.test_aws_print import stock

# Too large for its box (shrunk to fit, and taller than the box) yet, shrunk, inside the
# print's safe zone: a warning, not a failure (text outside the safe zone fails preflight).
LONG = "A caption far too long for its little box, set large"
CAPTION = "Verão em Lisboa, julho"


def design() -> dict[str, Any]:
    """Three 6x4 prints; page 2 carries a caption that overflows its box (text_overflow) and
    page 3 a caption that fits, and a crop of the photo's left half (the frame's shape)."""
    return {
        "version": 1,
        "product": "print-6x4",
        "title": "Design on the console",
        "pages": [
            {"layout": "print-full", "slots": [{"photo": "land1"}]},
            {"layout": "print-full", "slots": [{"photo": "land2"}],
             "texts": [{"text": LONG, "box": [0.1, 0.1, 0.3, 0.05], "size_pt": 30}]},
            {"layout": "print-full",
             "slots": [{"photo": "land1", "crop": [0.0, 0.0, 0.981413, 1.0]}],
             "texts": [{"text": CAPTION, "box": [0.05, 0.85, 0.9, 0.1], "size_pt": 12}]},
        ],
    }


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Settings:
    root = tmp_path_factory.mktemp("console-designs")
    settings = Settings(data_dir=root / "data", signing_keys=(KEY,), console_token=TOKEN)
    stock(open_store(settings), open_catalogue(settings), settings, corpus)
    path = root / "design.json"
    path.write_text(json.dumps(design()))
    args = ["print", str(path), "--order", "order-42", "--data", str(settings.data_dir)]
    assert main([*args, "--workers", "1", "--json"]) == 0
    job = open_jobs(settings).get("order-42")
    assert job.state == "ready" and job.result["book_id"] == book_id_for(design())
    return settings


@pytest.fixture(scope="module")
def server(printed: Settings) -> Iterator[Server]:
    store, catalogue = open_store(printed), open_catalogue(printed)
    app = with_console(create_app(printed, store, catalogue), printed, store, catalogue)
    with Server(app) as srv:
        yield srv


@pytest.fixture
def page(server: Server) -> Iterator[Any]:
    pw, browser = chromium()
    try:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            extra_http_headers={"Authorization": f"Bearer {TOKEN}"},
        )
        p = context.new_page()
        p.set_default_timeout(20_000)
        yield p
        context.close()
    finally:
        browser.close()
        pw.stop()


def test_design_page_shows_findings_on_the_right_page(
    page: Any, server: Server, printed: Settings, tmp_path: Path
) -> None:
    # The job links to its design's book.
    page.goto(f"{server.url}/console/jobs/order-42")
    page.click("a >> text=see the book")
    page.wait_for_url(f"**/console/books/{book_id_for(design())}")

    assert page.locator("#design-status").inner_text() == "passed with warnings"
    overflow = page.locator("li.finding[data-code=text_overflow]")
    assert overflow.count() == 1
    # ... on page 2, in that page's figure, naming its text.
    holder = overflow.locator("xpath=ancestor::figure[1]")
    assert holder.get_attribute("id") == "page-002"
    assert overflow.inner_text().startswith("page 2, text 1")
    for key in ("page-001", "page-003"):
        assert page.locator(f"figure#{key} li.finding[data-code=text_overflow]").count() == 0
    # Every page shows its design: one slot each, the written crop drawn, captions as text.
    for key in ("page-001", "page-002", "page-003"):
        assert page.locator(f"figure#{key} [data-design-page={key}] li[data-slot]").count() == 1
    crop = page.locator("figure#page-003 rect.crop-box")
    assert crop.count() == 1 and float(crop.get_attribute("height")) == 1.0
    assert page.locator("figure#page-001 rect.crop-box").count() == 0  # auto crop: none written
    assert page.locator("figure#page-003 .captions q").inner_text() == CAPTION
    assert page.locator("figure#page-002 .captions q").inner_text().startswith("A caption far")
    # The previews are the rendered pages themselves.
    assert page.locator("figure#page-002 img").count() == 1
    page.screenshot(path=str(tmp_path / "design.png"), full_page=True)
    assert (tmp_path / "design.png").stat().st_size > 50_000


def test_a_photo_lost_since_shows_as_a_failure_on_its_page(
    page: Any, server: Server, printed: Settings, corpus: Path
) -> None:
    """The check runs when the page is shown: a photo deleted after printing fails its page."""
    catalogue = open_catalogue(printed)
    catalogue.delete("land2")
    try:
        page.goto(f"{server.url}/console/books/{book_id_for(design())}")
        assert page.locator("#design-status").inner_text() == "failed"
        lost = page.locator("li.finding.fail[data-code=photo_unknown]")
        assert lost.count() == 1
        assert lost.locator("xpath=ancestor::figure[1]").get_attribute("id") == "page-002"
    finally:
        stock(open_store(printed), catalogue, printed, corpus)
