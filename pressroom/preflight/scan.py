"""Walk a page's content stream (and the forms it draws) with the graphics state's transform,
to find every placed image, the fonts, the colour operators in use, where text lands, how
thin strokes are, whether anything is drawn at all, and the ink of CMYK vector colour."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import pikepdf

from .text import advance

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
COLOUR_OPS = {"rg", "RG", "k", "K", "g", "G", "sc", "SC", "scn", "SCN", "cs", "CS"}
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
STROKES = {"S", "s", "B", "B*", "b", "b*"}
SHOWS = {"Tj", "TJ", "'", '"'}
MAX_DEPTH = 12  # forms inside forms; deeper (or cyclic) nesting is not followed
ASCENT, DESCENT = 0.75, -0.25  # of the font size: a glyph box without reading font metrics


def mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF row-vector convention: m x n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


@dataclass
class Placed:
    name: str
    width: int  # pixels
    height: int
    ctm: Matrix
    colour_space: str
    bits: int
    filters: list[str]
    obj: Any = None  # the image XObject (None: inline)

    @property
    def size_pt(self) -> tuple[float, float]:
        a, b, c, d, _, _ = self.ctm
        return math.hypot(a, b), math.hypot(c, d)

    @property
    def ppi(self) -> tuple[float, float]:
        w, h = self.size_pt
        return (self.width / (w / 72) if w else 0.0, self.height / (h / 72) if h else 0.0)


@dataclass
class TextRun:
    text: bytes
    size_pt: float  # on the page
    corners: list[tuple[float, float]]  # page space (pt) of the run's box


@dataclass
class PageScan:
    images: list[Placed] = field(default_factory=list)
    fonts: dict[str, Any] = field(default_factory=dict)  # resource name -> font dict
    colour_ops: set[str] = field(default_factory=set)
    colour_spaces: set[str] = field(default_factory=set)  # named spaces set by cs/CS
    resources: list[Any] = field(default_factory=list)
    texts: list[TextRun] = field(default_factory=list)
    strokes: list[tuple[float, str]] = field(default_factory=list)  # width pt, stroke space
    marks: int = 0  # things drawn that are not white (images, text, fills, strokes, shadings)
    cmyk_max: float = 0.0  # highest C+M+Y+K (%) set by k/K
    shadings: list[Any] = field(default_factory=list)  # shading dicts painted by sh


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    line_width: float = 1.0
    stroke_space: str = "DeviceGray"
    fill_white: bool = False
    stroke_white: bool = False
    font: Any = None
    size: float = 0.0
    render_mode: int = 0
    leading: float = 0.0


def cs_name(cs: Any) -> str:
    if cs is None:
        return "none"
    if isinstance(cs, pikepdf.Name):
        return str(cs)[1:]
    if isinstance(cs, pikepdf.Array) and len(cs):
        head = str(cs[0])[1:]
        if head == "ICCBased":
            n = int(cs[1].get("/N", 0))
            return f"ICCBased({ {1: 'Gray', 3: 'RGB', 4: 'CMYK'}.get(n, n) })"
        if head == "Indexed" and len(cs) > 1:
            return f"Indexed({cs_name(cs[1])})"
        if head == "Separation" and len(cs) > 1:
            return f"Separation({str(cs[1])[1:]})"
        return head
    return str(cs)


def _filters(obj: Any) -> list[str]:
    f = obj.get("/Filter")
    if f is None:
        return []
    return [str(x)[1:] for x in f] if isinstance(f, pikepdf.Array) else [str(f)[1:]]


def _white(op: str, vals: list[float]) -> bool:
    if op in ("g", "G"):
        return bool(vals) and vals[0] >= 0.999
    if op in ("rg", "RG"):
        return len(vals) == 3 and min(vals) >= 0.999
    if op in ("k", "K"):
        return len(vals) == 4 and max(vals) <= 0.001
    return False


def scan_page(page: pikepdf.Page) -> PageScan:
    out = PageScan()
    res = page.obj.get("/Resources") or pikepdf.Dictionary()
    _scan(page.obj, res, _State(), out, 0, set())
    return out


def _scan(
    content: Any, res: Any, gs: _State, out: PageScan, depth: int, seen: set[tuple[int, int]]
) -> None:
    out.resources.append(res)
    for name, font in (res.get("/Font") or {}).items():
        out.fonts[f"{name}"] = font
    xobjects = res.get("/XObject") or {}
    spaces = res.get("/ColorSpace") or {}
    stack: list[_State] = []
    tm = tlm = IDENTITY
    for inst in pikepdf.parse_content_stream(content):
        operands, o = inst.operands, str(inst.operator)
        if o == "q":
            stack.append(replace(gs))
        elif o == "Q":
            gs = stack.pop() if stack else gs
        elif o == "cm" and len(operands) == 6:
            gs.ctm = mul(tuple(float(v) for v in operands), gs.ctm)  # type: ignore[arg-type]
        elif o == "w" and operands:
            gs.line_width = float(operands[0])
        elif o in COLOUR_OPS:
            out.colour_ops.add(o)
            vals = _nums(operands)
            if o in ("cs", "CS") and operands:
                name = str(operands[0])
                out.colour_spaces.add(name[1:])
                if o == "CS":
                    gs.stroke_space = cs_name(spaces[name]) if name in spaces else name[1:]
            if o in ("k", "K") and len(vals) == 4:
                out.cmyk_max = max(out.cmyk_max, 100 * sum(vals))
            if o in ("K", "RG", "G"):
                gs.stroke_space = {"K": "DeviceCMYK", "RG": "DeviceRGB", "G": "DeviceGray"}[o]
            if o.isupper():
                gs.stroke_white = _white(o, vals)
            else:
                gs.fill_white = _white(o, vals)
        elif o in FILLS or o in STROKES:
            if o in STROKES:
                a, b, c, d = gs.ctm[:4]
                scale = math.sqrt(abs(a * d - b * c))  # the width in page space
                out.strokes.append((gs.line_width * scale, gs.stroke_space))
            if (o in FILLS and not gs.fill_white) or (o in STROKES and not gs.stroke_white):
                out.marks += 1
        elif o == "sh" and operands:
            sh = (res.get("/Shading") or {}).get(str(operands[0]))
            if sh is not None:
                out.shadings.append(sh)
            out.marks += 1
        elif o == "BT":
            tm = tlm = IDENTITY
        elif o == "Tf" and len(operands) == 2:
            gs.font = (res.get("/Font") or {}).get(str(operands[0]))
            gs.size = float(operands[1])
        elif o == "Tr" and operands:
            gs.render_mode = int(operands[0])
        elif o == "TL" and operands:
            gs.leading = float(operands[0])
        elif o in ("Td", "TD") and len(operands) == 2:
            tx, ty = float(operands[0]), float(operands[1])
            if o == "TD":
                gs.leading = -ty
            tm = tlm = mul((1, 0, 0, 1, tx, ty), tlm)
        elif o == "Tm" and len(operands) == 6:
            tm = tlm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif o in ("T*", "'", '"'):
            tm = tlm = mul((1, 0, 0, 1, 0, -gs.leading), tlm)
            if o != "T*":
                tm = _show(o, operands, gs, tm, out)
        elif o in SHOWS:
            tm = _show(o, operands, gs, tm, out)
        elif isinstance(inst, pikepdf.ContentStreamInlineImage):
            img = inst.iimage
            info = img.obj
            out.images.append(
                Placed(
                    "inline",
                    int(img.width),
                    int(img.height),
                    gs.ctm,
                    cs_name(info.get("/ColorSpace", info.get("/CS"))),
                    int(img.bits_per_component),
                    [],
                )
            )
            out.marks += 1
        elif o == "Do" and operands:
            name = str(operands[0])
            x = xobjects.get(name)
            if x is None:
                continue
            sub = x.get("/Subtype")
            if sub == "/Image":
                out.marks += 1
                if x.get("/ImageMask"):
                    continue  # a stencil: ink, not a picture
                out.images.append(
                    Placed(
                        name,
                        int(x.Width),
                        int(x.Height),
                        gs.ctm,
                        cs_name(x.get("/ColorSpace")),
                        int(x.get("/BitsPerComponent", 8)),
                        _filters(x),
                        x,
                    )
                )
            elif sub == "/Form" and depth < MAX_DEPTH and x.objgen not in seen:
                m = tuple(float(v) for v in x.get("/Matrix", IDENTITY))
                inner = replace(gs, ctm=mul(m, gs.ctm))  # type: ignore[arg-type]
                _scan(x, x.get("/Resources") or res, inner, out, depth + 1, seen | {x.objgen})


def _nums(operands: Any) -> list[float]:
    out = []
    for v in operands:
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            pass  # a pattern or colour space name
    return out


def _show(o: str, operands: Any, gs: _State, tm: Matrix, out: PageScan) -> Matrix:
    """One text-showing operator: the run's box on the page; the text matrix after it."""
    items = operands[-1] if operands else b""
    parts = list(items) if o == "TJ" else [items]
    width, raw = 0.0, b""
    for part in parts:
        if isinstance(part, pikepdf.String):
            data = bytes(part)
            raw += data
            width += advance(gs.font, data) * gs.size
        elif not isinstance(part, pikepdf.Name):
            width -= float(part) / 1000 * gs.size
    if gs.render_mode != 3 and raw.strip():  # mode 3: invisible (an OCR layer)
        m = mul(tm, gs.ctm)
        box = [
            (0, DESCENT * gs.size),
            (width, DESCENT * gs.size),
            (0, ASCENT * gs.size),
            (width, ASCENT * gs.size),
        ]
        corners = [apply(m, x, y) for x, y in box]
        a, b, c, d = m[:4]
        out.texts.append(TextRun(raw, gs.size * math.sqrt(abs(a * d - b * c)), corners))
        out.marks += 1
    return mul((1, 0, 0, 1, width, 0), tm)
