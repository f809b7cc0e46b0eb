"""A small TrueType font holding just the glyphs a page uses, built from a shipped face at its
pinned instance. The PDF embeds these bytes and the preview rasterises the same bytes, so both
show identical outlines. CFF outlines (Noto Sans CJK) become quadratic ones (cu2qu, 1 unit
tolerance at 1000 units per em): one kind of embedded font for PDF/X-4 and PDF/X-1a alike.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .faces import BY_KEY


@dataclass(frozen=True)
class Subset:
    face: str
    gids: tuple[int, ...]  # original glyph ids; new glyph id = position + 1 (0 is .notdef)
    data: bytes  # the TrueType font
    advances: tuple[int, ...]  # font units, by new glyph id
    upem: int
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    name: str  # PostScript name with its subset tag: ABCDEF+NotoSans-Regular

    def new_gid(self, gid: int) -> int:
        return self.gids.index(gid) + 1 if gid else 0


def _outline(glyph_set: Any, name: str, cubic: bool) -> Any:  # fontTools: untyped
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    rec = DecomposingRecordingPen(glyph_set)
    glyph_set[name].draw(rec)
    pen = TTGlyphPen(None)
    # PostScript contours run the other way round from TrueType's.
    rec.replay(Cu2QuPen(pen, max_err=1.0, reverse_direction=cubic) if cubic else pen)
    return pen.glyph()


@lru_cache(maxsize=256)
def subset(face_key: str, gids: tuple[int, ...]) -> Subset:
    """A font of .notdef plus `gids` (sorted, without 0) of the face."""
    from fontTools.fontBuilder import FontBuilder

    face = BY_KEY[face_key]
    src = face.ttfont
    order = face.glyph_order
    with face._lock:  # fontTools' lazy tables are not thread-safe
        cubic = "CFF " in src
        gs = face.glyph_set
        names = [".notdef"] + [f"g{g}" for g in gids]
        glyphs = {n: _outline(gs, order[g], cubic) for n, g in zip(names, (0, *gids), strict=True)}
        adv = [round(gs[order[g]].width) for g in (0, *gids)]
        hhea, os2 = src["hhea"], src["OS/2"]
        ascent, descent = int(hhea.ascent), int(hhea.descent)
        cap = int(getattr(os2, "sCapHeight", 0) or 0.7 * face.upem)
    fb = FontBuilder(face.upem, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({})
    fb.setupGlyf(glyphs)
    glyf = fb.font["glyf"]
    metrics = {}
    for n, a in zip(names, adv, strict=True):
        g = glyf[n]
        g.recalcBounds(glyf)
        metrics[n] = (a, getattr(g, "xMin", 0))
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=ascent, descent=descent)
    family = face.postscript_name.split("-")[0]
    fb.setupNameTable(
        {"familyName": family, "styleName": "Regular", "psName": face.postscript_name}
    )
    fb.setupOS2(
        sTypoAscender=ascent,
        sTypoDescender=descent,
        usWinAscent=ascent,
        usWinDescent=-descent,
        sCapHeight=cap,
        fsType=0,
    )
    fb.setupPost()
    fb.setupHead(unitsPerEm=face.upem, created=0, modified=0)  # no clock: same bytes each run
    fb.font.recalcTimestamp = False
    buf = io.BytesIO()
    fb.save(buf)
    data = buf.getvalue()
    head = fb.font["head"]
    bbox = (int(head.xMin), int(head.yMin), int(head.xMax), int(head.yMax))
    # The subset tag names the glyph set, as PDF asks: six capitals from its hash.
    h = hashlib.sha256(face_key.encode() + repr(gids).encode()).digest()
    tag = "".join(chr(65 + b % 26) for b in h[:6])
    return Subset(
        face_key,
        gids,
        data,
        tuple(adv),
        face.upem,
        ascent,
        descent,
        cap,
        bbox,
        f"{tag}+{face.postscript_name}",
    )
