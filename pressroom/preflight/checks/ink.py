"""Total ink coverage (C+M+Y+K, %) against a CMYK printer's limit.

Method: every CMYK image is decoded (libvips; JPEGs shrink on load) and averaged over 1 mm
cells at its placed size: an ink limit is about an area of the sheet, not one pixel, and JPEG
ringing at single pixels would otherwise count. The highest cell is the image's coverage;
vector colour counts its k/K values as set. Adobe CMYK JPEGs store inverted values: the
image's /Decode says how the PDF reads them, and the coverage is read the same way."""

from __future__ import annotations

from typing import Any

import numpy as np
import pikepdf

from ..context import PreflightContext
from ..report import FAIL, PageReport
from ..scan import PageScan, Placed

CELL_MM = 1.0
SLACK_PERCENT = 1.0  # 8-bit rounding of four channels
MAX_DECODE_PIXELS = 60_000_000  # bigger images are read at 1/8 (a JPEG) or not at all


def page_ink(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    p = ctx.printer
    if p is None or not p.is_cmyk:
        return
    limit = p.colour.tac_percent
    worst: list[tuple[float, str]] = []
    if scan.cmyk_max > limit + SLACK_PERCENT:
        worst.append((scan.cmyk_max, "vector colour"))
    for img in scan.images:
        if img.obj is None or "CMYK" not in img.colour_space or img.bits != 8:
            continue
        tac = image_tac(img)
        if tac is not None and tac > limit + SLACK_PERCENT:
            worst.append((tac, img.name))
    for tac, what in worst:
        ctx.report.add(
            FAIL,
            "ink_coverage",
            f"total ink over {p.id}'s {limit:g} %",
            pr.number,
            f"page {pr.number}: {what} up to {tac:.0f} %",
        )


def _inverted(obj: Any) -> bool:
    d = obj.get("/Decode")
    return d is not None and len(d) >= 2 and float(d[0]) > float(d[1])


def image_tac(img: Placed) -> float | None:
    """The highest total ink of 1 mm cells of the image as placed (None: not readable)."""
    import pyvips

    x = img.obj
    w_pt, h_pt = img.size_pt
    if w_pt < 1 or h_pt < 1:
        return None
    px_per_cell = min(img.width / (w_pt / 72 * 25.4), img.height / (h_pt / 72 * 25.4)) * CELL_MM
    try:
        if img.filters == ["DCTDecode"]:
            raw = x.read_raw_bytes()
            adobe = b"Adobe" in raw[:4096]
            shrink = max(s for s in (1, 2, 4, 8) if s <= max(px_per_cell, 1))
            if img.width * img.height / shrink**2 > MAX_DECODE_PIXELS:
                return None
            im = pyvips.Image.jpegload_buffer(raw, shrink=shrink)
            flip = adobe != _inverted(x)  # libvips undoes Adobe's inversion; /Decode redoes it
        elif img.width * img.height <= MAX_DECODE_PIXELS:
            data = x.read_bytes()
            im = pyvips.Image.new_from_memory(data, img.width, img.height, 4, "uchar")
            shrink, flip = 1, _inverted(x)
        else:
            return None
    except (pikepdf.PdfError, pyvips.Error, ValueError):
        return None
    if im.bands != 4:
        return None
    cell = max(1.0, px_per_cell / shrink)
    if cell > 1:
        im = im.shrink(cell, cell) if im.width > cell and im.height > cell else im
    a = np.ndarray(
        buffer=im.write_to_memory(), dtype=np.uint8, shape=(im.height, im.width, 4)
    ).astype(np.float32)
    if flip:
        a = 255 - a
    return float(a.sum(axis=2).max() / 255 * 100)
