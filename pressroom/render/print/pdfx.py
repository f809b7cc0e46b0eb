"""Assemble one-page PDFs into a PDF/X file with pikepdf.

PDF/X-4 (default): OutputIntent /GTS_PDFX with the embedded sRGB profile, images and page
DeviceRGB mapped to ICCBased sRGB (DefaultRGB), MediaBox = trim + bleed with TrimBox and
BleedBox on every page, Info and XMP naming the PDF/X version, /Trapped /False, and an /ID.
PDF/X-1a: the same with a CMYK output intent (libvips' built-in CMYK profile), CMYK images,
no transparency, PDF 1.4.

Sources stay open until the save, so qpdf copies their streams straight from disk: memory
holds the object skeleton of the book, not its pictures.
"""

from __future__ import annotations

import hashlib
import os
import time
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from ...templates.model import PT_PER_MM, icc_path

PDFX = {
    "4": {"version": "PDF/X-4", "pdf": "1.6", "cmyk": False},
    "1a": {"version": "PDF/X-1a:2003", "pdf": "1.4", "cmyk": True},
}


@cache
def cmyk_profile() -> bytes:
    """libvips' built-in CMYK output profile (exported at run time, not shipped as a file)."""
    import pyvips

    img = (pyvips.Image.black(1, 1, bands=3) + 128).copy(interpretation="srgb")
    return img.icc_transform("cmyk", input_profile="srgb").get("icc-profile-data")


def _pdf_date(t: float) -> tuple[str, str]:
    g = time.gmtime(t)
    return time.strftime("D:%Y%m%d%H%M%SZ", g), time.strftime("%Y-%m-%dT%H:%M:%SZ", g)


def _now() -> float:
    # SOURCE_DATE_EPOCH makes files byte-for-byte reproducible (as Debian builds do).
    return float(os.environ.get("SOURCE_DATE_EPOCH", time.time()))


def _xmp(title: str, version: str, created: str, doc_id: str) -> bytes:
    t = escape(title)
    x1a = f"<pdfxid:GTS_PDFXVersion>{version}</pdfxid:GTS_PDFXVersion>"
    if "1a" in version:
        x1a += f"<pdfx:GTS_PDFXConformance>{version}</pdfx:GTS_PDFXConformance>"
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{t}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:ModifyDate>{created}</xmp:ModifyDate>
   <xmp:MetadataDate>{created}</xmp:MetadataDate>
   <xmp:CreatorTool>pressroom</xmp:CreatorTool>
   <pdf:Producer>pressroom (reportlab, pikepdf)</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>uuid:{doc_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{doc_id}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   {x1a}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode()


class PdfxWriter:
    """Collect pages (one-page PDF files, in order), then save as PDF/X."""

    def __init__(self, title: str, pdfx: str = "4") -> None:
        if pdfx not in PDFX:
            raise ValueError(f"unsupported PDF/X flavour {pdfx!r} (use 4 or 1a)")
        self.spec = PDFX[pdfx]
        self.title = title
        self.pdf = pikepdf.new()
        self._sources: list[pikepdf.Pdf] = []
        cmyk = self.spec["cmyk"]
        icc = cmyk_profile() if cmyk else icc_path().read_bytes()
        self.icc = self.pdf.make_stream(icc)
        self.icc.N = 4 if cmyk else 3
        self.icc.Alternate = Name.DeviceCMYK if cmyk else Name.DeviceRGB
        self.cs = self.pdf.make_indirect(Array([Name.ICCBased, self.icc]))

    def add(self, page_pdf: Path, bleed_mm: float) -> None:
        # Read by file streams, not mmap: a mapped source would count its pictures in our RSS.
        src = pikepdf.open(page_pdf, access_mode=pikepdf.AccessMode.stream)
        self._sources.append(src)
        self.pdf.pages.append(src.pages[0])
        page = self.pdf.pages[-1]
        x0, y0, x1, y1 = (float(v) for v in page.obj.MediaBox)
        b = bleed_mm * PT_PER_MM
        page.obj.MediaBox = Array([x0, y0, x1, y1])
        page.obj.BleedBox = Array([x0, y0, x1, y1])
        page.obj.TrimBox = Array([x0 + b, y0 + b, x1 - b, y1 - b])
        if not self.spec["cmyk"]:
            self._tag_rgb(page)

    def _tag_rgb(self, page: pikepdf.Page) -> None:
        res = page.obj.Resources
        for _, xobj in (res.get("/XObject") or Dictionary()).items():
            if xobj.get("/Subtype") == Name.Image and xobj.get("/ColorSpace") == Name.DeviceRGB:
                xobj.ColorSpace = self.cs
        # Text and fills drawn in DeviceRGB are sRGB too.
        cs = res.get("/ColorSpace") or Dictionary()
        cs.DefaultRGB = self.cs
        res.ColorSpace = cs

    def save(self, path: Path) -> Path:
        pdf = self.pdf
        spec = self.spec
        created = _now()
        pdf_date, xmp_date = _pdf_date(created)
        pdf.Root.OutputIntents = Array(
            [
                Dictionary(
                    Type=Name.OutputIntent,
                    S=Name.GTS_PDFX,
                    OutputConditionIdentifier="CGATS TR 001" if spec["cmyk"] else "sRGB",
                    OutputCondition="CMYK (libvips)" if spec["cmyk"] else "sRGB IEC61966-2.1",
                    RegistryName="http://www.color.org",
                    Info="CMYK" if spec["cmyk"] else "sRGB IEC61966-2.1",
                    DestOutputProfile=self.icc,
                )
            ]
        )
        doc_id = hashlib.sha256(f"{self.title}|{len(pdf.pages)}|{created}".encode()).hexdigest()
        uuid = f"{doc_id[:8]}-{doc_id[8:12]}-{doc_id[12:16]}-{doc_id[16:20]}-{doc_id[20:32]}"
        meta = pdf.make_stream(_xmp(self.title, spec["version"], xmp_date, uuid))
        meta.Type, meta.Subtype = Name.Metadata, Name.XML
        pdf.Root.Metadata = meta
        info = Dictionary(
            Title=self.title,
            Creator="pressroom",
            Producer="pressroom (reportlab, pikepdf)",
            CreationDate=pdf_date,
            ModDate=pdf_date,
            Trapped=Name("/False"),
            GTS_PDFXVersion=spec["version"],
        )
        if spec["cmyk"]:
            info.GTS_PDFXConformance = spec["version"]
        pdf.trailer.Info = pdf.make_indirect(info)
        tmp = path.with_name(f".{path.name}.tmp")
        pdf.save(
            tmp,
            min_version=spec["pdf"],
            force_version=spec["pdf"] if spec["cmyk"] else None,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
        os.replace(tmp, path)  # readers never see half a print file
        return path

    def close(self) -> None:
        for src in self._sources:
            src.close()
        self.pdf.close()

