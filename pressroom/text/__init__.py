"""Text in any script, set the same way in the PDF and the previews: HarfBuzz shapes it in
open Noto fonts from the package index (faces.py), bidi runs are ordered visually (bidi.py),
the PDF embeds subsets of exactly the glyphs used with ToUnicode maps (pdf.py), and the
previews rasterise the same subsets with FreeType (raster.py).

    from pressroom.text import covers, fits, shape
    covers("Καλημέρα 😀")      # ['😀']: no shipped font has it
    fits("Summer in Lisbon", (80, 10), 14)  # one line at 14 pt in an 80 x 10 mm box?
"""

from __future__ import annotations

from .shaping import LINE_HEIGHT, Glyph, Line, Run, covers, fit_size, fits, measure, shape

__all__ = ["LINE_HEIGHT", "Glyph", "Line", "Run", "covers", "fit_size", "fits", "measure", "shape"]
