"""Titles and captions on a page, the same in the PDF and the preview: shaped by
pressroom.text (HarfBuzz, open Noto fonts for Latin, Greek, Cyrillic, Arabic, Hebrew,
Devanagari and CJK), placed here once for both renderers.

A line sits in its box's centre (or against a side for `align` left/right), its baseline
0.35 em under the centre, rotated about the centre for spines. page_pdf writes its glyphs
into the page with `PageText`; preview rasterises the same glyphs with `text_mask`.

reportlab still needs a font to start its canvas with: the embedded Vera it ships (never
Helvetica, which it would not embed); it draws no text with it.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ...text import Line, fit_size, shape
from ...text.pdf import PageText

if TYPE_CHECKING:
    import pyvips

__all__ = ["BASELINE", "FONT", "PageText", "fit_size", "line_start", "register", "text_mask"]

FONT = "Vera"
BASELINE = -0.35  # em from the box's centre (y up): a line looks centred in its box
MARGIN = 0.02  # of the box's length, left free at each end


def font_path() -> Path:
    import reportlab

    return Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


_lock = threading.Lock()


@cache
def register() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:  # pages render on several threads
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(font_path())))
    return FONT


def line_start(line: Line, size: float, along_pt: float, align: str) -> float:
    """Where the line starts, in points from the box's centre along its length."""
    w = line.width_pt(size)
    if align == "left":
        return -along_pt / 2 + MARGIN * along_pt
    if align == "right":
        return along_pt / 2 - MARGIN * along_pt - w
    return -w / 2


def layout(text: str, size_pt: float, along_mm: float) -> tuple[Line, float]:
    """The shaped line and the size it is set at: shrunk to fit the box's length."""
    return shape(text), fit_size(text, size_pt, along_mm * (1 - 2 * MARGIN))


def text_mask(
    text: str,
    size_pt: float,
    along_mm: float,
    align: str,
    rotate: int,
    ppi: float,
    centre: tuple[float, float],
) -> tuple[pyvips.Image, tuple[int, int]]:
    """The line as a one-band coverage image and the pixel where its top-left corner goes,
    for a box whose centre is at `centre` (pixels, y down): what the preview composites in
    the text's colour. Unrotated lines keep their sub-pixel placement."""
    import pyvips

    from ...text.raster import render_line

    line, size = layout(text, size_pt, along_mm)
    px = ppi / 72
    x = line_start(line, size, along_mm * 72 / 25.4, align) * px
    y = -BASELINE * size * px  # the baseline, down from the centre
    cx, cy = centre
    m = render_line(line, size * px, (cx + x, cy + y) if not rotate else (x, y))
    h, w = m.alpha.shape
    img = pyvips.Image.new_from_memory(m.alpha.tobytes(), w, h, 1, "uchar")
    if rotate == 90:  # clockwise on the page: (x, y) -> (-y, x) about the centre
        return img.rot90(), (round(cx - m.top - h), round(cy + m.left))
    if rotate in (-90, 270):  # (x, y) -> (y, -x)
        return img.rot270(), (round(cx + m.top), round(cy - m.left - w))
    return img, (m.left, m.top)
