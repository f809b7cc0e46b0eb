"""On-demand thumbnails from masters. `render()` is the engine's one entry point; faces
come as `pressroom.photos.Face` (read from a record through `PhotoFacts.faces`)."""

from __future__ import annotations

from .context import RenderLimit, ThumbnailContext
from .pipeline import THUMBNAIL, Rendered, render

__all__ = ["THUMBNAIL", "RenderLimit", "Rendered", "ThumbnailContext", "render"]
