"""Walk a page's content stream (and the forms it draws) with the graphics state's transform,
to find every placed image, the fonts and the colour operators in use."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pikepdf

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
COLOUR_OPS = {"rg", "RG", "k", "K", "g", "G", "sc", "SC", "scn", "SCN", "cs", "CS"}
MAX_DEPTH = 12  # forms inside forms; deeper (or cyclic) nesting is not followed


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


@dataclass
class Placed:
    name: str
    width: int  # pixels
    height: int
    ctm: Matrix
    colour_space: str
    bits: int
    filters: list[str]

    @property
    def size_pt(self) -> tuple[float, float]:
        a, b, c, d, _, _ = self.ctm
        return math.hypot(a, b), math.hypot(c, d)

    @property
    def ppi(self) -> tuple[float, float]:
        w, h = self.size_pt
        return (self.width / (w / 72) if w else 0.0, self.height / (h / 72) if h else 0.0)


@dataclass
class PageScan:
    images: list[Placed] = field(default_factory=list)
    fonts: dict[str, Any] = field(default_factory=dict)  # resource name -> font dict
    colour_ops: set[str] = field(default_factory=set)
    colour_spaces: set[str] = field(default_factory=set)  # named spaces set by cs/CS
    resources: list[Any] = field(default_factory=list)


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
        return head
    return str(cs)


def _filters(obj: Any) -> list[str]:
    f = obj.get("/Filter")
    if f is None:
        return []
    return [str(x)[1:] for x in f] if isinstance(f, pikepdf.Array) else [str(f)[1:]]


def scan_page(page: pikepdf.Page) -> PageScan:
    out = PageScan()
    _scan(page.obj, page.obj.get("/Resources") or pikepdf.Dictionary(), IDENTITY, out, 0, set())
    return out


def _scan(content: Any, res: Any, ctm: Matrix, out: PageScan, depth: int, seen: set) -> None:
    out.resources.append(res)
    for name, font in (res.get("/Font") or {}).items():
        out.fonts[f"{name}"] = font
    xobjects = res.get("/XObject") or {}
    stack: list[Matrix] = []
    for operands, op in pikepdf.parse_content_stream(content):
        o = str(op)
        if o == "q":
            stack.append(ctm)
        elif o == "Q":
            ctm = stack.pop() if stack else ctm
        elif o == "cm" and len(operands) == 6:
            ctm = mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif o in COLOUR_OPS:
            out.colour_ops.add(o)
            if o in ("cs", "CS") and operands:
                out.colour_spaces.add(str(operands[0])[1:])
        elif o == "INLINE IMAGE":
            img = operands[0]
            d = img.obj if hasattr(img, "obj") else {}
            out.images.append(
                Placed(
                    "inline",
                    int(img.width),
                    int(img.height),
                    ctm,
                    cs_name(d.get("/ColorSpace", d.get("/CS"))),
                    int(img.bits_per_component),
                    [],
                )
            )
        elif o == "Do" and operands:
            name = str(operands[0])
            x = xobjects.get(name)
            if x is None:
                continue
            sub = x.get("/Subtype")
            if sub == "/Image":
                if x.get("/ImageMask"):
                    continue  # a stencil: ink, not a picture
                out.images.append(
                    Placed(
                        name,
                        int(x.Width),
                        int(x.Height),
                        ctm,
                        cs_name(x.get("/ColorSpace")),
                        int(x.get("/BitsPerComponent", 8)),
                        _filters(x),
                    )
                )
            elif sub == "/Form" and depth < MAX_DEPTH and x.objgen not in seen:
                m = tuple(float(v) for v in x.get("/Matrix", IDENTITY))
                _scan(
                    x,
                    x.get("/Resources") or res,
                    mul(m, ctm),
                    out,
                    depth + 1,  # type: ignore[arg-type]
                    seen | {x.objgen},
                )
