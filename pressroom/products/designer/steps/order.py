"""Order by capture time (wall clock); undated photos follow, by name then id."""

from __future__ import annotations

from datetime import datetime

from ..context import DesignContext

_LAST = datetime.max


def order(ctx: DesignContext) -> None:
    ctx.photos.sort(key=lambda p: (p.time or _LAST, p.source_name, p.id))
