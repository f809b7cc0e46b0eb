"""What a print file must not carry, and what must agree: JavaScript anywhere (actions,
name trees), annotations inside the trim (only printer's marks and trap networks may sit
on the printed area), and Info dates that differ from the XMP ones."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pikepdf

from ..context import PreflightContext
from ..report import FAIL

ALLOWED_ANNOTS = {"/PrinterMark", "/TrapNet"}
_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?"
)
_XMP_DATES = {"CreationDate": b"CreateDate", "ModDate": b"ModifyDate"}


def document(ctx: PreflightContext) -> None:
    _javascript(ctx)
    _annotations(ctx)
    _dates(ctx)


def _is_js(o: Any) -> bool:
    return isinstance(o, pikepdf.Dictionary) and (
        o.get("/S") == pikepdf.Name.JavaScript or "/JS" in o
    )


def _javascript(ctx: PreflightContext) -> None:
    pdf, found = ctx.pdf, []
    names = pdf.Root.get("/Names")
    if names is not None and "/JavaScript" in names:
        found.append("document JavaScript (Names /JavaScript)")
    for key in ("/OpenAction", "/AA"):
        o = pdf.Root.get(key)
        if o is not None and (_is_js(o) or any(_is_js(v) for v in _values(o))):
            found.append(f"catalog {key[1:]}")
    for o in pdf.objects:  # actions anywhere: on pages, annotations, form fields
        if _is_js(o) and len(found) < 5:
            found.append(f"a JavaScript action (object {o.objgen[0]})")
    if found:
        ctx.report.add(FAIL, "javascript", "the file carries JavaScript: " + "; ".join(found))


def _values(o: Any) -> list[Any]:
    return list(o.values()) if isinstance(o, pikepdf.Dictionary) else []


def _annotations(ctx: PreflightContext) -> None:
    for i, page in enumerate(ctx.pdf.pages, start=1):
        box = page.obj.get("/TrimBox") or page.obj.get("/MediaBox")
        if box is None:
            continue
        tx0, ty0, tx1, ty1 = _rect(box)
        for a in page.obj.get("/Annots") or []:
            sub = str(a.get("/Subtype", "/?"))
            if sub in ALLOWED_ANNOTS or a.get("/Rect") is None:
                continue
            x0, y0, x1, y1 = _rect(a.Rect)
            if x0 < tx1 and x1 > tx0 and y0 < ty1 and y1 > ty0:
                ctx.report.add(
                    FAIL,
                    "annotation",
                    "annotations inside the trim (a printer may print or drop them)",
                    i,
                    f"page {i}: {sub[1:]}",
                )


def _rect(v: Any) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(c) for c in v)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def pdf_date(s: str) -> datetime | None:
    m = _PDF_DATE.match(s.strip())
    if not m:
        return None
    y, mo, d, h, mi, sec, z, oh, om = m.groups()
    tz = UTC
    if z in ("+", "-"):
        off = timedelta(hours=int(oh or 0), minutes=int(om or 0))
        tz = timezone(off if z == "+" else -off)
    try:
        return datetime(
            int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(sec or 0), tzinfo=tz
        )
    except ValueError:
        return None


def xmp_date(s: str) -> datetime | None:
    try:
        d = datetime.fromisoformat(s.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _dates(ctx: PreflightContext) -> None:
    """PDF/X-4 (and every XMP-aware checker) wants Info and XMP to say the same instant."""
    info = ctx.pdf.trailer.get("/Info") or pikepdf.Dictionary()
    if not ctx.xmp:
        return
    for key, xkey in _XMP_DATES.items():
        raw = info.get(f"/{key}")
        m = re.search(rb"xmp:" + xkey + rb"(?:>|=\")\s*([^<\"]+)", ctx.xmp)
        a = pdf_date(str(raw)) if raw is not None else None
        b = xmp_date(m.group(1).decode(errors="replace")) if m else None
        if a is None and b is None:
            continue
        if a is None or b is None or abs((a - b).total_seconds()) >= 1:
            said_a = str(raw) if raw is not None else "none"
            said_b = m.group(1).decode(errors="replace") if m else "none"
            ctx.report.add(
                FAIL, "dates", f"Info {key} {said_a} but XMP xmp:{xkey.decode()} {said_b}"
            )
