"""What the check asks of the fonts: which fonts exist, which characters a font cannot set,
and the size a text is set at in its box. The fonts and text shaping belong to
pressroom.render.print.fonts (HarfBuzz and the shipped font families arrive there, issue 14);
its richer answers are used when it offers them: `font_names()`, `missing_glyphs(text, font)`
and a `font` keyword on `fit_size`. Until then the house font (Bitstream Vera) answers."""

from __future__ import annotations

import inspect
from functools import cache

from pressroom.render.print import fonts

# Whitespace and controls need no glyph (a line break is layout, not ink).
_NO_INK = {"\n", "\r", "\t", "\u200b", "\u200c", "\u200d", "\ufe0f"}


@cache
def font_names() -> frozenset[str]:
    names = getattr(fonts, "font_names", None)
    return frozenset(names()) if callable(names) else frozenset({fonts.FONT})


def missing_glyphs(text: str, font: str | None = None) -> str:
    """The characters of `text` no shipped font can print (in order, each once)."""
    hook = getattr(fonts, "missing_glyphs", None)
    if callable(hook):
        return str(hook(text, font))
    cmap = _vera_cmap()
    out = []
    for ch in dict.fromkeys(text):
        if ch not in _NO_INK and ord(ch) not in cmap:
            out.append(ch)
    return "".join(out)


@cache
def _vera_cmap() -> frozenset[int]:
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import TTFont

    font = getFont(fonts.register())
    assert isinstance(font, TTFont)  # fonts.register() registers a TrueType font
    return frozenset(font.face.charToGlyph)


def fitted_size(text: str, size_pt: float, width_mm: float, font: str | None = None) -> float:
    """The size the renderers set `text` at in a box `width_mm` wide (shrunk to fit)."""
    fit = fonts.fit_size
    if font and "font" in inspect.signature(fit).parameters:
        return float(fit(text, size_pt, width_mm, font=font))  # type: ignore[call-arg]
    return float(fit(text, size_pt, width_mm))
