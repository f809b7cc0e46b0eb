"""Products and layouts as data: ids, sizes, page rules, spine formula, cover spread."""

from __future__ import annotations

import json
import math

import pytest

from pressroom.cli import main
from pressroom.products import get_product, layouts, products
from pressroom.products.designer.geometry import safe_zone
from pressroom.products.model import UnknownProduct

IDS = {
    "photobook-21x21",
    "photobook-28x21",
    "photobook-a4",
    "print-6x4",
    "print-7x5",
    "ornament-round-8",
}


def test_every_product_is_there_with_its_rules() -> None:
    assert set(products()) == IDS
    for p in products().values():
        assert p.bleed == 3.0 and p.target_ppi == 300 and p.min_ppi == 150
        assert 0 < p.safe < min(p.trim_w, p.trim_h) / 4
        assert 1 <= p.pages_min <= p.pages_max and p.pages_multiple >= 1
        assert all(lid in layouts() for lid in p.layouts)
        if p.is_book:
            assert p.pages_multiple == 2 and p.pages_min >= 20 and p.gutter > 0
            assert p.caliper > 0 and p.cover_layout in layouts()
    assert (get_product("photobook-21x21").trim_w, get_product("photobook-21x21").trim_h) == (
        210,
        210,
    )
    assert (get_product("photobook-a4").trim_w, get_product("photobook-a4").trim_h) == (210, 297)
    assert get_product("print-6x4").trim_w == pytest.approx(152.4)
    assert get_product("print-7x5").trim_h == pytest.approx(127.0)
    with pytest.raises(UnknownProduct):
        get_product("photobook-99x99")


@pytest.mark.parametrize("pages", [20, 24, 48, 100, 150, 200])
def test_spine_follows_the_formula(pages: int) -> None:
    """Hardcovers are case-bound (issue 15): spine = leaves x caliper (pages/444 in a page) +
    5.5 mm of boards and glue; the cover is two boards (trim + 3 mm overhang), two 8 mm hinges,
    the spine and a 15 mm turn-in all round."""
    for pid in ("photobook-21x21", "photobook-28x21", "photobook-a4"):
        p = get_product(pid)
        spine = pages / 2 * 0.1144144 + 5.5
        assert p.spine_mm(pages) == pytest.approx(spine, abs=1e-4)
        w, h = p.cover_size(pages)
        assert w == pytest.approx(2 * (p.trim_w + 3) + 2 * 8 + spine + 2 * 15, abs=0.01)
        assert h == pytest.approx(p.trim_h + 2 * 3 + 2 * 15, abs=0.01)
    assert get_product("photobook-21x21").spine_mm(200) > get_product("photobook-21x21").spine_mm(
        20
    )


def test_page_rules() -> None:
    p = get_product("photobook-21x21")
    assert p.pages_ok(20) == [] and p.pages_ok(200) == []
    assert any("minimum" in why for why in p.pages_ok(18))
    assert any("multiple" in why for why in p.pages_ok(21))
    assert any("maximum" in why for why in p.pages_ok(202))


def test_layouts_cover_the_needs() -> None:
    lays = layouts()
    page = [lay for lay in lays.values() if lay.kind == "page"]
    counts = {len(lay.frames) for lay in page}
    assert {1, 2, 3, 4} <= counts
    assert any(f.bleed for lay in page for f in lay.frames), "a full-bleed hero page"
    for lay in page:
        for f in lay.frames:
            r = f.rect
            assert r.x >= 0 and r.y >= 0 and r.x1 <= 1 + 1e-9 and r.y1 <= 1 + 1e-9
            assert 0 < f.aspect[0] < f.aspect[1]
        # frames never overlap
        for i, a in enumerate(lay.frames):
            for b in lay.frames[i + 1 :]:
                assert a.rect.intersect(b.rect).w * a.rect.intersect(b.rect).h < 1e-9, lay.id
    # portrait and landscape mixes among the multi-photo layouts
    kinds = {
        (sum(f.aspect[1] <= 1 for f in lay.frames), sum(f.aspect[0] >= 1 for f in lay.frames))
        for lay in page
    }
    assert any(p_ and l_ for p_, l_ in kinds), "a layout mixing portrait and landscape frames"
    cover = lays["cover-hero"]
    assert cover.kind == "cover"
    assert {f.panel for f in cover.frames} >= {"front"}
    assert any(t.panel == "spine" and t.rotate for t in cover.texts)


def test_ornament_is_a_circle_with_a_safe_zone_inside() -> None:
    p = get_product("ornament-round-8")
    assert p.shape == "circle" and (p.trim_w, p.trim_h) == (80, 80)
    safe = safe_zone(p, p.trim_w, p.trim_h, 1)
    r = (p.trim_w - 2 * p.safe) / 2
    for x, y in ((safe.x, safe.y), (safe.x1, safe.y), (safe.x, safe.y1), (safe.x1, safe.y1)):
        assert math.hypot(x - 40, y - 40) <= r + 1e-9


def test_gutter_sits_on_the_binding_side() -> None:
    p = get_product("photobook-21x21")
    right, left = safe_zone(p, 210, 210, 1), safe_zone(p, 210, 210, 2)
    assert right.x == pytest.approx(p.safe + p.gutter) and right.x1 == pytest.approx(210 - p.safe)
    assert left.x == pytest.approx(p.safe) and left.x1 == pytest.approx(210 - p.safe - p.gutter)


def test_products_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["products", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["id"] for r in rows} == IDS
    assert main(["products"]) == 0
    out = capsys.readouterr().out
    assert "photobook-21x21" in out and "circular cut" in out
