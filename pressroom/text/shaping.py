"""One line of text as positioned glyphs: split into runs by face and bidi level, each run
shaped by HarfBuzz in its own direction, runs put in visual order.

Everything is in em (font units / units-per-em), so a size in points scales it; the PDF and
the preview draw exactly these glyph ids at exactly these positions.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .bidi import base_level, levels, visual_order
from .faces import BY_KEY, FACES, FontFace

LATIN = BY_KEY["latin"]


@dataclass(frozen=True)
class Glyph:
    gid: int  # glyph id in the face's font file
    x: float  # em from the line's left end (pen position + offset)
    y: float  # em up from the baseline
    advance: float  # em
    text: str  # the characters this glyph stands for ("" for the rest of a cluster)


@dataclass(frozen=True)
class Run:
    face: str  # a key of faces.BY_KEY
    rtl: bool
    text: str  # logical order
    glyphs: tuple[Glyph, ...]  # visual order, x from the line's left end


@dataclass(frozen=True)
class Line:
    text: str
    runs: tuple[Run, ...]  # visual order, left to right
    width: float  # em
    missing: tuple[str, ...]  # characters no shipped face has (drawn as .notdef)
    rtl: bool  # paragraph direction

    def width_pt(self, size_pt: float) -> float:
        return self.width * size_pt

    def glyph_ids(self) -> list[int]:
        return [g.gid for r in self.runs for g in r.glyphs]


def _invisible(ch: str) -> bool:
    """Characters that need no glyph of their own (controls, joiners, variation selectors)."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or 0xFE00 <= ord(ch) <= 0xFE0F


def _attaches(ch: str) -> bool:
    """Marks and joiners stay in the face of the character they belong to."""
    return unicodedata.category(ch) in ("Mn", "Mc", "Me") or _invisible(ch)


def _is_neutral(ch: str) -> bool:
    return unicodedata.bidirectional(ch) not in ("L", "R", "AL") and not ch.isalpha()


def _faces(text: str) -> tuple[list[FontFace | None], list[str]]:
    """The face of every character, and the characters no face has."""
    out: list[FontFace | None] = [None] * len(text)
    missing: list[str] = []
    for i, ch in enumerate(text):
        cp = ord(ch)
        if _attaches(ch) or _is_neutral(ch):
            continue  # decided by their neighbours below
        face = next((f for f in FACES if f.prefers(cp) and cp in f.cmap), None)
        if face is None:
            face = next((f for f in FACES if cp in f.cmap), None)
        if face is None and ch not in missing:
            missing.append(ch)
        out[i] = face
    # Neutrals (spaces, digits, punctuation) and marks: the previous character's face when it
    # has the glyph, else the next one's, else the first face that has it.
    for i, ch in enumerate(text):
        if out[i] is not None:
            continue
        cp = ord(ch)
        prev = out[i - 1] if i else None
        nxt = next((f for f in out[i + 1 :] if f is not None), None)
        face = next((f for f in (prev, nxt) if f is not None and cp in f.cmap), None)
        if face is None and _invisible(ch):
            face = prev or nxt or LATIN
        if face is None:
            face = next((f for f in FACES if cp in f.cmap), None)
        if face is None:
            if ch not in missing:
                missing.append(ch)
            face = prev or nxt or LATIN
        out[i] = face
    return out, sorted(missing, key=text.index)


def _language(text: str) -> str:
    """The language whose CJK forms to use (HarfBuzz `locl`): kana means Japanese, Hangul
    Korean, other Han Simplified Chinese."""
    if any(0x3040 <= ord(c) <= 0x30FF or 0x31F0 <= ord(c) <= 0x31FF for c in text):
        return "ja"
    if any(0xAC00 <= ord(c) <= 0xD7AF or 0x1100 <= ord(c) <= 0x11FF for c in text):
        return "ko"
    return "zh-Hans"


def _shape_run(
    text: str, start: int, end: int, face: FontFace, rtl: bool, lang: str | None
) -> tuple[list[Any], list[Any]]:  # uharfbuzz GlyphInfo, GlyphPosition (untyped)
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(text, start, end - start)  # the whole line as context (Arabic joining)
    buf.direction = "rtl" if rtl else "ltr"
    if face.key == "cjk":
        buf.language = lang or _language(text)
    elif lang:
        buf.language = lang
    buf.guess_segment_properties()
    hb.shape(face.hb_font(), buf, {"kern": True, "liga": True})
    return buf.glyph_infos, buf.glyph_positions


@lru_cache(maxsize=4096)
def shape(text: str, lang: str | None = None) -> Line:
    """`text` as one line of glyphs. `lang` (BCP 47) picks language forms; unset, CJK text
    is read as Japanese (kana), Korean (Hangul) or Chinese."""
    text = unicodedata.normalize("NFC", text)
    if not text:
        return Line(text, (), 0.0, (), False)
    faces, missing = _faces(text)
    base = base_level(text)
    lv = levels(text, base)
    spans: list[tuple[int, int]] = []  # logical runs: same face, same level
    for i in range(len(text)):
        if i and faces[i] is faces[i - 1] and lv[i] == lv[i - 1]:
            spans[-1] = (spans[-1][0], i + 1)
        else:
            spans.append((i, i + 1))
    ordered = visual_order(spans, [lv[s] for s, _ in spans])
    runs = []
    pen = 0.0
    for start, end in ordered:
        face = faces[start]
        assert face is not None
        rtl = lv[start] % 2 == 1
        infos, positions = _shape_run(text, start, end, face, rtl, lang)
        bounds = sorted({i.cluster for i in infos} | {end})
        # A cluster's text goes with its widest glyph (the base, not a mark or a matra), so
        # text extraction finds it on the baseline where the reader sees the letter.
        carrier: dict[int, int] = {}
        for k, (info, pos) in enumerate(zip(infos, positions, strict=True)):
            best = carrier.get(info.cluster)
            if best is None or pos.x_advance > positions[best].x_advance:
                carrier[info.cluster] = k
        glyphs = []
        em = 1.0 / face.upem
        for k, (info, pos) in enumerate(zip(infos, positions, strict=True)):
            c = info.cluster
            share = ""
            if carrier[c] == k:
                share = text[c : bounds[bounds.index(c) + 1]]
            glyphs.append(
                Glyph(
                    info.codepoint,
                    pen + pos.x_offset * em,
                    pos.y_offset * em,
                    pos.x_advance * em,
                    share,
                )
            )
            pen += pos.x_advance * em
        runs.append(Run(face.key, rtl, text[start:end], tuple(glyphs)))
    return Line(text, tuple(runs), pen, tuple(missing), base == 1)


def covers(text: str) -> list[str]:
    """The characters of `text` that no shipped font has a glyph for (empty: all covered)."""
    return list(shape(text).missing)


PT_PER_MM = 72 / 25.4
LINE_HEIGHT = 1.2  # em: the height a line needs in its box


def measure(text: str, size_pt: float) -> float:
    """The shaped width of `text` at `size_pt`, in points."""
    return shape(text).width_pt(size_pt)


def fits(text: str, box: tuple[float, float], size_pt: float) -> bool:
    """Whether `text` set on one line at `size_pt` fits a box of (width, height) mm."""
    w_mm, h_mm = box
    return (
        measure(text, size_pt) <= w_mm * PT_PER_MM + 1e-6
        and size_pt * LINE_HEIGHT <= h_mm * PT_PER_MM + 1e-6
    )


def fit_size(text: str, size_pt: float, width_mm: float, smallest: float = 4.0) -> float:
    """The text's size, shrunk until its shaped width fits `width_mm` (never under
    `smallest`): what the renderers set titles and captions at."""
    w = measure(text, size_pt)
    width_pt = width_mm * PT_PER_MM
    return size_pt if w <= width_pt or w == 0 else max(smallest, size_pt * width_pt / w)
