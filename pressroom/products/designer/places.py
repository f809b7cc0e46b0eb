"""Place names for chapter captions, offline: the nearest GeoNames town (population >= 1000)
from `reverse_geocode`, which ships its gazetteer inside the package (no download at run time).
The gazetteer loads once per process (~1.5 s, 155 000 places), only when a photo has GPS."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

# Where a state names the place better than the country does (as people write addresses).
STATE_FIRST = {"US", "CA", "AU"}


@cache
def _geocoder() -> Any:
    try:
        import reverse_geocode
    except ImportError:  # the dependency is declared; without it captions carry dates only
        return None
    return reverse_geocode


def place_name(points: Sequence[tuple[float, float]]) -> str:
    """The most common nearby town of the points, as "Town, Country" (or "Town, State" in
    STATE_FIRST countries); "" without points or gazetteer."""
    rg = _geocoder()
    if rg is None or not points:
        return ""
    names = []
    for hit in rg.search(list(points)):
        region = hit.get("state") if hit.get("country_code") in STATE_FIRST else None
        names.append(f"{hit['city']}, {region or hit.get('country') or hit['country_code']}")
    return Counter(names).most_common(1)[0][0]
