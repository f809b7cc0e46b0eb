"""Every font the page (and its forms) can use must carry its glyphs (FontFile, FontFile2 or
FontFile3); Type 3 fonts are glyph programs inside the PDF and always count as embedded."""

from __future__ import annotations

from typing import Any

from ..context import PreflightContext
from ..report import FAIL, PageReport
from ..scan import PageScan


def _embedded(font: Any) -> bool:
    sub = str(font.get("/Subtype", ""))
    if sub == "/Type3":
        return True
    if sub == "/Type0":
        desc = font.get("/DescendantFonts")
        return bool(desc) and all(_embedded(d) for d in desc)
    fd = font.get("/FontDescriptor")
    return fd is not None and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def page_fonts(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    for name, font in sorted(scan.fonts.items()):
        base = str(font.get("/BaseFont", name))[1:]
        emb = _embedded(font)
        pr.fonts.append({"name": base, "type": str(font.get("/Subtype", ""))[1:], "embedded": emb})
        if not emb:
            ctx.report.add(FAIL, "font_not_embedded", f"font {base} is not embedded", pr.number)
