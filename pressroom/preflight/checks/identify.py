"""PDF/X identification: version in Info and XMP, a /GTS_PDFX output intent with its
profile, /Trapped True or False, and a document /ID."""

from __future__ import annotations

import re

import pikepdf

from ..context import PreflightContext
from ..report import FAIL, WARN

_XMP_VERSION = re.compile(rb"GTS_PDFXVersion(?:>|=\")\s*([^<\"]+)")


def identify(ctx: PreflightContext) -> None:
    pdf, r = ctx.pdf, ctx.report
    info = pdf.trailer.get("/Info") or pikepdf.Dictionary()
    version = str(info.get("/GTS_PDFXVersion", "")) or None
    xmp_version = None
    meta = pdf.Root.get("/Metadata")
    if meta is not None:
        try:
            m = _XMP_VERSION.search(meta.read_bytes())
            xmp_version = m.group(1).decode().strip() if m else None
        except pikepdf.PdfError:
            r.add(WARN, "bad_xmp", "the XMP metadata stream cannot be read")
    r.pdfx = version or xmp_version
    if not r.pdfx:
        r.add(FAIL, "not_pdfx", "no PDF/X version in the document info or XMP metadata")
    elif version and xmp_version and version != xmp_version:
        r.add(FAIL, "pdfx_mismatch", f"Info says {version}, XMP says {xmp_version}")
    elif r.pdfx.startswith("PDF/X-4") and not xmp_version:
        r.add(FAIL, "no_xmp_pdfx", "PDF/X-4 needs pdfxid:GTS_PDFXVersion in the XMP metadata")
    intents = [
        i for i in (pdf.Root.get("/OutputIntents") or []) if i.get("/S") == pikepdf.Name.GTS_PDFX
    ]
    if not intents:
        r.add(FAIL, "no_output_intent", "no /GTS_PDFX output intent")
    else:
        profile = intents[0].get("/DestOutputProfile")
        if profile is None:
            ident = str(intents[0].get("/OutputConditionIdentifier", ""))
            r.add(WARN, "no_intent_profile", f"output intent names {ident!r} without a profile")
            r.output_intent = "CMYK"  # registered print conditions are CMYK
        else:
            n = int(profile.get("/N", 0))
            r.output_intent = {1: "Gray", 3: "RGB", 4: "CMYK"}.get(n, f"N={n}")
    trapped = info.get("/Trapped")
    if trapped is None or str(trapped) not in ("/True", "/False"):
        r.add(FAIL, "trapped", "PDF/X needs /Trapped /True or /False in the document info")
    if "/ID" not in pdf.trailer:
        r.add(FAIL, "no_id", "the trailer has no document /ID")
    if pdf.is_encrypted:
        r.add(FAIL, "encrypted", "PDF/X forbids encryption")
