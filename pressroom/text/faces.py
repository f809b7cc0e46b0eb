"""The typefaces pressroom sets text in: open (SIL OFL) Noto fonts installed from the package
index, one per script family, all at Regular weight.

| face       | covers                                   | from (PyPI)                     |
|------------|------------------------------------------|---------------------------------|
| latin      | Latin, Greek, Cyrillic (Noto Sans)       | fontpkg-noto-sans               |
| arabic     | Arabic (Noto Sans Arabic)                | justmytype-intl-rtl             |
| hebrew     | Hebrew (Noto Sans Hebrew)                | justmytype-intl-rtl             |
| devanagari | Devanagari (Noto Sans Devanagari)        | fontpkg-noto-sans-devanagari    |
| cjk        | Chinese, Japanese, Korean (Noto Sans CJK)| cvttf-notosanscjk-regular       |

The CJK face is one font holding every Han, kana and Hangul glyph; HarfBuzz's `locl` feature
picks the Japanese, Korean or Simplified Chinese forms from the text's language. The variable
fonts are pinned to wght 400 / wdth 100 (Noto Sans Hebrew's default instance is Thin).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..reasons import ConfigError

REGULAR = {"wght": 400.0, "wdth": 100.0}


@dataclass(frozen=True)
class FontFace:
    key: str
    package: str  # the import name of the PyPI package that ships the file
    pip: str  # what to install when it is missing
    file: str  # path inside the package
    ranges: tuple[tuple[int, int], ...] = ()  # code points this face is preferred for
    _lock: threading.RLock = field(default_factory=threading.RLock, compare=False, repr=False)

    @cached_property
    def path(self) -> Path:
        try:
            p = Path(str(files(self.package) / self.file))
        except ModuleNotFoundError:
            p = None
        if p is None or not p.is_file():
            raise ConfigError(
                "missing_font",
                f"font {self.key} not found: install it with `pip install {self.pip}`",
            )
        return p

    @cached_property
    def ttfont(self) -> Any:
        """fontTools' view (cmap, outlines, metrics); loaded lazily, once per process."""
        from fontTools.ttLib import TTFont

        with self._lock:
            return TTFont(str(self.path), lazy=True)

    @cached_property
    def location(self) -> dict[str, float]:
        axes = self.ttfont["fvar"].axes if "fvar" in self.ttfont else []
        return {a.axisTag: REGULAR[a.axisTag] for a in axes if a.axisTag in REGULAR}

    @cached_property
    def cmap(self) -> dict[int, str]:
        with self._lock:
            return dict(self.ttfont.getBestCmap())

    @cached_property
    def upem(self) -> int:
        return int(self.ttfont["head"].unitsPerEm)

    @cached_property
    def postscript_name(self) -> str:
        name = self.ttfont["name"].getDebugName(6) or self.key
        # The pinned instance, not the file's default (NotoSansHebrew-Thin at wght 400).
        return name.split("-")[0] + "-Regular"

    @cached_property
    def glyph_order(self) -> list[str]:
        with self._lock:
            return list(self.ttfont.getGlyphOrder())

    @cached_property
    def glyph_set(self) -> Any:
        """Outlines and advances at the pinned instance (use under `_lock`)."""
        with self._lock:
            return self.ttfont.getGlyphSet(location=self.location or None)

    def advance(self, gid: int) -> int:
        """A glyph's advance width in font units (what the embedded subset's hmtx holds)."""
        return _advance(self.key, gid)

    def hb_font(self) -> Any:
        """A HarfBuzz font at the pinned instance (shaping with it is thread-safe)."""
        return _hb_font(self.key)

    def prefers(self, cp: int) -> bool:
        return any(lo <= cp <= hi for lo, hi in self.ranges)


FACES: tuple[FontFace, ...] = (
    FontFace(
        "latin", "fontpkg_noto_sans", "fontpkg-noto-sans==2.15", "files/NotoSans[wdth,wght].ttf"
    ),
    FontFace(
        "arabic",
        "justmytype_intl_rtl",
        "justmytype-intl-rtl==0.1.0",
        "fonts/ofl/notosansarabic/NotoSansArabic[wdth,wght].ttf",
        ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    ),
    FontFace(
        "hebrew",
        "justmytype_intl_rtl",
        "justmytype-intl-rtl==0.1.0",
        "fonts/ofl/notosanshebrew/NotoSansHebrew[wdth,wght].ttf",
        ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    ),
    FontFace(
        "devanagari",
        "fontpkg_noto_sans_devanagari",
        "fontpkg-noto-sans-devanagari==2.7",
        "files/NotoSansDevanagari[wdth,wght].ttf",
        ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF)),
    ),
    FontFace(
        "cjk",
        "cvttf_NotoSansCJK_Regular",
        "cvttf-notosanscjk-regular==1.0",
        "NotoSansCJKtc-Regular.otf",
        (
            (0x1100, 0x11FF),  # Hangul Jamo
            (0x2E80, 0x2FDF),  # CJK radicals
            (0x3000, 0x9FFF),  # CJK punctuation, kana, Hangul compatibility, Han
            (0xA960, 0xA97F),
            (0xAC00, 0xD7FF),  # Hangul syllables
            (0xF900, 0xFAFF),
            (0xFE30, 0xFE4F),
            (0xFF00, 0xFFEF),  # full- and half-width forms
            (0x20000, 0x3134F),
        ),
    ),
)
BY_KEY = {f.key: f for f in FACES}


@lru_cache(maxsize=65536)
def _advance(key: str, gid: int) -> int:
    face = BY_KEY[key]
    with face._lock:
        width: float = face.glyph_set[face.glyph_order[gid]].width
        return round(width)


@cache
def _hb_font(key: str) -> Any:
    import uharfbuzz as hb

    face = BY_KEY[key]
    font = hb.Font(hb.Face(_blob(key)))
    if face.location:
        font.set_variations(face.location)
    return font


@cache
def _blob(key: str) -> Any:
    import uharfbuzz as hb

    return hb.Blob.from_file_path(str(BY_KEY[key].path))
