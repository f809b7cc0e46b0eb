"""Text boxes move into a printer's safe zone that is larger than the product's (issue 15)."""

from pressroom.products.designer.geometry import GLYPH_EM, text_box
from pressroom.products.layout import TextBox
from pressroom.products.model import Rect

TRIM = Rect(0, 0, 210, 210)


def test_caption_moves_into_a_larger_safe_zone_without_covering_the_frame_above() -> None:
    box = TextBox(Rect(0.1, 0.926, 0.8, 0.034), "caption", 10)
    frame = Rect(21, 100, 168, 93.2)  # its bottom at 193.2 mm
    safe = Rect(0, 0, 210, 210).inset(12.7, 12.7, 12.7, 12.7)
    r, b = text_box(box, TRIM, safe, [frame])
    assert safe.contains(r) and r.y >= frame.y1 - 1e-9
    centre = r.y + r.h / 2
    em = b.size_pt * 25.4 / 72
    assert centre + GLYPH_EM * em <= safe.y1 + 1e-6 and centre - GLYPH_EM * em >= frame.y1 - 1e-6
    assert 9 < b.size_pt < 10  # shrunk only to what the band holds


def test_box_inside_the_safe_zone_is_the_layouts() -> None:
    box = TextBox(Rect(0.1, 0.926, 0.8, 0.034), "caption", 10)
    r, b = text_box(box, TRIM, Rect(8, 8, 194, 194), [])
    assert (r.y, r.h, b) == (0.926 * 210, 0.034 * 210, box)
