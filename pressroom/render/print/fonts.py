"""The one typeface both renderings use: Bitstream Vera Sans, shipped inside reportlab (free
licence), embedded (subset) in every PDF and drawn by libvips for the previews."""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

FONT = "Vera"


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


def fit_size(text: str, size_pt: float, width_mm: float) -> float:
    """The text's size, shrunk until it fits the box width (both renderers agree on it)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register()
    width_pt = width_mm * 72 / 25.4
    w = stringWidth(text, FONT, size_pt)
    return size_pt if w <= width_pt or w == 0 else max(4.0, size_pt * width_pt / w)
