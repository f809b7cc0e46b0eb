"""Make the README's pictures from the demo: docs/images/demo-spread.png (a spread of the demo
photobook from its page previews), docs/images/demo-book.png (every spread of it, under its
layout score) and docs/images/console.png (the console's page of that book, in headless
Chromium).

    .venv/bin/python demo/screenshots.py [--data DIR] [--spread N] [--out docs/images]

Runs `pressroom demo --data DIR` first unless DIR/demo/design.json exists (default DIR: a fresh
temporary folder). The console is `pressroom serve` on a free local port with
PRESSROOM_CONSOLE_TOKEN set, driven by Playwright on Debian's Chromium
(apt-get install -y chromium fonts-liberation; Playwright never downloads a browser). Both
PNGs are palette PNGs (libimagequant through libvips), each well under 300 KB.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pyvips

ROOT = Path(__file__).resolve().parent.parent
PRESSROOM = Path(sys.executable).with_name("pressroom")
CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "demo-screenshots"
SPREAD_WIDTH = 1000  # px: two 500 px pages, sharp enough for a README, ~200 KB as a palette PNG
VIEWPORT = {"width": 1280, "height": 1240}  # down to the cover, the first of the pages
GUTTER = (0, 0, 0, 0.18)  # the fold's shadow, drawn over the inner edges
SHEET_ACROSS = 4  # spreads a row on the contact sheet
SHEET_PAGE = 150  # px a page there: the layouts read, the photos are thumbnails


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="demo data folder (default: a new temp folder)")
    ap.add_argument("--spread", type=int, help="left page number (even; default: the fullest)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = ap.parse_args(argv)
    data = args.data or Path(tempfile.mkdtemp(prefix="pressroom-demo-"))
    if not (data / "demo" / "design.json").is_file():
        subprocess.run([str(PRESSROOM), "demo", "--data", str(data)], check=True)
    design = json.loads((data / "demo" / "design.json").read_text())
    args.out.mkdir(parents=True, exist_ok=True)
    left = args.spread or fullest_spread(design)
    spread = make_spread(data / "demo" / "previews", left)
    save(spread, args.out / "demo-spread.png")
    doc = str(data / "demo" / "design.json")
    checked = subprocess.run(
        [str(PRESSROOM), "check", doc, "--data", str(data), "--json"], capture_output=True
    )
    score = json.loads(checked.stdout)["score"]  # the layout score `pressroom check` measures
    save(book_sheet(data / "demo" / "previews", design, score), args.out / "demo-book.png")
    save(console_screenshot(data, design), args.out / "console.png")
    for name in ("demo-spread.png", "demo-book.png", "console.png"):
        path = args.out / name
        print(f"{path}  {path.stat().st_size / 1000:.0f} KB")
    return 0


def fullest_spread(design: dict[str, Any]) -> int:
    """The left page (even, 1-based) of the inner spread with the most photos on it; page 1
    is a right-hand page, so spreads are 2-3, 4-5, ..."""
    pages = design["pages"]
    count = [len(p.get("slots") or []) for p in pages]
    lefts = range(2, len(pages), 2)
    return max(lefts, key=lambda n: (count[n - 1] + count[n], -n))


def page(previews: Path, n: int) -> pyvips.Image:
    """Page n's preview on white paper."""
    img = pyvips.Image.new_from_file(str(previews / f"page-{n:03d}.png"))
    return img.flatten(background=[255, 255, 255]) if img.hasalpha() else img


def make_spread(previews: Path, left: int) -> pyvips.Image:
    spread = page(previews, left).join(page(previews, left + 1), "horizontal")
    spread = spread.resize(SPREAD_WIDTH / spread.width, kernel="lanczos3")
    # A soft shadow at the fold, so the two pages read as an open book.
    w = max(4, spread.width // 60)
    ramp = pyvips.Image.xyz(w, spread.height)[0].linear(-GUTTER[3] / w, GUTTER[3])
    shade = ramp.flip("horizontal").join(ramp, "horizontal")
    mid = spread.width // 2 - w
    fold = spread.crop(mid, 0, 2 * w, spread.height) * (1 - shade)
    return spread.insert(fold.cast("uchar"), mid, 0)


def book_sheet(previews: Path, design: dict[str, Any], score: dict[str, Any]) -> pyvips.Image:
    """Every spread as a bound book opens: page 1 alone on the right, then 2-3, 4-5, ..., the
    last even page alone on the left (grey where the endpapers are), under the book's score."""
    pages = []
    for n in range(1, len(design["pages"]) + 1):
        img = page(previews, n)
        pages.append(img.resize(SHEET_PAGE / img.height, kernel="lanczos3")[:3])
    endpaper = (pages[0] * 0 + 215).cast("uchar")
    seq = [endpaper, *pages] + ([endpaper] if len(pages) % 2 == 0 else [])
    grey = [96, 96, 96]
    spreads = [
        seq[i]
        .join(seq[i + 1], "horizontal", shim=1, background=[150, 150, 150])
        .embed(8, 8, seq[i].width * 2 + 17, SHEET_PAGE + 16, extend="background", background=grey)
        for i in range(0, len(seq), 2)
    ]
    grid = pyvips.Image.arrayjoin(spreads, across=SHEET_ACROSS, background=grey)
    terms = score["terms"]
    line = (
        f"{design['product']}, {len(pages)} pages: layout score {score['total']}, "
        f"{terms['distinct_layouts']} layouts, {terms['blank_pages']} blank pages, "
        f"{terms['faces_cut']} faces cut, {terms['faces_without_headroom']} without headroom, "
        f"lowest {terms['ppi_min']:.0f} ppi"
    )
    mask = pyvips.Image.text(line, dpi=110, font="sans")  # 0-255 coverage of the type
    mask = mask.embed(12, 10, grid.width, mask.height + 16)
    head = (mask * ((255 - 96) / 255) + 96).cast("uchar")  # white type on the sheet's grey
    return head.bandjoin([head, head]).join(grid, "vertical")


def console_screenshot(data: Path, design: dict[str, Any]) -> pyvips.Image:
    from playwright.sync_api import sync_playwright

    from pressroom.catalogue.books import book_id_for

    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-liberation")
    port = free_port()
    env = {**os.environ, "PRESSROOM_CONSOLE_TOKEN": TOKEN, "PRESSROOM_ALLOW_UNSIGNED": "1"}
    cmd = [str(PRESSROOM), "serve", "--port", str(port), "--data", str(data)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health", server)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
            page.set_default_timeout(30_000)
            page.goto(f"{base}/console/books/{book_id_for(design)}")
            page.fill("input[name=token]", TOKEN)
            page.click("button.primary")
            page.wait_for_url(f"**/console/books/{book_id_for(design)}")
            # The images in view have loaded once the network is idle (the console's CSP
            # forbids the string eval that wait_for_function needs).
            page.wait_for_load_state("networkidle")
            heading = page.locator("h1").inner_text()
            if heading != design.get("title"):
                sys.exit(f"the console showed {heading!r}, not the book {design.get('title')!r}")
            png = page.screenshot(full_page=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    return pyvips.Image.new_from_buffer(png, "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"pressroom serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"pressroom serve did not answer {url} in {seconds:.0f} s")


def save(img: pyvips.Image, path: Path) -> None:
    if img.hasalpha():
        img = img.flatten(background=[255, 255, 255])
    img.pngsave(str(path), palette=True, Q=90, effort=10, strip=True)


if __name__ == "__main__":
    sys.exit(main())
