"""Colour spaces against the output intent. Device colour must match the intent's model
(DeviceRGB on a CMYK intent cannot print as intended) unless the page maps it to a profile
(DefaultRGB/DefaultCMYK); PDF/X-1a allows neither RGB nor ICC-based colour."""

from __future__ import annotations

from ..context import PreflightContext
from ..report import FAIL, PageReport
from ..scan import PageScan

OPS = {
    "rg": "DeviceRGB",
    "RG": "DeviceRGB",
    "k": "DeviceCMYK",
    "K": "DeviceCMYK",
    "g": "DeviceGray",
    "G": "DeviceGray",
}


def page_colour(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    r = ctx.report
    used = {img.colour_space for img in scan.images}
    used |= {OPS[o] for o in scan.colour_ops if o in OPS}
    used |= {s for s in scan.colour_spaces if s.startswith("Device")}
    pr.colour_spaces = sorted(used)
    defaults = set()
    for res in scan.resources:
        defaults |= {str(k)[1:] for k in (res.get("/ColorSpace") or {})}
    intent = r.output_intent
    x1a = bool(r.pdfx and "X-1" in r.pdfx)
    for cs in sorted(used):
        base = cs.removeprefix("Indexed(").rstrip(")")
        bad = None
        if x1a and ("RGB" in base or base.startswith("ICCBased") or base == "Lab"):
            bad = "PDF/X-1a allows only CMYK, grey and spot colour"
        elif base == "DeviceRGB" and intent != "RGB" and "DefaultRGB" not in defaults:
            bad = f"DeviceRGB with a {intent or 'missing'} output intent"
        elif base == "DeviceCMYK" and intent != "CMYK" and "DefaultCMYK" not in defaults:
            bad = f"DeviceCMYK with a {intent or 'missing'} output intent"
        if bad:
            r.add(FAIL, "colour_space", f"{cs}: {bad}", pr.number)


def page_transparency(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    """PDF/X-1a and X-3 allow no transparency: soft masks, blend alpha below 1."""
    pdfx = ctx.report.pdfx or ""
    if not (pdfx.startswith("PDF/X-1") or pdfx.startswith("PDF/X-3")):
        return
    found = []
    for res in scan.resources:
        for name, gs in (res.get("/ExtGState") or {}).items():
            alpha = [float(gs.get(k, 1)) for k in ("/ca", "/CA")]
            smask = gs.get("/SMask")
            if min(alpha) < 1 or (smask is not None and str(smask) != "/None"):
                found.append(str(name))
        for name, x in (res.get("/XObject") or {}).items():
            if x.get("/SMask") is not None:
                found.append(str(name))
    if found:
        ctx.report.add(
            FAIL, "transparency", f"{pdfx} allows no transparency: {', '.join(found)}", pr.number
        )
