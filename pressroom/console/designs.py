"""What the console shows of a customer's design (pressroom.designs): per page, each slot's
photo and the part of it shown (its crop), the texts, and the check findings about that page,
slot or text; findings about the whole document apart. The check runs when the page is shown,
against the catalogue as it is now (a photo rejected or deleted since shows up here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..reasons import reason


@dataclass
class SlotView:
    n: int  # 1-based, the layout's frame order
    photo_id: str
    crop: tuple[float, float, float, float] | None  # fractions of the upright photo; None: auto
    fit: str
    scale: float
    aspect: float = 1.0  # the photo's upright width / height (1 when it is unknown)


@dataclass
class TextView:
    n: int
    text: str
    box: str  # a named box, or the rectangle as written
    size_pt: float | None
    align: str


@dataclass
class CheckView:
    level: str  # fail | warn
    code: str
    where: str  # "page 3, slot 2"
    message: str  # what is wrong, in this design's terms
    words: str  # what it means, from the registry (staff wording, else public)


@dataclass
class DesignPageView:
    key: str  # cover | page-001 ...: as the book's pages are named
    layout: str
    background: str | None
    slots: list[SlotView] = field(default_factory=list)
    texts: list[TextView] = field(default_factory=list)
    findings: list[CheckView] = field(default_factory=list)

    @property
    def level(self) -> str:
        levels = {f.level for f in self.findings}
        return "fail" if "fail" in levels else "warn" if levels else ""


@dataclass
class DesignView:
    status: str  # pass | warn | fail
    title: str
    pages: dict[str, DesignPageView]
    general: list[CheckView]  # findings about the whole document (schema, page count, ...)
    counts: dict[str, int]  # level -> findings

    def page(self, key: str) -> DesignPageView | None:
        return self.pages.get(key)


def page_key(where: Any) -> str | None:
    if where == "cover":
        return "cover"
    return f"page-{int(where):03d}" if isinstance(where, int) else None


def design_view(
    doc: Mapping[str, Any], findings: Any, photos: Mapping[str, Any] | None = None
) -> DesignView:
    """The design (a schema-valid or invalid document) with its check's findings placed on
    the page they concern. photos: PhotoFacts by id (for the crops' shapes)."""
    pages: dict[str, DesignPageView] = {}
    raw = list(doc.get("pages") or []) if isinstance(doc.get("pages"), list) else []
    numbered = [(f"page-{i:03d}", p) for i, p in enumerate(raw, 1)]
    cover = doc.get("cover")
    for key, p in ([("cover", cover)] if isinstance(cover, dict) else []) + numbered:
        if isinstance(p, dict):
            pages[key] = _page(key, p, photos or {})
    general: list[CheckView] = []
    counts = {"fail": 0, "warn": 0}
    for f in findings.items:
        counts[f.level] = counts.get(f.level, 0) + 1
        r = reason("design_check", f.code)
        view = CheckView(f.level, f.code, f.where(), f.message, (r.staff or r.public) if r else "")
        target = pages.get(page_key(f.page) or "")
        (target.findings if target else general).append(view)
    return DesignView(findings.status, str(doc.get("title") or ""), pages, general, counts)


def _page(key: str, p: Mapping[str, Any], photos: Mapping[str, Any]) -> DesignPageView:
    view = DesignPageView(key, str(p.get("layout") or ""), p.get("background"))
    for n, s in enumerate(p.get("slots") or [], 1):
        if not isinstance(s, dict):
            continue
        crop = s.get("crop")
        box = (
            (float(crop[0]), float(crop[1]), float(crop[2]), float(crop[3]))
            if isinstance(crop, list) and len(crop) == 4
            else None
        )
        photo = photos.get(str(s.get("photo", "")))
        aspect = photo.width / photo.height if photo and photo.width and photo.height else 1.0
        view.slots.append(SlotView(
            n, str(s.get("photo", "")),
            box,
            str(s.get("fit") or "fill"), float(s.get("scale") or 1), aspect,
        ))
    for n, t in enumerate(p.get("texts") or [], 1):
        if isinstance(t, dict):
            box = t.get("box")
            shown = box if isinstance(box, str) else ", ".join(f"{float(v):.2f}" for v in box or [])
            view.texts.append(TextView(n, str(t.get("text", "")), str(shown),
                                       t.get("size_pt"), str(t.get("align") or "")))
    if key == "cover":
        for n, name in enumerate(("title", "spine"), len(view.texts) + 1):
            if p.get(name):
                view.texts.append(TextView(n, str(p[name]), name, None, ""))
    return view
