"""Colourfulness (Hasler & Suesstrunk 2003): sigma_rgyb + 0.3 * mu_rgyb on sRGB values.

Their scale: 0 grey, ~15 slightly, ~33 moderately, ~45 averagely, ~59 quite, ~82 highly,
> 109 extremely colourful.
"""

from __future__ import annotations

import numpy as np

from ..context import TagContext


def colourfulness(ctx: TagContext) -> None:
    assert ctx.rgb is not None
    px = ctx.rgb[::2, ::2].reshape(-1, 3).astype(np.float32)  # a quarter is plenty
    r, g, b = px[:, 0], px[:, 1], px[:, 2]
    rg = r - g
    yb = 0.5 * (r + g) - b
    sigma = np.hypot(rg.std(), yb.std())
    mu = np.hypot(rg.mean(), yb.mean())
    ctx.tags["colourfulness"] = round(float(sigma + 0.3 * mu), 2)
