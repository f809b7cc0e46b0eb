"""A page of the layout model as a PNG, drawn with libvips from the same geometry as the PDF:
the whole media box (trim + bleed) at `ppi`, so it lines up with a rasterised print page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyvips

from ...printers.colour import fill_cmyk, ink_srgb, text_cmyk, to_srgb
from ...printers.model import Printer
from ...products.book import Page, Text
from .fonts import text_mask
from .guides import GUIDE_COLOURS, Guide
from .images import PlacedImage

PREVIEW_PPI = 100


def _px(mm: float, ppi: float) -> int:
    return round(mm / 25.4 * ppi)


def render_preview(
    page: Page,
    images: list[PlacedImage],
    ppi: float = PREVIEW_PPI,
    printer: Printer | None = None,
    guides: Sequence[Guide] = (),
) -> pyvips.Image:
    """The page as it will print: a cmyk printer's pictures and colours soft-proofed through
    its press profile (the same transform as the PDF's output intent); then `guides` (folds,
    hinges, turn-ins, die lines), which are drawn here only and never printed."""
    b = page.bleed
    cmyk = printer if printer is not None and printer.is_cmyk else None
    width, height = _px(page.width + 2 * b, ppi), _px(page.height + 2 * b, ppi)
    paper: list[int] | int = 255
    if page.background:
        bg = page.background
        paper = ink_srgb(fill_cmyk(bg, cmyk), cmyk) if cmyk else [round(255 * c) for c in bg]
    canvas = (pyvips.Image.black(width, height, bands=3) + paper).cast("uchar")
    canvas = canvas.copy(interpretation="srgb")
    for pl, img in zip(page.placements, images, strict=True):
        r = pl.image
        x0, y0 = _px(r.x + b, ppi), _px(r.y + b, ppi)
        w, h = max(1, _px(r.x1 + b, ppi) - x0), max(1, _px(r.y1 + b, ppi) - y0)
        pix = img.pixels(max(w, h))
        if img.window is not None:  # only the frame's part of a picture that reaches beyond
            k = pix.width / img.width
            wx, wy, ww, wh = (round(v * k) for v in img.window)
            pix = pix.crop(wx, wy, min(ww, pix.width - wx), min(wh, pix.height - wy))
        if pix.interpretation == "cmyk":  # separated for the press: show the print colours
            pix = to_srgb(pix, cmyk) if cmyk else pix.colourspace("srgb")
        elif pix.bands == 1:
            pix = pix.colourspace("srgb")
        pix = pix.resize(w / pix.width, vscale=h / pix.height, kernel="lanczos3")
        canvas = canvas.insert(pix.cast("uchar"), x0, y0)
    for t in page.texts:
        canvas = _text(canvas, t, b, ppi, cmyk)
    for g in guides:
        canvas = _guide(canvas, g, b, ppi)
    # libvips counts resolution in pixels per mm: the PNG's pHYs then says the real ppi
    # (a viewer printing it at 100% gets the page's size), not libvips' 1 px/mm (25.4 dpi).
    return canvas.copy(xres=ppi / 25.4, yres=ppi / 25.4)


def _guide(canvas: pyvips.Image, g: Guide, b: float, ppi: float) -> pyvips.Image:
    colour = GUIDE_COLOURS.get(g.kind, [255, 0, 0])
    x0, y0, x1, y1 = (_px(v + b, ppi) for v in (g.x0, g.y0, g.x1, g.y1))
    if g.circle:
        r = (x1 - x0) // 2
        return canvas.draw_circle(colour, (x0 + x1) // 2, (y0 + y1) // 2, r)
    dash = max(2, round(ppi / 12))  # ~2 mm dashes: a guide, not artwork
    if x0 == x1:
        for y in range(y0, y1, 2 * dash):
            canvas = canvas.draw_line(colour, x0, y, x0, min(y1, y + dash))
    else:
        for x in range(x0, x1, 2 * dash):
            canvas = canvas.draw_line(colour, x, y0, min(x1, x + dash), y0)
    return canvas


def _text(
    canvas: pyvips.Image, t: Text, b: float, ppi: float, cmyk: Printer | None = None
) -> pyvips.Image:
    r = t.rect
    x0, y0 = _px(r.x + b, ppi), _px(r.y + b, ppi)
    w, h = _px(r.x1 + b, ppi) - x0, _px(r.y1 + b, ppi) - y0
    if t.box and not cmyk:  # cmyk: the band is baked into the picture's pixels
        x, y = max(0, x0), max(0, y0)
        bw, bh = min(canvas.width, x0 + w) - x, min(canvas.height, y0 + h) - y
        if bw > 0 and bh > 0:
            a = t.box[3]
            band = canvas.crop(x, y, bw, bh) * (1 - a) + [255 * c * a for c in t.box[:3]]
            canvas = canvas.insert(band.cast("uchar"), x, y)
    along = r.h if t.rotate else r.w
    # The PDF's own glyphs (shaped, subset fonts), rasterised where the PDF draws them.
    centre = ((r.x + b + r.w / 2) / 25.4 * ppi, (r.y + b + r.h / 2) / 25.4 * ppi)
    mask, (mx, my) = text_mask(t.text, t.size_pt, along, t.align, t.rotate, ppi, centre)
    colour = ink_srgb(text_cmyk(t.colour), cmyk) if cmyk else [255 * c for c in t.colour]
    ink = (mask.new_from_image(colour).copy(interpretation="srgb")).bandjoin(mask)
    return canvas.composite2(ink, "over", x=mx, y=my).flatten().cast("uchar")


def save_preview(img: pyvips.Image, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.tmp.png")
    img.pngsave(str(tmp), compression=6, keep="none")
    tmp.replace(path)
    return path
