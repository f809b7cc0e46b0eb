"""Shaped lines as coverage masks for the previews: FreeType rasterises the very subset fonts
the PDF embeds, glyph by glyph at HarfBuzz's positions (sub-pixel, unhinted), so a preview
shows the glyphs the print will have, where it will have them."""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .shaping import Line
from .subset import Subset, subset

_ft_lock = threading.Lock()  # one FreeType library; faces are not thread-safe


@dataclass(frozen=True)
class Mask:
    """Coverage (0-255) of a line; `left`, `top`: the mask's top-left pixel (y down), in the
    frame the line's origin was given in."""

    alpha: np.ndarray
    left: int
    top: int


@lru_cache(maxsize=64)
def _ft_face(sub: Subset) -> Any:
    import freetype

    return freetype.Face(io.BytesIO(sub.data))


def render_line(line: Line, size_px: float, origin: tuple[float, float] = (0.0, 0.0)) -> Mask:
    """The line at an em of `size_px` pixels, its start on the baseline at `origin`."""
    import freetype

    used: dict[str, set[int]] = {}
    for run in line.runs:
        used.setdefault(run.face, set()).update(g.gid for g in run.glyphs if g.gid)
    subs = {f: subset(f, tuple(sorted(g))) for f, g in used.items()}
    bitmaps: list[tuple[np.ndarray, int, int]] = []  # coverage, left, top (y down)
    flags = freetype.FT_LOAD_NO_HINTING | freetype.FT_LOAD_NO_BITMAP
    with _ft_lock:
        for run in line.runs:
            sub = subs[run.face]
            face = _ft_face(sub)
            face.set_char_size(round(size_px * 64))
            for g in run.glyphs:
                x, y = origin[0] + g.x * size_px, origin[1] - g.y * size_px
                ix, iy = math.floor(x), math.floor(y)
                # The fractional part as FreeType's translation (26.6 fixed point, y up).
                face.set_transform(
                    freetype.Matrix(0x10000, 0, 0, 0x10000),
                    freetype.Vector(round((x - ix) * 64), round(-(y - iy) * 64)),
                )
                face.load_glyph(sub.new_gid(g.gid), flags)
                slot = face.glyph
                slot.render(freetype.FT_RENDER_MODE_NORMAL)
                bm = slot.bitmap
                if bm.width == 0 or bm.rows == 0:
                    continue
                a = np.array(bm.buffer, dtype=np.uint8).reshape(bm.rows, bm.pitch)[:, : bm.width]
                bitmaps.append((a, ix + slot.bitmap_left, iy - slot.bitmap_top))
    if not bitmaps:
        return Mask(np.zeros((1, 1), np.uint8), 0, 0)
    left = min(b[1] for b in bitmaps)
    top = min(b[2] for b in bitmaps)
    right = max(b[1] + b[0].shape[1] for b in bitmaps)
    bottom = max(b[2] + b[0].shape[0] for b in bitmaps)
    out = np.zeros((bottom - top, right - left), np.uint16)
    for a, bx, by in bitmaps:  # overlapping glyphs (marks on letters) add their ink
        out[by - top : by - top + a.shape[0], bx - left : bx - left + a.shape[1]] += a
    return Mask(np.minimum(out, 255).astype(np.uint8), left, top)
