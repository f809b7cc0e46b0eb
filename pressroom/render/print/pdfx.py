"""Assemble one-page PDFs (from reportlab) into a PDF/X file, streaming.

The output intent is the printer's (pressroom.printers): an output-device (`prtr`) ICC profile
of a named print condition, with its registered identifier. PDF/X-4 (PDF 1.6): an RGB printer's
pages keep sRGB (images and page DeviceRGB mapped to ICCBased sRGB by DefaultRGB); a CMYK
printer's pages are DeviceCMYK separated for its intent. PDF/X-1a:2003 (PDF 1.4): CMYK only,
no transparency, Info `GTS_PDFXVersion (PDF/X-1:2003)` + `GTS_PDFXConformance (PDF/X-1a:2003)`
as ISO 15930-4 names them. MediaBox = BleedBox = trim + bleed, TrimBox on every page, Info and
XMP with the same dates, /Trapped /False, and an /ID. Die lines (CutContour) go on an optional
content layer that is off for printing where the flavour has optional content (X-4).

Each page is read with pikepdf, its objects renumbered and written to the output at once, and
the page file closed: memory holds one page, whatever the page count. (Assembling with
pikepdf's page copy held every picture in memory until the save: 2 MB a page.)
"""

from __future__ import annotations

import hashlib
import os
import time
import zlib
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Name

from ...printers import get_printer
from ...printers.model import OutputIntent
from ...products.model import PT_PER_MM

# version: Info/XMP GTS_PDFXVersion; conformance: GTS_PDFXConformance (X-1a only); pdf: header
PDFX: dict[str, dict[str, Any]] = {
    "4": {"version": "PDF/X-4", "conformance": None, "pdf": "1.6", "oc": True},
    "1a": {"version": "PDF/X-1:2003", "conformance": "PDF/X-1a:2003", "pdf": "1.4", "oc": False},
}
FLAVOURS = {"X-4": "4", "X-1a": "1a"}  # a printer's pdfx -> the key above
CATALOG, PAGES, ICC, CS, INFO, META, OCG = 1, 2, 3, 4, 5, 6, 7  # objects written at the end
ICC_PLACEHOLDER = "/PressroomICCBased"
OCG_PLACEHOLDER = "/PressroomCutLayer"  # a page's die-line layer: a reference to object OCG


def _now() -> float:
    # SOURCE_DATE_EPOCH makes files byte-for-byte reproducible (as Debian builds do).
    return float(os.environ.get("SOURCE_DATE_EPOCH", time.time()))


def _xmp(title: str, spec: dict[str, Any], created: str, doc_id: str) -> bytes:
    t = escape(title)
    version, conformance = spec["version"], spec["conformance"]
    if conformance:  # PDF/X-1a:2003 names itself in the pdfx namespace (ISO 15930-4)
        ids = f"<pdfx:GTS_PDFXVersion>{version}</pdfx:GTS_PDFXVersion>"
        ids += f"<pdfx:GTS_PDFXConformance>{conformance}</pdfx:GTS_PDFXConformance>"
    else:
        ids = f"<pdfxid:GTS_PDFXVersion>{version}</pdfxid:GTS_PDFXVersion>"
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
   {ids}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode()


def _pdf_string(s: str) -> bytes:
    return bytes(pikepdf.String(s).unparse())


def _rename_xobjects(src: pikepdf.Pdf, page: pikepdf.Dictionary) -> None:
    """reportlab names a picture after the md5 of its temporary file's path; name them Im0,
    Im1, ... in the order the page draws them instead, so the same book gives the same bytes
    wherever it was rendered (sorting the md5 names would order them by the random path)."""
    xobjects = page.Resources.get("/XObject")
    if not xobjects:
        return
    content = pikepdf.parse_content_stream(pikepdf.Page(page))
    drawn = [str(i.operands[0]) for i in content if str(i.operator) == "Do" and i.operands]
    order = [k for k in dict.fromkeys(drawn) if k in xobjects]
    order += sorted(set(xobjects.keys()) - set(order))  # drawn by no operator: by name
    names = {k: f"/Im{i}" for i, k in enumerate(order)}
    page.Resources.XObject = pikepdf.Dictionary({names[k]: v for k, v in xobjects.items()})
    ops: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
    for inst in content:
        operands = inst.operands
        if str(inst.operator) == "Do" and operands and str(operands[0]) in names:
            inst = pikepdf.ContentStreamInstruction([Name(names[str(operands[0])])], inst.operator)
        ops.append(inst)
    page.Contents = src.make_stream(pikepdf.unparse_content_stream(ops))


class PdfxWriter:
    """add() one-page PDF files in order, then save(); the output is written as pages come."""

    def __init__(
        self,
        title: str,
        pdfx: str = "4",
        path: Path | None = None,
        intent: OutputIntent | None = None,
        cmyk: bool = False,
    ) -> None:
        if pdfx not in PDFX:
            raise ValueError(f"unsupported PDF/X flavour {pdfx!r} (use 4 or 1a)")
        if pdfx == "1a" and not cmyk:
            raise ValueError("PDF/X-1a needs a CMYK printer")
        self.spec = PDFX[pdfx]
        self.cmyk = cmyk
        # No printer named: the sRGB press intent (RGB) or FOGRA39 (CMYK), both prtr profiles.
        self.intent = intent or get_printer("offset-fogra39" if cmyk else "lulu").intent
        self._cut_layer = False
        self.title = title
        self.path = path
        self._out: IO[bytes] | None = None
        self._tmp: Path | None = None
        self._offsets: dict[int, int] = {}
        self._pos = 0
        # The document's ID and XMP uuid come from everything written (reproducible files);
        # SHA-256 runs on the CPU's SHA extensions here at 2.5x MD5's speed.
        self._hash = hashlib.sha256()
        self._next = OCG + 1
        self._pages: list[int] = []

    # -- output -------------------------------------------------------------------------
    def _open(self, path: Path) -> None:
        self._tmp = path.with_name(f".{path.name}.tmp")
        self._out = self._tmp.open("wb")
        self._write(f"%PDF-{self.spec['pdf']}\n".encode() + b"%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        assert self._out is not None
        self._out.write(data)
        self._hash.update(data)
        self._pos += len(data)

    def _object(self, num: int, body: bytes, stream: bytes | None = None) -> None:
        self._offsets[num] = self._pos
        self._write(f"{num} 0 obj\n".encode() + body)
        if stream is not None:  # written as it is: a page's picture is megabytes
            self._write(b"\nstream\n")
            self._write(stream)
            self._write(b"\nendstream")
        self._write(b"\nendobj\n")

    # -- serialising a source page's objects with new numbers ------------------------------
    def _ser(self, o: Any, refs: dict[tuple[int, int], int], todo: list[Any]) -> bytes:
        if isinstance(o, pikepdf.Object) and o.is_indirect:
            key = o.objgen
            if key not in refs:
                refs[key] = self._next
                self._next += 1
                todo.append(o)
            return f"{refs[key]} 0 R".encode()
        return self._direct(o, refs, todo)

    def _direct(self, o: Any, refs: dict[tuple[int, int], int], todo: list[Any]) -> bytes:
        if isinstance(o, bool):
            return b"true" if o else b"false"
        if isinstance(o, int):
            return str(o).encode()
        if isinstance(o, (float, Decimal)):
            return f"{Decimal(str(o)).normalize():f}".encode()
        if o is None:
            return b"null"
        if isinstance(o, (pikepdf.Dictionary, pikepdf.Stream)):
            items = []
            for k, v in o.items():
                if k == "/Length" and isinstance(o, pikepdf.Stream):
                    continue
                items.append(bytes(Name(k).unparse()) + b" " + self._ser(v, refs, todo))
            return b"<<" + b" ".join(items) + b">>"
        if isinstance(o, pikepdf.Array):
            return b"[" + b" ".join(self._ser(v, refs, todo) for v in o) + b"]"
        if isinstance(o, pikepdf.Name) and o == ICC_PLACEHOLDER:
            return f"{CS} 0 R".encode()
        if isinstance(o, pikepdf.Name) and o == OCG_PLACEHOLDER:
            return f"{OCG} 0 R".encode()
        return bytes(o.unparse())  # names, strings, operators

    def _emit(self, num: int, o: Any, refs: dict[tuple[int, int], int], todo: list[Any]) -> None:
        if isinstance(o, pikepdf.Stream):
            raw = o.read_raw_bytes()
            body = self._direct(o, refs, todo)
            self._object(num, body[:-2] + f" /Length {len(raw)}>>".encode(), raw)
        else:
            self._object(num, self._direct(o, refs, todo))

    def add(self, page_pdf: Path, bleed_mm: float) -> None:
        if self._out is None:
            if self.path is None:
                raise ValueError("PdfxWriter needs the output path before the first page")
            self._open(self.path)
        with pikepdf.open(page_pdf, access_mode=pikepdf.AccessMode.stream) as src:
            page = src.pages[0].obj
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            b = bleed_mm * PT_PER_MM
            page.MediaBox = pikepdf.Array([x0, y0, x1, y1])
            page.BleedBox = pikepdf.Array([x0, y0, x1, y1])
            page.TrimBox = pikepdf.Array([x0 + b, y0 + b, x1 - b, y1 - b])
            if not self.cmyk:
                self._tag_rgb(page)
            self._cut_layer |= self._mark_cut_layer(page)
            _rename_xobjects(src, page)
            del page["/Parent"]
            num = self._next
            self._next += 1
            refs: dict[tuple[int, int], int] = {page.objgen: num}
            todo: list[Any] = []
            body = self._direct(page, refs, todo)
            self._object(num, body[:-2] + f" /Parent {PAGES} 0 R>>".encode())
            while todo:  # everything the page reaches, each object once
                o = todo.pop()
                self._emit(refs[o.objgen], o, refs, todo)
            self._pages.append(num)

    def _mark_cut_layer(self, page: pikepdf.Dictionary) -> bool:
        """Point a page's /OC /CutContour marked content at the document's die-line layer."""
        props = page.Resources.get("/Properties")
        if not props or "/CutContour" not in props:
            return False
        if not self.spec["oc"]:  # no optional content in PDF/X-1a: the spot colour alone
            del props["/CutContour"]
            return False
        props["/CutContour"] = pikepdf.Name(OCG_PLACEHOLDER)
        return True

    def _tag_rgb(self, page: pikepdf.Dictionary) -> None:
        cs = pikepdf.Name(ICC_PLACEHOLDER)  # written as a reference to object CS
        res = page.Resources
        for _, xobj in (res.get("/XObject") or pikepdf.Dictionary()).items():
            if xobj.get("/Subtype") == Name.Image and xobj.get("/ColorSpace") == Name.DeviceRGB:
                xobj.ColorSpace = cs
        # Text and fills drawn in DeviceRGB are sRGB too.
        spaces = res.get("/ColorSpace") or pikepdf.Dictionary()
        spaces.DefaultRGB = cs
        res.ColorSpace = spaces

    def save(self, path: Path | None = None) -> Path:
        path = Path(path or self.path or "")
        if self._out is None:
            self.path = path
            self._open(path)
        assert self._out is not None and self._tmp is not None
        spec, cmyk, oi = self.spec, self.cmyk, self.intent
        created = _now()
        g = time.gmtime(created)
        pdf_date, xmp_date = (
            time.strftime("D:%Y%m%d%H%M%SZ", g),
            time.strftime("%Y-%m-%dT%H:%M:%SZ", g),
        )
        icc = oi.icc_bytes()
        alt = "/DeviceCMYK" if cmyk else "/DeviceRGB"
        self._object(
            ICC,
            f"<</N {4 if cmyk else 3} /Alternate {alt} /Filter /FlateDecode /Length ".encode()
            + str(len(packed := zlib.compress(icc, 9))).encode()
            + b">>",
            packed,
        )
        self._object(CS, f"[/ICCBased {ICC} 0 R]".encode())
        digest = self._hash.hexdigest()  # everything written so far: the pages
        seed = hashlib.sha256(f"{digest}|{self.title}|{created}".encode()).hexdigest()
        uuid = f"{seed[:8]}-{seed[8:12]}-{seed[12:16]}-{seed[16:20]}-{seed[20:32]}"
        xmp = _xmp(self.title, spec, xmp_date, uuid)
        self._object(META, f"<</Type /Metadata /Subtype /XML /Length {len(xmp)}>>".encode(), xmp)
        info = (
            b"<</Title " + _pdf_string(self.title) + b" /Creator (pressroom)"
            b" /Producer (pressroom \\(reportlab, pikepdf\\))"
            + f" /CreationDate ({pdf_date}) /ModDate ({pdf_date}) /Trapped /False".encode()
            + b" /GTS_PDFXVersion "
            + _pdf_string(spec["version"])
            + (
                (b" /GTS_PDFXConformance " + _pdf_string(spec["conformance"]))
                if spec["conformance"]
                else b""
            )
            + b">>"
        )
        self._object(INFO, info)
        kids = " ".join(f"{n} 0 R" for n in self._pages)
        self._object(PAGES, f"<</Type /Pages /Kids [{kids}] /Count {len(self._pages)}>>".encode())
        intent = (
            b"<</Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier "
            + _pdf_string(oi.identifier)
            + b" /OutputCondition "
            + _pdf_string(oi.condition)
            + b" /RegistryName "
            + _pdf_string(oi.registry)
            + b" /Info "
            + _pdf_string(oi.info)
            + f" /DestOutputProfile {ICC} 0 R>>".encode()
        )
        oc = b""
        if self._cut_layer:
            # The die line is for the cutter: shown on screen, off when printed or exported.
            self._object(
                OCG,
                b"<</Type /OCG /Name (CutContour) /Intent [/View /Design] /Usage <<"
                b"/Print <</PrintState /OFF>> /Export <</ExportState /OFF>>"
                b" /View <</ViewState /ON>> >> >>",
            )
            # (PDF/X-4 forbids /AS in the configuration: the usage says it, the spot colour
            # CutContour tells the RIP it is a cut, and it overprints, so it never knocks out.)
            oc = (
                f" /OCProperties <</OCGs [{OCG} 0 R] /D <</Name (Default) /Order [{OCG} 0 R]"
                f" /ON [{OCG} 0 R]>> >>"
            ).encode()
        self._object(
            CATALOG,
            f"<</Type /Catalog /Pages {PAGES} 0 R /Metadata {META} 0 R".encode()
            + oc
            + b" /OutputIntents ["
            + intent
            + b"]>>",
        )
        self._xref(seed[:32])
        self._out.close()
        self._out = None
        os.replace(self._tmp, path)  # readers never see half a print file
        return path

    def _xref(self, doc_id: str) -> None:
        start = self._pos
        size = self._next
        lines = [f"xref\n0 {size}\n".encode(), b"0000000000 65535 f \n"]
        for n in range(1, size):
            off = self._offsets.get(n)
            lines.append(
                f"{off:010d} 00000 n \n".encode() if off is not None else b"0000000000 65535 f \n"
            )
        self._write(b"".join(lines))
        self._write(
            f"trailer\n<</Size {size} /Root {CATALOG} 0 R /Info {INFO} 0 R "
            f"/ID [<{doc_id}> <{doc_id}>]>>\nstartxref\n{start}\n%%EOF\n".encode()
        )

    def close(self) -> None:
        if self._out is not None:  # abandoned before save: leave nothing behind
            self._out.close()
            self._out = None
            if self._tmp is not None:
                self._tmp.unlink(missing_ok=True)
