"""Shaped lines into a PDF page: one Type0 font per face the page uses (Identity-H, a
CIDFontType2 embedding the page's subset), glyphs shown at HarfBuzz's positions, and a
ToUnicode map from every code to the characters its glyph stands for, so `pdftotext` and
copy-paste give the words back (right-to-left and reordered Indic clusters included).

A code (CID) stands for one glyph *with* one piece of text: the same glyph used for different
characters in two places gets two codes, so the ToUnicode map is never ambiguous. A cluster's
text rides on its widest glyph; marks and matras carry none and are drawn after the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .faces import BY_KEY
from .shaping import Glyph, Line
from .subset import Subset, subset

if TYPE_CHECKING:
    import pikepdf


def _n(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _tounicode(codes: dict[tuple[int, str], int]) -> bytes:
    pairs = sorted((cid, text) for (_, text), cid in codes.items() if text)
    out = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    for i in range(0, len(pairs), 100):
        chunk = pairs[i : i + 100]
        out.append(f"{len(chunk)} beginbfchar")
        out += [f"<{cid:04X}> <{_utf16(text)}>" for cid, text in chunk]
        out.append("endbfchar")
    out += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(out).encode()


def _font(pdf: pikepdf.Pdf, sub: Subset, codes: dict[tuple[int, str], int]) -> pikepdf.Object:
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    k = 1000 / sub.upem
    by_cid = sorted((cid, gid) for (gid, _), cid in codes.items())
    cid_to_gid = bytearray(2 * (by_cid[-1][0] + 1))
    widths = []
    for cid, gid in by_cid:
        new = sub.new_gid(gid)
        cid_to_gid[2 * cid : 2 * cid + 2] = new.to_bytes(2, "big")
        widths += [cid, Array([_w(sub.advances[new], sub.upem)])]
    file2 = pikepdf.Stream(pdf, sub.data)
    file2.Length1 = len(sub.data)
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + sub.name),
        Flags=4,
        FontBBox=Array([round(v * k) for v in sub.bbox]),
        ItalicAngle=0,
        Ascent=round(sub.ascent * k),
        Descent=round(sub.descent * k),
        CapHeight=round(sub.cap_height * k),
        StemV=80,
        FontFile2=file2,
    )
    cid_font = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=Name("/" + sub.name),
        CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=0,
        W=Array(widths),
        CIDToGIDMap=pikepdf.Stream(pdf, bytes(cid_to_gid)),
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type0,
            BaseFont=Name("/" + sub.name),
            Encoding=Name("/Identity-H"),
            DescendantFonts=Array([pdf.make_indirect(cid_font)]),
            ToUnicode=pikepdf.Stream(pdf, _tounicode(codes)),
        )
    )


class PageText:
    """The text of one page: `ops` gives the operators that draw a line (for the page's own
    content stream, inside whatever transform and fill colour are set there), `apply` then
    adds the fonts those operators name to the page. Codes are handed out as lines come, so
    the same page always gets the same bytes."""

    def __init__(self) -> None:
        self.codes: dict[str, dict[tuple[int, str], int]] = {}

    def ops(self, line: Line, size: float, x: float, y: float) -> str:
        """Draw `line` at `size` pt with its left end at (x, y) on the baseline (text space:
        points, y up)."""
        out = ["BT"]
        for run in line.runs:
            out.append(f"/PR{run.face} {_n(size)} Tf")
            # The glyphs that carry text first, in one sequence along the baseline; then the
            # marks and matras that carry none. Readers that rebuild words from positions
            # (pdftotext) then see unbroken words.
            carried = [g for g in run.glyphs if g.text]
            bare = [g for g in run.glyphs if not g.text]
            for glyphs in (carried, bare):
                if glyphs:
                    out += self._show(run.face, glyphs, size, x, y)
        out.append("ET")
        return "\n".join(out)

    def _show(self, key: str, glyphs: list[Glyph], size: float, x: float, y: float) -> list[str]:
        face = BY_KEY[key]
        fc = self.codes.setdefault(key, {})
        out: list[str] = []
        seg: list[str] = []
        cur_y = at = None  # baseline of the open TJ, where its pen stands (pt)
        for g in glyphs:
            gx, gy = x + g.x * size, y + g.y * size
            if at is None or gy != cur_y:
                if seg:
                    out.append(f"[{' '.join(seg)}] TJ")
                out.append(f"1 0 0 1 {_n(gx)} {_n(gy)} Tm")
                seg, cur_y = [], gy
            elif abs(gx - at) > 1e-4:
                seg.append(_n((at - gx) * 1000 / size))
            cid = fc.setdefault((g.gid, g.text), len(fc) + 1)
            seg.append(f"<{cid:04X}>")
            at = gx + _w(face.advance(g.gid), face.upem) * size / 1000
        if seg:
            out.append(f"[{' '.join(seg)}] TJ")
        return out

    def apply(self, path: Path) -> None:
        """Add the fonts to the first page of the PDF at `path` (rewritten in place)."""
        import pikepdf
        from pikepdf import Dictionary, Name

        if not self.codes:
            return
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            page = pdf.pages[0].obj
            if "/Resources" not in page:
                page.Resources = Dictionary()
            if "/Font" not in page.Resources:
                page.Resources.Font = Dictionary()
            fonts = page.Resources.Font
            for face, fc in self.codes.items():
                sub = subset(face, tuple(sorted({gid for gid, _ in fc if gid})))
                fonts[Name(f"/PR{face}")] = _font(pdf, sub, fc)
            pdf.save(path, static_id=True)


def _w(advance: int, upem: int) -> float:
    """A width as the PDF's W array holds it (thousandths of an em, 3 decimals)."""
    return round(advance * 1000 / upem, 3)
