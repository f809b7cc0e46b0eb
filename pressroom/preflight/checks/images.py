"""Effective resolution of every placed image, from the transform in force where it is drawn
(rotations and forms included): warn below 300 ppi, fail below 150 (or the product's)."""

from __future__ import annotations

from ..context import PreflightContext
from ..report import FAIL, WARN, PageReport
from ..scan import PageScan


def page_images(ctx: PreflightContext, pr: PageReport, scan: PageScan) -> None:
    r = ctx.report
    for img in scan.images:
        ppi = min(img.ppi)
        w_pt, h_pt = img.size_pt
        pr.images.append(
            {
                "name": img.name,
                "px": [img.width, img.height],
                "placed_mm": [round(w_pt * 25.4 / 72, 1), round(h_pt * 25.4 / 72, 1)],
                "ppi": round(ppi, 1),
                "colour_space": img.colour_space,
                "filters": img.filters,
            }
        )
        if w_pt < 1 or h_pt < 1:
            continue  # a hairline or invisible draw: no print size to judge
        # Half a ppi of slack: pixel counts are whole, placed sizes are not.
        if ppi < ctx.fail_ppi - 0.5:
            r.add(
                FAIL,
                "low_ppi",
                f"image {img.name} at {ppi:.0f} ppi < {ctx.fail_ppi:.0f}",
                pr.number,
            )
        elif ppi < ctx.warn_ppi - 0.5:
            r.add(
                WARN,
                "low_ppi",
                f"image {img.name} at {ppi:.0f} ppi < {ctx.warn_ppi:.0f}",
                pr.number,
            )
