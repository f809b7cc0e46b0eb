"""What a new user tripped over in the console (issue 18), in a real browser (Debian's
Chromium through Playwright) on real data (tests/console_fixtures.py): a rejected upload left
out of a book shows why, never a broken image; "find a photo" takes a file name or the start
of an id; a book made without previews shows its photos in their frames (no grey boxes) and
has a picture in the book list; print-file paths show as names, not as typed elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pressroom.api.app import create_app
from pressroom.catalogue import open_catalogue
from pressroom.console import with_console
from pressroom.storage import open_store
from tests.console_fixtures import (
    ACCEPTED,
    REJECTED,
    TOKEN,
    ConsoleData,
    Server,
    chromium,
    populate,
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> ConsoleData:
    from pressroom.books.make import make_book

    root = tmp_path_factory.mktemp("console-ux")
    d = populate(root, corpus)
    # A set of prints from three photos and two rejected uploads, without --previews.
    ids = [d.ids[p] for p in ACCEPTED[:3]] + [d.ids[p] for p in REJECTED[:2]]
    out = make_book(d.settings, ids, "print-6x4", root / "elsewhere" / "prints.pdf", workers=1)
    assert out.get("book_id"), out
    d.jobs["prints"] = out["book_id"]
    return d


@pytest.fixture(scope="module")
def server(data: ConsoleData) -> Iterator[Server]:
    s = data.settings
    store, catalogue = open_store(s), open_catalogue(s)
    with Server(with_console(create_app(s, store, catalogue), s, store, catalogue)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pw, b = chromium()
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(20_000)
    p.goto(f"{server.url}/console/photos")
    p.fill("input[name=token]", TOKEN)
    p.click("button.primary")
    p.wait_for_url("**/console/photos")
    yield p
    context.close()


def widths(page: Any, selector: str) -> list[int]:
    """naturalWidth of every matching image once loaded (0: broken)."""
    for el in page.locator(selector).all():
        el.scroll_into_view_if_needed()
    page.wait_for_function(
        "s => [...document.querySelectorAll(s)].every(i => i.complete)", arg=selector
    )
    return page.eval_on_selector_all(selector, "els => els.map(e => e.naturalWidth)")


def find(page: Any, text: str) -> None:
    """Type into the photo grid's find box, as a person would."""
    page.goto(page.url.split("/console/", 1)[0] + "/console/photos")
    page.fill("input#find", text)
    page.click("form.find button")
    page.wait_for_load_state()


def test_find_a_photo_by_file_name_or_id_prefix(
    page: Any, data: ConsoleData, tmp_path: Path
) -> None:
    find(page, "OBAMA_BIDEN")  # part of the original file name, any case: one match opens it
    assert page.url.endswith(f"/console/photos/{data.ids['people/obama_biden.jpg']}")
    assert page.locator("h1").inner_text() == "obama_biden.jpg"

    find(page, data.ids["people/biden_standing.jpg"][:8])  # the start of an id
    assert page.url.endswith(f"/console/photos/{data.ids['people/biden_standing.jpg']}")

    find(page, "portrait")  # several matches: the grid of exactly those
    names = sorted(page.locator("li.card .name").all_inner_texts())
    assert names == ["biden_portrait.jpg", "obama_portrait.jpg"]
    assert "2 photos match" in page.locator(".callout").first.inner_text()
    page.screenshot(path=str(tmp_path / "find.png"), full_page=True)

    find(page, "no-such-name")
    assert "No photo has an id starting with" in page.locator(".callout").first.inner_text()


def test_left_out_rejected_uploads_show_why_not_a_broken_image(
    page: Any, server: Server, data: ConsoleData, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/console/books/{data.jobs['prints']}")
    left = page.locator("section.panel:has(h2:text('Left out of the book'))")
    rejected = [data.ids[p] for p in REJECTED[:2]]
    for pid in rejected:
        tile = left.locator(f"li[data-photo='{pid}']")
        assert tile.locator("img").count() == 0  # its thumbnail would answer 404
        said = tile.inner_text()
        assert "rejected upload" in said and "the upload was rejected" in said
    assert "hopper.gif" in left.inner_text()  # named by its file name, not only its id
    # Every image on the page loads: no broken-image icons anywhere.
    assert all(w > 0 for w in widths(page, "img"))
    page.screenshot(path=str(tmp_path / "left-out.png"), full_page=True)


def test_book_without_previews_draws_its_photos_not_grey_boxes(
    page: Any, server: Server, data: ConsoleData, tmp_path: Path
) -> None:
    page.goto(f"{server.url}/console/books/{data.jobs['prints']}")
    assert page.locator("#no-previews").count() == 1
    sketches = page.locator("svg.sketch")
    assert sketches.count() == 3  # three prints, one photo each
    for i in range(3):
        sketches.nth(i).scroll_into_view_if_needed()
    hrefs = page.eval_on_selector_all(
        "svg.sketch image", "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(hrefs) == 3
    # Each drawn photo really loads (a signed thumbnail of the console's own API).
    for href in hrefs:
        r = page.request.get(f"{server.url}{href}")
        assert r.status == 200 and r.headers["content-type"].startswith("image/")
    # Paths are shown by name; the full path (typed on another machine) only on hover.
    path = page.locator("code.path").first
    assert path.inner_text() == "prints.pdf"
    assert path.get_attribute("title").endswith("elsewhere/prints.pdf")
    page.screenshot(path=str(tmp_path / "sketch.png"), full_page=True)

    page.goto(f"{server.url}/console/books")
    entry = page.locator(f"li:has(a[href$='/books/{data.jobs['prints']}'])")
    assert entry.locator("img").count() == 1  # the first photo stands in for a cover
    assert all(w > 0 for w in widths(page, ".book-list img"))
