"""One page of the layout model as a one-page PDF, drawn with reportlab.

ASCII85 is off (it made a 40-page book take 30-38 s instead of 0.5 s) and the initial font is
the embedded Vera, so reportlab never adds its unembedded Helvetica. Images are JPEG streams
passed through as DCTDecode; pikepdf later tags their colour and sets the boxes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ...printers.colour import fill_cmyk, text_cmyk
from ...printers.model import Printer
from ...products.book import Page, Text
from ...products.model import PT_PER_MM, Rect
from .fonts import BASELINE, PageText, layout, line_start, register
from .images import PlacedImage

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


def _rl() -> ModuleType:
    from reportlab import rl_config

    rl_config.useA85 = 0
    return rl_config


def write_page(
    page: Page,
    images: list[PlacedImage],
    path: Path,
    printer: Printer | None = None,
    die: str | None = None,
    cut_layer: bool = False,
) -> None:
    """printer: a cmyk printer's page is all DeviceCMYK (text in K only); die "circle": the cut
    line as a CutContour stroke, inside an /OC marked-content section when cut_layer."""
    _rl()
    cmyk = printer if printer is not None and printer.is_cmyk else None
    from reportlab.pdfgen.canvas import Canvas

    font = register()
    b = page.bleed
    width, height = (page.width + 2 * b) * PT_PER_MM, (page.height + 2 * b) * PT_PER_MM
    c = Canvas(
        str(path),
        pagesize=(width, height),
        invariant=1,
        pageCompression=1,
        initialFontName=font,  # type: ignore[arg-type]  # a name; types-reportlab says float
    )

    def y_pt(top_mm: float, h_mm: float) -> float:  # page mm (y down) -> PDF points (y up)
        return (page.height + b - top_mm - h_mm) * PT_PER_MM

    def box(r: Rect) -> tuple[float, float, float, float]:  # x, y, w, h in PDF points
        return (r.x + b) * PT_PER_MM, y_pt(r.y, r.h), r.w * PT_PER_MM, r.h * PT_PER_MM

    # Pictures go in by file name: reportlab then copies the JPEG stream after reading its
    # header. Given bytes (an ImageReader) it decodes every pixel to hash them (~0.3 s a page).
    if page.background:  # a design's page colour, to the bleed edge, under everything
        c.saveState()
        _fill(c, page.background, cmyk)
        c.rect(0, 0, width, height, 0, 1)
        c.restoreState()
    jpegs = []
    try:
        for i, (pl, img) in enumerate(zip(page.placements, images, strict=True)):
            jpeg = path.with_name(f"{path.stem}.{i}.jpg")
            jpeg.write_bytes(img.data)
            jpegs.append(jpeg)
            r, drawn = pl.image, img.extent(pl.image)
            clip = drawn != r  # a lossless crop reaches past its frame (the MCU grid)
            if clip:
                c.saveState()
                frame = c.beginPath()
                frame.rect(*box(r))
                c.clipPath(frame, stroke=0, fill=0)
            c.drawImage(str(jpeg), *box(drawn))
            if clip:
                c.restoreState()
        texts = PageText()
        for t in page.texts:
            _text(c, t, font, b, y_pt, cmyk, texts)
        if die == "circle":
            _die_circle(c, page, cut_layer)
        c.showPage()
        c.save()
    finally:
        for jpeg in jpegs:
            jpeg.unlink(missing_ok=True)
    texts.apply(path)  # the fonts the text operators name, subset to the glyphs drawn
    if die and cut_layer:
        _declare_cut_layer(path)


def _fill(c: Canvas, rgb: tuple[float, ...], cmyk: Printer | None, text: bool = False) -> None:
    if cmyk:  # separated as the pictures are; text in black ink only
        c.setFillColorCMYK(*(text_cmyk(rgb) if text else fill_cmyk(rgb, cmyk)))
    else:
        c.setFillColorRGB(*rgb[:3])


def _text(
    c: Canvas,
    t: Text,
    font: str,
    b: float,
    y_pt: Callable[[float, float], float],
    cmyk: Printer | None,
    texts: PageText,
) -> None:
    r = t.rect
    if t.box and not cmyk:  # a translucent band; CMYK: baked into the picture under it
        c.saveState()
        c.setFillAlpha(t.box[3])
        _fill(c, t.box, None)
        c.rect((r.x + b) * PT_PER_MM, y_pt(r.y, r.h), r.w * PT_PER_MM, r.h * PT_PER_MM, 0, 1)
        c.restoreState()
    along = r.h if t.rotate else r.w
    line, size = layout(t.text, t.size_pt, along)
    c.saveState()
    _fill(c, t.colour, cmyk, text=True)
    cx, cy = (r.x + b + r.w / 2) * PT_PER_MM, y_pt(r.y + r.h / 2, 0)
    c.translate(cx, cy)
    if t.rotate:
        c.rotate(-t.rotate)  # model: clockwise degrees on the page (spines read top to bottom)
    # Shaped glyphs (any script), straight into the page's content stream.
    x = line_start(line, size, along * PT_PER_MM, t.align)
    c.addLiteral(texts.ops(line, size, x, BASELINE * size))
    c.restoreState()


CUT_WIDTH_PT = 0.5  # a die line: over the 0.1 pt hairline limit, thin enough for any cutter


def _die_circle(c: Canvas, page: Page, cut_layer: bool) -> None:
    """The cut line of a round product: the circle inscribed in the trim, stroked in the
    CutContour spot colour (magenta alternate), overprinting so it never knocks out the photo."""
    from reportlab.lib.colors import CMYKColorSep

    b = page.bleed
    r = min(page.width, page.height) / 2 * PT_PER_MM
    cx, cy = (b + page.width / 2) * PT_PER_MM, (b + page.height / 2) * PT_PER_MM
    c.saveState()
    if cut_layer:
        c.addLiteral("/OC /CutContour BDC")
    c.setStrokeOverprint(1)
    c.setStrokeColor(CMYKColorSep(0, 1, 0, 0, spotName="CutContour", density=1))
    c.setLineWidth(CUT_WIDTH_PT)
    c.circle(cx, cy, r, stroke=1, fill=0)
    if cut_layer:
        c.addLiteral("EMC")
    c.restoreState()


def _declare_cut_layer(path: Path) -> None:
    """Name the marked content's property list; the PDF/X writer points it at its layer."""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        res = pdf.pages[0].obj.Resources
        props = res.get("/Properties") or pikepdf.Dictionary()
        props["/CutContour"] = pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="CutContour")
        res.Properties = props
        pdf.save(path)
