"""One reader per accepted format. Each offers:

    probe(data: bytes) -> Header          header facts, no pixel decode; strict structure checks
    decode(data, header, target) -> pyvips.Image
        strict decode of the whole file; `target` (long side, px) lets a format that can shrink
        on load (JPEG DCT scaling, WebP) decode at the largest size that still fits `target`
        (a 12-MP JPEG proxy is its 1/8 decode, 504 px: the cheapest decode that answers);
        None means full resolution. The result is as stored: orientation and colour are the
        pipeline's next steps.
    DECODE_COST: float                    CPU per pixel to normalise a file of this format,
        relative to PNG's; a host's per-file time budget scales by it (pressroom.batch.files)
"""

from __future__ import annotations

from types import ModuleType

from . import heif, jpeg, png, webp

# mime type from libmagic -> reader
READERS: dict[str, ModuleType] = {
    "image/jpeg": jpeg,
    "image/png": png,
    "image/webp": webp,
    "image/heic": heif,
    "image/heif": heif,
    "image/heic-sequence": heif,
    "image/heif-sequence": heif,
    "image/avif": heif,
}
