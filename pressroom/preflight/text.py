"""How far a string advances, in thousandths of the font size, from the font's own widths
(simple fonts: /Widths from /FirstChar; Type 0 with 2-byte Identity encodings: the
descendant's /W and /DW). Where a print checker needs where text lands, not its shapes."""

from __future__ import annotations

from typing import Any

DEFAULT_EM = 0.5  # width of a glyph the font does not describe (Standard 14 without /Widths)


def advance(font: Any, data: bytes) -> float:
    """Advance of `data` shown in `font`, in text space units per unit of font size."""
    if font is None:
        return len(data) * DEFAULT_EM
    try:
        kind, widths, default, two = _widths(font.objgen, font)
    except (KeyError, ValueError, TypeError, AttributeError):
        return len(data) * DEFAULT_EM
    if two:
        codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
    else:
        codes = list(data)
    return sum(widths.get(c, default) for c in codes) / 1000


_TABLES: dict[tuple[int, int], tuple[str, dict[int, float], float, bool]] = {}


def _widths(key: tuple[int, int], font: Any) -> tuple[str, dict[int, float], float, bool]:
    # Fonts that are direct objects (objgen (0, 0)) are read every time.
    if key != (0, 0) and key in _TABLES:
        return _TABLES[key]
    sub = str(font.get("/Subtype", ""))
    widths: dict[int, float] = {}
    if sub == "/Type0":
        desc = font.DescendantFonts[0]
        default = float(desc.get("/DW", 1000))
        w = list(desc.get("/W") or [])
        i = 0
        while i < len(w) - 1:
            first = int(w[i])
            if hasattr(w[i + 1], "__len__") and not isinstance(w[i + 1], (int, float)):
                for j, v in enumerate(w[i + 1]):
                    widths[first + j] = float(v)
                i += 2
            else:
                last, v = int(w[i + 1]), float(w[i + 2])
                for c in range(first, last + 1):
                    widths[c] = v
                i += 3
        table = ("type0", widths, default, True)
    else:
        first = int(font.get("/FirstChar", 0))
        for j, v in enumerate(font.get("/Widths") or []):
            widths[first + j] = float(v)
        fd = font.get("/FontDescriptor")
        missing = float(fd.get("/MissingWidth", 0)) if fd is not None else 0.0
        default = missing or (DEFAULT_EM * 1000 if not widths else 0.0)
        table = ("simple", widths, default, False)
    if key != (0, 0):
        _TABLES[key] = table
    return table
