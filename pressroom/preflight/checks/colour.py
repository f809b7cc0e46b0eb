"""Colour spaces against the output intent and the printer. Device colour must match the
intent's model (DeviceRGB on a CMYK intent cannot print as intended) unless the page maps it
to a profile (DefaultRGB/DefaultCMYK); PDF/X-1a allows no RGB, Lab or ICC-based colour in
anything (images, fills, shadings, named spaces); a CMYK-only printer takes no RGB or Lab."""

from __future__ import annotations

from typing import Any

from ..context import PreflightContext
from ..report import FAIL, PageReport
from ..scan import PageScan, cs_name

OPS = {
    "rg": "DeviceRGB",
    "RG": "DeviceRGB",
    "k": "DeviceCMYK",
    "K": "DeviceCMYK",
    "g": "DeviceGray",
    "G": "DeviceGray",
}
NOT_CMYK = ("RGB", "Lab", "CalRGB")


def _base(cs: str) -> str:
    return cs.removeprefix("Indexed(").removesuffix(")") if cs.startswith("Indexed(") else cs


def _spaces(scan: PageScan) -> set[str]:
    """Every colour space the page can paint with: images, operators, named spaces in its
    resources (and their alternates), shadings (direct and in patterns)."""
    used = {img.colour_space for img in scan.images}
    used |= {OPS[o] for o in scan.colour_ops if o in OPS}
    used |= {s for s in scan.colour_spaces if s.startswith("Device")}
    shadings: list[Any] = list(scan.shadings)
    for res in scan.resources:
        for name, cs in (res.get("/ColorSpace") or {}).items():
            if str(name) in ("/DefaultRGB", "/DefaultCMYK", "/DefaultGray"):
                continue
            used.add(cs_name(cs))
        shadings += list((res.get("/Shading") or {}).values())
        for pat in (res.get("/Pattern") or {}).values():
            if pat.get("/Shading") is not None:
                shadings.append(pat.Shading)
    used |= {f"Shading {cs_name(sh.get('/ColorSpace'))}" for sh in shadings}
    return used


def page_colour(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    r = ctx.report
    used = _spaces(scan)
    pr.colour_spaces = sorted(used)
    defaults = set()
    for res in scan.resources:
        defaults |= {str(k)[1:] for k in (res.get("/ColorSpace") or {})}
    intent = r.output_intent
    x1a = bool(r.pdfx and "X-1" in r.pdfx)
    cmyk_only = ctx.printer is not None and ctx.printer.is_cmyk
    for cs in sorted(used):
        base = _base(cs.removeprefix("Shading "))
        if base.startswith("Separation(") or base.startswith("DeviceN"):
            continue  # spot colours and die lines: their alternates are the printer's to map
        if x1a and (any(k in base for k in NOT_CMYK) or base.startswith("ICCBased")):
            why = "PDF/X-1a allows only CMYK, grey and spot colour"
        elif cmyk_only and any(k in base for k in NOT_CMYK):
            why = f"{ctx.printer.id} takes CMYK only"  # type: ignore[union-attr]
        elif base == "DeviceRGB" and intent != "RGB" and "DefaultRGB" not in defaults:
            why = f"DeviceRGB with a {intent or 'missing'} output intent"
        elif base == "DeviceCMYK" and intent != "CMYK" and "DefaultCMYK" not in defaults:
            why = f"DeviceCMYK with a {intent or 'missing'} output intent"
        else:
            continue
        r.add(FAIL, "colour_space", f"{cs}: {why}", pr.number)


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
            FAIL,
            "transparency",
            f"{pdfx} allows no transparency",
            pr.number,
            f"page {pr.number}: {', '.join(found)}",
        )
