"""Output formats, stated once: name -> content type, file extension, libvips saver."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # "jpeg", "webp", "avif", "png"
    content_type: str
    extension: str  # without the dot
    saver: str  # pyvips Image method that writes it to a buffer
    quality: int  # the default Q of a thumbnail (png: lossless, no Q)
    # From this Q the output keeps colour at full resolution (4:4:4; JPEG and AVIF as
    # libvips' savers decide it); 0: always (lossless), 101: never (lossy WebP is 4:2:0).
    full_chroma_from: int

    def full_chroma(self, quality: int = 0) -> bool:
        return (quality or self.quality) >= self.full_chroma_from


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("jpeg", "image/jpeg", "jpg", "jpegsave_buffer", 82, 90),
        Format("webp", "image/webp", "webp", "webpsave_buffer", 80, 101),
        Format("avif", "image/avif", "avif", "heifsave_buffer", 60, 90),
        Format("png", "image/png", "png", "pngsave_buffer", 0, 0),
    )
}
# Other names people write for the same formats (URLs, file suffixes).
ALIASES = {"jpg": "jpeg", "jpe": "jpeg", "heif": "avif"}
# Print files and the documents that go with them.
FILE_TYPES = {"pdf": "application/pdf", "json": "application/json", "png": "image/png",
              "jpg": "image/jpeg"}


def format_named(name: str) -> Format | None:
    """The format for a name, extension or alias ("jpg", ".jpeg", "webp"); None if unknown."""
    key = name.lower().lstrip(".")
    return FORMATS.get(ALIASES.get(key, key))


def content_type(name: str) -> str:
    """Content type for a format name or a file extension ("application/octet-stream" else)."""
    f = format_named(name)
    if f is not None:
        return f.content_type
    return FILE_TYPES.get(name.lower().lstrip("."), "application/octet-stream")
