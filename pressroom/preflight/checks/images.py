"""Effective resolution of every placed image, from the transform in force where it is drawn
(rotations and forms included): warn below the target (300 ppi, or the product's), fail
below the minimum (150, or the product's). One finding per level, listing the images."""

from __future__ import annotations

import re

from ..context import PreflightContext
from ..report import FAIL, WARN, PageReport
from ..scan import PageScan

_LOWEST = re.compile(r"lowest (\d+) ppi")


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
            level, limit, what = FAIL, ctx.fail_ppi, "the minimum"
        elif ppi < ctx.warn_ppi - 0.5:
            level, limit, what = WARN, ctx.warn_ppi, "the target"
        else:
            continue
        f = r.add(
            level,
            "low_ppi",
            "",
            pr.number,
            f"page {pr.number}: {img.name} at {ppi:.0f} ppi",
            cause=what,
        )
        low = min([ppi, *(float(m) for m in _LOWEST.findall(f.message))])
        n = f.count
        f.message = (
            f"{n} image{'s' if n != 1 else ''} under {what} {limit:.0f} ppi, "
            f"lowest {low:.0f} ppi < {limit:.0f}"
        )
