"""Colour for a printer: sRGB -> press separation, ink limit, and the soft proof of it.

The transforms are littleCMS through libvips (`icc_transform`), with the printer's rendering
intent and black-point compensation (BPC maps sRGB black onto the press black instead of
clipping every shadow darker than the press can print). The press profiles under icc/ are built
with the printer's total ink limit in their B2A tables; `limit_ink` enforces it again on the
8-bit result (rounding and interpolation can add a few %), pulling C, M and Y back and keeping K.

`soft_proof` renders what the separation will look like in sRGB: RGB -> press -> sRGB through the
same profile (relative colorimetric with BPC for display), so a preview made with it shows the
press's shadows and gamut, not the screen's. For an "rgb" printer the separation is the lab's
business; its soft proof goes through its RGB output profile.
"""

from __future__ import annotations

import pyvips

from pressroom.printers.model import Printer

INTENTS = {"perceptual", "relative", "saturation", "absolute"}


def _srgb8(img: pyvips.Image) -> pyvips.Image:
    """3-band 8-bit sRGB, alpha flattened onto white."""
    if img.interpretation not in ("srgb", "b-w", "rgb") or img.format != "uchar":
        img = img.colourspace("srgb")
    if img.hasalpha():
        img = img.flatten(background=[255] * (img.bands - 1))
    if img.bands == 1:
        img = img.bandjoin([img, img])
    if img.format != "uchar":
        img = img.cast("uchar")
    return img.copy(interpretation="srgb")


def _intent(printer: Printer, intent: str | None) -> str:
    out = intent or printer.colour.rendering_intent
    if out not in INTENTS:
        raise ValueError(f"unknown rendering intent {out!r}")
    return out


def separate(
    rgb: pyvips.Image,
    printer: Printer,
    *,
    bpc: bool | None = None,
    intent: str | None = None,
    ink_limit: bool = True,
) -> pyvips.Image:
    """The printer's device image for an sRGB image: 4-band CMYK (uchar) for a cmyk printer, or
    3-band RGB through its RGB output profile for an rgb printer. BPC and intent default to the
    printer's."""
    bpc = printer.colour.black_point_compensation if bpc is None else bpc
    out = _srgb8(rgb).icc_transform(
        str(printer.intent.icc_path),
        input_profile="srgb",
        intent=_intent(printer, intent),
        black_point_compensation=bpc,
        embedded=False,
    )
    if printer.is_cmyk and ink_limit:
        out = limit_ink(out, printer.colour.tac_percent)
    return out


def limit_ink(cmyk: pyvips.Image, tac_percent: float) -> pyvips.Image:
    """Pull C, M, Y down in proportion wherever C+M+Y+K exceeds tac_percent (K is kept)."""
    limit = tac_percent / 100 * 255
    f = cmyk.cast("float")
    cmy, k = f[0:3], f[3]
    total = f.bandmean() * 4
    cmy_sum = cmy.bandmean() * 3
    scale = (limit - k) / (cmy_sum + 1e-6)
    scale = (scale < 0).ifthenelse(0, scale)
    limited = (total > limit).ifthenelse(cmy * scale, cmy)
    # cast truncates, so the sum never rounds up past the limit
    return limited.bandjoin(k).cast("uchar").copy(interpretation="cmyk")


def tac_percent(cmyk: pyvips.Image) -> float:
    """Measured total area coverage: the max over pixels of C+M+Y+K, in %."""
    return float(cmyk.cast("float").bandmean().max()) * 4 / 255 * 100


def to_srgb(device: pyvips.Image, printer: Printer, *, bpc: bool = True) -> pyvips.Image:
    """A device image of this printer (from `separate`) back to sRGB for display."""
    return device.icc_transform(
        "srgb",
        input_profile=str(printer.intent.icc_path),
        intent="relative",
        black_point_compensation=bpc,
        embedded=False,
    ).copy(interpretation="srgb")


def soft_proof(rgb: pyvips.Image, printer: Printer, *, bpc: bool | None = None) -> pyvips.Image:
    """What `separate(rgb, printer)` will look like, in sRGB (RGB -> press -> sRGB)."""
    return to_srgb(separate(rgb, printer, bpc=bpc), printer)


def press_black_lstar(printer: Printer) -> float:
    """L* of the darkest colour the printer prints (sRGB black separated without BPC)."""
    black = pyvips.Image.black(1, 1, bands=3).cast("uchar").copy(interpretation="srgb")
    dev = separate(black, printer, bpc=False)
    lab = dev.icc_import(input_profile=str(printer.intent.icc_path), intent="relative")
    return float(lab[0].avg())


def fill_cmyk(rgb: tuple[float, ...], printer: Printer) -> tuple[float, float, float, float]:
    """A flat sRGB colour (0..1) separated as the printer's pictures are: CMYK 0..1."""
    px = pyvips.Image.black(1, 1, bands=3) + [round(255 * c) for c in rgb[:3]]
    dev = separate(px.cast("uchar").copy(interpretation="srgb"), printer)
    c, m, y, k = dev(0, 0)
    return c / 255, m / 255, y / 255, k / 255


def text_cmyk(rgb: tuple[float, ...]) -> tuple[float, float, float, float]:
    """Text and thin lines in black ink only: any misregistration of C, M, Y would fringe them.
    The grey level of the colour becomes K (white text: no ink, the paper)."""
    return 0.0, 0.0, 0.0, round(1 - max(rgb[:3]), 4)


def ink_srgb(cmyk: tuple[float, ...], printer: Printer) -> list[int]:
    """How a CMYK ink mix (0..1) of this printer shows on screen: sRGB 0..255."""
    px = pyvips.Image.black(1, 1, bands=4) + [round(255 * c) for c in cmyk]
    out = to_srgb(px.cast("uchar").copy(interpretation="cmyk"), printer)
    return [int(v) for v in out(0, 0)[:3]]
