"""Guides: lines the preview draws and the print file never has (folds, hinges, turn-ins, the
die line), in page millimetres."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guide:
    """kind: fold | hinge | turn-in | cut; a line from (x0, y0) to (x1, y1), or the circle
    inscribed in that box."""

    kind: str
    x0: float
    y0: float
    x1: float
    y1: float
    circle: bool = False


GUIDE_COLOURS = {
    "fold": [0, 160, 255],
    "hinge": [0, 200, 120],
    "turn-in": [255, 140, 0],
    "cut": [236, 0, 140],
}
