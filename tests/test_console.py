"""The customer-success console on the embedded defaults (folder + SQLite), served beside the
thumbnail API under uvicorn as the hosts compose them (with_console): the door (token, login,
cookie), escaping, and what a person sees in a real browser (Debian's Chromium through
Playwright).

Data is real: corpus photos ingested and tagged, a book designed, rendered, preflighted and
published to the blob store, print jobs moved through their states (tests/console_fixtures.py).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from pressroom.api.app import create_app
from pressroom.catalogue import open_catalogue
from pressroom.config import Settings
from pressroom.console import with_console
from pressroom.console.auth import COOKIE, TokenGate
from pressroom.storage import open_store
from tests.console_fixtures import (
    BOOK_DEMO,
    TOKEN,
    XSS,
    XSS_NAME,
    ConsoleData,
    Server,
    chromium,
    populate,
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> ConsoleData:
    return populate(tmp_path_factory.mktemp("console"), corpus)


def served(s: Settings) -> Any:
    """The thumbnail API with the console beside it, as the hosts compose them."""
    store, catalogue = open_store(s), open_catalogue(s)
    return with_console(create_app(s, store, catalogue), s, store, catalogue)


@pytest.fixture(scope="module")
def server(data: ConsoleData) -> Iterator[Server]:
    with Server(served(data.settings)) as srv:
        yield srv


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def console_urls(data: ConsoleData) -> list[str]:
    photo = data.ids["people/obama_biden.jpg"]
    return [
        "/console",
        "/console/",
        "/console/photos",
        "/console/photos?state=rejected",
        f"/console/photos/{photo}",
        f"/console/photos/{data.ids['notimage/hopper.gif']}",
        "/console/books",
        f"/console/books/{data.book_id}",
        f"/console/books/{data.book_id}/pages/cover.jpg",
        f"/console/books/{data.book_id}/pages/page-001.jpg",
        "/console/jobs",
        f"/console/jobs/{data.jobs['broken']}",
        "/console/static/console.css",
        "/console/static/console.js",
        "/console/no/such/page",
        "/console/login",
    ]


# -- the door ---------------------------------------------------------------------------------


def test_every_console_url_needs_the_token(client: httpx.Client, data: ConsoleData) -> None:
    for url in console_urls(data):
        for headers in (
            {},
            {"Authorization": "Bearer wrong-token"},
            {"Authorization": f"Basic {TOKEN}"},
            {"Cookie": f"{COOKIE}=9999999999.{'0' * 64}"},  # forged session
        ):
            r = client.get(url, headers=headers)
            assert r.status_code == 401, (url, headers, r.status_code)
            # The login form, and nothing of what was asked for (beyond where to return).
            body = re.sub(r'<input type="hidden" name="next"[^>]*>', "", r.text)
            assert "Sign in" in body
            assert not any(s in body for s in (*data.ids.values(), *data.jobs.values(), "Summer"))
            assert "Sign out" not in body
            assert r.headers["www-authenticate"].startswith("Bearer")
        r = client.post(url, data={"token": "nope"})
        assert r.status_code == 401, url


def test_pages_with_the_token(client: httpx.Client, data: ConsoleData) -> None:
    for url in console_urls(data):
        r = client.get(url, headers=AUTH)
        expected = 404 if "no/such" in url else 303 if url.endswith("/login") else 200
        assert r.status_code == expected, (url, r.status_code, r.text[:300])
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        if r.headers.get("content-type", "").startswith("text/html"):
            assert r.headers["cache-control"] == "private, no-store"
    r = client.get(f"/console/books/{data.book_id}/pages/page-001.jpg", headers=AUTH)
    assert r.headers["content-type"] == "image/jpeg" and r.content[:3] == b"\xff\xd8\xff"


def test_login_form_sets_a_session_cookie(client: httpx.Client) -> None:
    r = client.post("/console/login", data={"token": TOKEN, "next": "/photos?state=rejected"})
    assert r.status_code == 303
    assert r.headers["location"] == "/console/photos?state=rejected"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console/" in cookie
    session = re.match(rf"{COOKIE}=([^;]+)", cookie).group(1)
    r = client.get("/console/photos", headers={"Cookie": f"{COOKIE}={session}"})
    assert r.status_code == 200 and "Photos" in r.text
    # The same cookie with one character changed, or expired, opens nothing.
    forged = session[:-1] + ("0" if session[-1] != "0" else "1")
    assert client.get("/console/", headers={"Cookie": f"{COOKIE}={forged}"}).status_code == 401
    r = client.post("/console/logout", headers={"Cookie": f"{COOKIE}={session}"})
    assert r.status_code == 303 and "Max-Age=0" in r.headers["set-cookie"]


def test_expired_session_is_refused() -> None:
    gate = TokenGate(lambda *a: None, "t0ken", lambda *a: "")
    assert gate.session_ok(gate.session())
    assert not gate.session_ok(gate.session(now=time.time() - 13 * 3600))
    assert not TokenGate(lambda *a: None, "other", lambda *a: "").session_ok(gate.session())


def test_login_never_redirects_off_the_console(client: httpx.Client) -> None:
    for wanted in ("//evil.example/x", "https://evil.example/", "\\\\evil.example", "/\\evil"):
        r = client.post("/console/login", data={"token": TOKEN, "next": wanted})
        assert r.status_code == 303 and r.headers["location"] == "/console/", wanted


def test_console_is_off_without_a_token(data: ConsoleData) -> None:
    s = data.settings
    off = Settings(data_dir=s.data_dir, signing_keys=s.signing_keys)
    assert Settings.from_env({}).console_token is None  # off by default
    with Server(served(off)) as srv, httpx.Client(base_url=srv.url) as c:
        for url in console_urls(data):
            r = c.get(url, headers=AUTH)
            assert r.status_code in (403, 404), (url, r.status_code)
            assert "console" not in r.text.lower()


def test_console_sits_beside_the_api(data: ConsoleData) -> None:
    """with_console sends /console and /console/... to the console and everything else (even
    /consoleX) to the app it wraps; off, it is that app itself."""
    s = data.settings
    seen: list[str] = []

    async def api(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    off = Settings(data_dir=s.data_dir)
    assert with_console(api, off, open_store(off), open_catalogue(off)) is api
    app = with_console(api, s, open_store(s), open_catalogue(s))
    with Server(app) as srv, httpx.Client(base_url=srv.url) as c:
        assert c.get("/console", headers=AUTH).status_code == 200
        assert c.get("/console/jobs", headers=AUTH).status_code == 200
        for url in ("/consoleX", "/health", "/_/pr:thumb/console"):
            assert c.get(url).status_code == 204, url
    assert seen == ["/consoleX", "/health", "/_/pr:thumb/console"]


# -- escaping ---------------------------------------------------------------------------------


def test_no_page_reflects_input_unescaped(client: httpx.Client, data: ConsoleData) -> None:
    q = quote(XSS, safe="")
    urls = [
        f"/console/photos?state={q}",
        f"/console/photos?reason={q}",
        f"/console/photos?id={q}",
        f"/console/photos/{q}",
        f"/console/books/{q}",
        f"/console/jobs?state={q}",
        f"/console/jobs/{q}",
        f"/console/photos/{data.ids['xss']}",  # file name is markup
        f"/console/photos/{data.ids['hostile/payload_in_all_known_metadata.jpg']}",  # EXIF
        "/console/photos",
        f"/console/books/{data.book_id}",  # title "Summer <b>2026</b>"
    ]
    for url in urls:
        r = client.get(url, headers=AUTH)
        assert r.status_code in (200, 404), (url, r.status_code)
        for raw in ("<script>alert", "<img src=x", "<b>2026"):
            assert raw not in r.text, (url, raw)
    page = client.get(f"/console/photos/{data.ids['xss']}", headers=AUTH).text
    assert "&lt;img src=x onerror=alert(&#39;xss&#39;)&gt;.jpg" in page
    exif = client.get(f"/console/photos/{data.ids['hostile/payload_in_all_known_metadata.jpg']}",
                      headers=AUTH).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in exif
    # The login page reflects the path it was asked for: escaped too.
    r = client.get(f"/console/photos?state={q}")
    assert r.status_code == 401 and "<script>alert" not in r.text
    assert "&lt;script&gt;" in r.text or "%3Cscript%3E" in r.text


# -- pages without a browser ------------------------------------------------------------------


def test_grid_thumbnails_are_signed_and_served(client: httpx.Client, data: ConsoleData) -> None:
    page = client.get("/console/photos?state=uploaded", headers=AUTH).text
    srcs = re.findall(r'<img src="([^"]+)"', page)
    # 6 corpus photos, the copy, the markup-named upload, the gone one, the book's demo photos
    assert len(srcs) == 9 + len(BOOK_DEMO)
    for src in srcs[:3]:
        assert not src.startswith("/_/")  # signed with the key, not unsigned
        r = client.get(src.replace("&amp;", "&"), headers={"Accept": "image/jpeg"})
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"


def test_job_page_names_the_missing_photo(client: httpx.Client, data: ConsoleData) -> None:
    page = client.get(f"/console/jobs/{data.jobs['broken']}", headers=AUTH).text
    assert "no longer available in storage" in page and "missing_photo" in page
    gone = data.ids["gone"]  # recorded, its master deleted
    assert f"/console/photos/{gone}" in page.split("Not in storage")[1].split("</p>")[0]
    ready = client.get(f"/console/jobs/{data.jobs['ready']}", headers=AUTH).text
    assert f"/console/books/{data.book_id}" in ready  # the job's book, published


# -- in a browser -----------------------------------------------------------------------------


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
    dialogs: list[str] = []
    p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    p.dialogs = dialogs
    p.goto(f"{server.url}/console/photos")
    assert p.locator("h1").inner_text() == "Sign in"
    p.fill("input[name=token]", TOKEN)
    p.click("button.primary")
    p.wait_for_url("**/console/photos")
    yield p
    assert not dialogs, f"a page ran injected script: {dialogs}"
    context.close()


def loaded(page: Any, selector: str) -> list[int]:
    """naturalWidth of every matching image once each has been scrolled into view."""
    for el in page.locator(selector).all():
        el.scroll_into_view_if_needed()
    page.wait_for_function(
        "s => [...document.querySelectorAll(s)].every(i => i.complete)", arg=selector
    )
    return page.eval_on_selector_all(selector, "els => els.map(e => e.naturalWidth)")


def test_photo_grid_and_filter_to_rejected(page: Any, data: ConsoleData, tmp_path: Path) -> None:
    cards = page.locator("li.card")
    uploaded = 9 + len(BOOK_DEMO)  # see test_grid_thumbnails_are_signed_and_served
    assert cards.count() == uploaded + 3 + 1  # + 3 rejected + 1 announced
    widths = loaded(page, "li.card img")
    assert len(widths) == uploaded and all(w == 400 for w in widths)  # 200 CSS px at dpr 2
    page.screenshot(path=str(tmp_path / "grid.png"), full_page=True)

    page.select_option("select[name=state]", "rejected")  # submits itself (console.js)
    page.wait_for_url("**/console/photos?state=rejected*")
    states = page.eval_on_selector_all("li.card", "els => els.map(e => e.dataset.state)")
    assert states == ["rejected"] * 3
    names = set(page.locator("li.card .name").all_inner_texts())
    assert names == {"hopper.gif", "truncated_end_chunk.png", "mouseover-xss-ecs.jpeg"}
    assert page.locator("nav.tabs a[aria-current]").inner_text().startswith("Rejected")
    page.screenshot(path=str(tmp_path / "rejected.png"), full_page=True)

    page.select_option("select[name=reason]", "unsupported_format")
    page.wait_for_url("**reason=unsupported_format*")
    assert page.locator("li.card .name").all_inner_texts() == ["hopper.gif"]
    page.locator("li.card a").first.click()
    page.wait_for_url(f"**/console/photos/{data.ids['notimage/hopper.gif']}")
    verdict = page.locator("section.verdict").inner_text()
    assert "format we do not print from" in verdict and "export it as JPEG" in verdict
    assert "unsupported_format" in verdict
    page.screenshot(path=str(tmp_path / "rejected-photo.png"), full_page=True)


def test_photo_page_draws_the_face_boxes(page: Any, data: ConsoleData, tmp_path: Path) -> None:
    pid = data.ids["people/obama_biden.jpg"]
    page.goto(page.url.replace("/photos", f"/photos/{pid}"))
    assert page.locator("h1").inner_text() == "obama_biden.jpg"
    assert loaded(page, "#master") == [1126]  # the whole master (1126 x 661) inside 1600
    img = page.locator("#master").bounding_box()
    boxes = page.locator("#faces g.face rect")
    assert boxes.count() == 2
    faces = [[float(v) for v in g.split(",")] for g in
             page.eval_on_selector_all("#faces g.face", "els => els.map(e => e.dataset.box)")]
    tags = open_catalogue(data.settings).get(pid).data["tags"]["faces"]
    assert [[round(v, 1) for v in f["box"]] for f in tags] == faces
    scale = img["width"] / 1126
    assert abs(img["height"] - 661 * scale) < 1.5
    for i, (x, y, w, h) in enumerate(faces):
        r = boxes.nth(i).bounding_box()
        # Drawn where the master's pixels are: the box on screen = the tag's box, scaled.
        assert abs(r["x"] - (img["x"] + x * scale)) < 2.5, (r, img, x)
        assert abs(r["y"] - (img["y"] + y * scale)) < 2.5
        assert abs(r["width"] - w * scale) < 4 and abs(r["height"] - h * scale) < 4
    # PEOPLE.tsv: Obama left, Biden right; one box in each half, both in the upper half.
    centres = sorted((f[0] + f[2] / 2) / 1126 for f in faces)
    assert centres[0] < 0.5 < centres[1]
    assert all((f[1] + f[3] / 2) / 661 < 0.5 for f in faces)
    text = page.locator(".facts").inner_text()
    for label in ("Sharpness", "Exposure", "Screenshot score", "Quality", "Duplicates group"):
        assert label in text
    assert "2 faces found" in page.locator("figcaption").inner_text()
    page.screenshot(path=str(tmp_path / "photo-faces.png"), full_page=True)

    # The portrait and its re-encoded copy form a duplicates group.
    page.goto(page.url.replace(pid, data.ids["people/obama_portrait.jpg"]))
    group = page.locator(".mini-grid a").evaluate_all("els => els.map(e => e.pathname)")
    assert group == [f"/console/photos/{data.ids['copy']}"]


def test_book_shows_every_spread_and_the_preflight_warnings(
    page: Any, data: ConsoleData, tmp_path: Path
) -> None:
    page.click("nav.main-nav >> text=Books")
    page.locator("ul.book-list a").first.click()
    page.wait_for_url(f"**/console/books/{data.book_id}")
    assert page.locator("h1").inner_text() == "Summer <b>2026</b>"  # as text, not markup
    store = open_store(data.settings)
    layout = json.loads(store.get(f"books/{data.book_id}/book.json"))
    report = json.loads(store.get(f"books/{data.book_id}/preflight.json"))
    n = len(layout["pages"])
    assert n == data.book["pages"] == 20

    # Every page and the cover, each with its preview, in spreads as the book opens:
    # cover | [inside cover, 1] | [2, 3] ... [18, 19] | [20, back of the cover].
    figures = page.locator("figure.page")
    assert figures.count() == n + 1
    assert len(loaded(page, "figure.page img")) == n + 1
    assert all(w > 800 for w in loaded(page, "figure.page img"))  # 100 ppi previews
    spreads = page.eval_on_selector_all(
        "div.spread", "els => els.map(s => [...s.children].map(c => c.dataset.page || '-'))"
    )
    assert spreads == [["0"], ["-", "1"]] + [[str(i), str(i + 1)] for i in range(2, n, 2)] + [
        [str(n), "-"]
    ]

    # Effective ppi of every placed photo, as designed.
    designed = sorted(round(p["ppi"]) for pg in [layout["cover"], *layout["pages"]]
                      for p in pg["placements"])
    shown = sorted(int(v) for v in page.eval_on_selector_all(
        "a.placement", "els => els.map(e => e.dataset.ppi)"))
    assert shown == designed
    assert page.locator("a.placement.ppi-low").count() == sum(150 <= v < 300 for v in designed)

    # Each preflight finding is listed on the page it concerns.
    expected: dict[str, int] = {}
    for file, r in report.items():
        for f in r["findings"]:
            if f["page"] is not None:
                key = "cover" if file == "cover" else f"page-{f['page']:03d}"
                expected[key] = expected.get(key, 0) + 1
    assert expected, "the test book should carry low-ppi warnings"
    found = dict(page.eval_on_selector_all(
        "figure.page", "els => els.map(e => [e.id, +e.dataset.findings])"))
    assert {k: v for k, v in found.items() if v} == expected
    for key in expected:
        fig = page.locator(f"figure#{key}")
        assert "has-warn" in fig.get_attribute("class")
        assert "ppi" in fig.locator("li.finding").first.inner_text()
    assert page.locator("#preflight-status").inner_text() == "preflight passed with warnings"

    # Auto-design's layout score, as `pressroom book --json` gave it, with its measures.
    score = data.book["score"]
    assert layout["score"] == score
    panel = page.locator("#layout-score")
    assert panel.locator("h2 .score").inner_text() == f"{score['total']:.1f}"
    said = dict(zip(panel.locator("dt").all_inner_texts(), panel.locator("dd").all_inner_texts(),
                    strict=True))  # fmt: skip
    terms = score["terms"]
    assert said["Blank pages"] == str(terms["blank_pages"])
    assert said["Faces cut or without headroom"] == (
        f"{terms['faces_cut'] + terms['faces_without_headroom']} of {terms['faces']}"
    )
    assert said["Lowest resolution"] == f"{terms['ppi_min']:.0f} ppi"
    page.screenshot(path=str(tmp_path / "book.png"), full_page=True)
    assert (tmp_path / "book.png").stat().st_size > 100_000


def test_print_jobs_newest_first(page: Any, data: ConsoleData, tmp_path: Path) -> None:
    page.click("nav.main-nav >> text=Print jobs")
    rows = page.locator("table.jobs tbody tr")
    assert rows.count() == 3
    ids = rows.locator("td:nth-child(2)").all_inner_texts()
    assert ids == ["order-queued", "order-broken", "order-ready"]
    states = rows.evaluate_all("els => els.map(e => e.dataset.state)")
    assert states == ["queued", "failed", "ready"]
    assert "no longer available in storage" in rows.nth(1).inner_text()
    page.screenshot(path=str(tmp_path / "jobs.png"), full_page=True)
    page.click("a >> text=order-broken")
    assert "Why it failed" in page.locator("section.verdict").inner_text()


def test_injected_markup_never_runs(page: Any, server: Server, data: ConsoleData) -> None:
    q = quote(XSS, safe="")
    for url in (
        f"/console/photos?state={q}&reason={q}&id={q}",
        f"/console/photos/{data.ids['xss']}",
        f"/console/photos/{data.ids['hostile/payload_in_all_known_metadata.jpg']}",
        f"/console/jobs?state={q}",
        f"/console/books/{data.book_id}",
    ):
        page.goto(server.url + url)
        # Only the console's own script element exists; the payload is shown as text.
        srcs = page.eval_on_selector_all("script", "els => els.map(e => e.src)")
        assert srcs == [f"{server.url}/console/static/console.js"], url
    page.goto(f"{server.url}/console/photos/{data.ids['xss']}")
    assert page.locator("h1").inner_text() == XSS_NAME
    assert page.locator("main img").count() == 1  # the master only: the name made no <img>
    # page fixture: no dialog opened
