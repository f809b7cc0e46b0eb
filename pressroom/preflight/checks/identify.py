"""PDF/X identification: the version keys in Info and XMP (and that they are standard ones),
the PDF version the flavour allows, a /GTS_PDFX output intent with an output-device profile
(and the printer's printing condition when one is named), /Trapped, a document /ID."""

from __future__ import annotations

import re

import pikepdf

from ..context import PreflightContext
from ..report import FAIL, WARN

_XMP_KEY = rb"GTS_PDFX%s(?:>|=\")\s*([^<\"]+)"
# ISO 15930-4 (X-1a) and -7: the keys a conforming file carries, and its PDF versions.
X1A_VERSIONS = {"PDF/X-1:2001": ("1.3",), "PDF/X-1:2003": ("1.3", "1.4")}
X4_VERSIONS = {"PDF/X-4": ("1.4", "1.5", "1.6"), "PDF/X-4p": ("1.4", "1.5", "1.6")}
X1A_PROFILES = {b"prtr"}  # an output-device profile: a press, never a display (mntr)


def _xmp(meta: bytes, key: bytes) -> str | None:
    m = re.search(_XMP_KEY % key, meta)
    return m.group(1).decode(errors="replace").strip() if m else None


def identify(ctx: PreflightContext) -> None:
    pdf, r = ctx.pdf, ctx.report
    info = pdf.trailer.get("/Info") or pikepdf.Dictionary()
    version = str(info.get("/GTS_PDFXVersion", "")) or None
    conformance = str(info.get("/GTS_PDFXConformance", "")) or None
    xmp_version = None
    meta = pdf.Root.get("/Metadata")
    if meta is not None:
        try:
            ctx.xmp = meta.read_bytes()
            xmp_version = _xmp(ctx.xmp, b"Version")
        except pikepdf.PdfError:
            r.add(WARN, "bad_xmp", "the XMP metadata stream cannot be read")
    r.pdfx = conformance or version or xmp_version
    if not r.pdfx:
        r.add(FAIL, "not_pdfx", "no PDF/X version in the document info or XMP metadata")
    elif version and xmp_version and version != xmp_version:
        r.add(FAIL, "pdfx_mismatch", f"Info says {version}, XMP says {xmp_version}")
    elif r.pdfx.startswith("PDF/X-4") and not xmp_version:
        r.add(FAIL, "no_xmp_pdfx", "PDF/X-4 needs pdfxid:GTS_PDFXVersion in the XMP metadata")
    _version_keys(ctx, version, conformance)
    _pdf_version(ctx)
    _intent(ctx)
    trapped = info.get("/Trapped")
    if trapped is None or str(trapped) not in ("/True", "/False"):
        r.add(FAIL, "trapped", "PDF/X needs /Trapped /True or /False in the document info")
    if "/ID" not in pdf.trailer:
        r.add(FAIL, "no_id", "the trailer has no document /ID")
    if pdf.is_encrypted:
        r.add(FAIL, "encrypted", "PDF/X forbids encryption")


def flavour(pdfx: str | None) -> str | None:
    """X-1a | X-4 | X-3 | ... from a version or conformance string."""
    m = re.match(r"PDF/X-(\d+[a-z]?)", pdfx or "")
    return f"X-{m.group(1)}" if m else None


def _version_keys(ctx: PreflightContext, version: str | None, conformance: str | None) -> None:
    """X-1a says GTS_PDFXVersion (PDF/X-1:2001|2003) + GTS_PDFXConformance (PDF/X-1a:...),
    X-4 GTS_PDFXVersion (PDF/X-4) and no conformance key."""
    r = ctx.report
    if not version:
        return
    fl = flavour(conformance or version)
    if fl == "X-1a" or version.startswith("PDF/X-1"):
        if version not in X1A_VERSIONS or not (conformance or "").startswith("PDF/X-1a"):
            r.add(
                FAIL,
                "pdfx_version_key",
                f"GTS_PDFXVersion ({version}) with GTS_PDFXConformance ({conformance}): "
                "PDF/X-1a says PDF/X-1:2001 or PDF/X-1:2003 and PDF/X-1a:2001 or "
                "PDF/X-1a:2003",
            )
        elif version[-4:] != conformance[-4:]:  # type: ignore[index]
            r.add(FAIL, "pdfx_version_key", f"{version} with {conformance}: different years")
    elif fl == "X-4" and (version not in X4_VERSIONS or conformance):
        r.add(
            FAIL,
            "pdfx_version_key",
            f"GTS_PDFXVersion ({version}), conformance {conformance}: PDF/X-4 says "
            "GTS_PDFXVersion (PDF/X-4) and no conformance key",
        )


def _pdf_version(ctx: PreflightContext) -> None:
    """The header's version (or the catalog's /Version where it is higher) must be one the
    flavour is defined on: X-1a:2003 PDF 1.3-1.4 (2001: 1.3), X-4 PDF 1.4-1.6."""
    pdf, r = ctx.pdf, ctx.report
    v = str(pdf.pdf_version)
    cat = pdf.Root.get("/Version")
    if cat is not None and str(cat)[1:] > v:
        v = str(cat)[1:]
    r.pdf_version = v
    fl = flavour(r.pdfx)
    info = pdf.trailer.get("/Info")
    version = str(info.get("/GTS_PDFXVersion", "")) if info else ""
    allowed = (
        X1A_VERSIONS.get(version, ("1.3", "1.4"))
        if fl == "X-1a"
        else X4_VERSIONS["PDF/X-4"]
        if fl == "X-4"
        else None
    )
    if allowed and v not in allowed:
        r.add(FAIL, "pdf_version", f"{r.pdfx} in a PDF {v} file (allowed: {', '.join(allowed)})")
    p = ctx.printer
    if p is not None and fl and fl != p.pdfx:
        r.add(FAIL, "pdfx_flavour", f"{p.id} takes PDF/{p.pdfx}, the file is {r.pdfx}")


def _intent(ctx: PreflightContext) -> None:
    pdf, r = ctx.pdf, ctx.report
    intents = [
        i for i in (pdf.Root.get("/OutputIntents") or []) if i.get("/S") == pikepdf.Name.GTS_PDFX
    ]
    if not intents:
        r.add(FAIL, "no_output_intent", "no /GTS_PDFX output intent")
        return
    oi = intents[0]
    ident = str(oi.get("/OutputConditionIdentifier", ""))
    profile = oi.get("/DestOutputProfile")
    icc = b""
    if profile is None:
        r.add(WARN, "no_intent_profile", f"output intent names {ident!r} without a profile")
        r.output_intent = "CMYK"  # registered print conditions are CMYK
    else:
        n = int(profile.get("/N", 0))
        r.output_intent = {1: "Gray", 3: "RGB", 4: "CMYK"}.get(n, f"N={n}")
        try:
            icc = profile.read_bytes()
        except pikepdf.PdfError:
            icc = b""
        cls = icc[12:16]
        if cls not in X1A_PROFILES:
            what = {
                b"mntr": "a display (mntr)",
                b"scnr": "an input (scnr)",
                b"spac": "a colour space (spac)",
            }.get(cls, f"a {cls!r}")
            r.add(
                FAIL,
                "intent_class",
                f"output intent {ident!r} is {what} profile, not an output-device (prtr) "
                "profile of a press",
            )
    p = ctx.printer
    if p is not None and ident != p.intent.identifier and icc != p.intent.icc_bytes():
        r.add(
            FAIL,
            "wrong_intent",
            f"output intent {ident!r}; {p.id} prints to {p.intent.identifier!r}",
        )
