"""Events: the collection in capture order, split at long gaps and at GPS jumps.

Photos without a capture time cannot be placed: they form one last event of their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..photos import PhotoFacts
from .item import CurateOptions

EARTH_KM = 6371.0


def km(a: dict[str, float], b: dict[str, float]) -> float:
    """Great-circle distance (haversine)."""
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _gps(item: PhotoFacts) -> dict[str, float] | None:
    """The photo's position when it has both coordinates."""
    g = item.gps
    return g if g and g.get("lat") is not None and g.get("lon") is not None else None


def events(items: Sequence[PhotoFacts], opts: CurateOptions) -> list[list[int]]:
    dated = sorted(
        (i for i, it in enumerate(items) if it.timestamp is not None),
        key=lambda i: (items[i].timestamp, items[i].id),
    )
    out: list[list[int]] = []
    last_t: float | None = None
    last_gps: dict[str, float] | None = None
    for i in dated:
        it = items[i]
        t = it.timestamp
        assert t is not None
        gps = _gps(it)
        jump = gps is not None and last_gps is not None and km(last_gps, gps) > opts.event_jump_km
        if last_t is None or t - last_t > opts.event_gap_hours * 3600 or jump:
            out.append([])
            last_gps = None
        out[-1].append(i)
        last_t = t
        if gps is not None:
            last_gps = gps
    undated = [i for i, it in enumerate(items) if it.timestamp is None]
    if undated:
        out.append(undated)
    return out
