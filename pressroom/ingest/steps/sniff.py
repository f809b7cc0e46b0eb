"""Judge the bytes, not the name: libmagic on the first bytes picks the one reader allowed."""

from __future__ import annotations

import magic

from ..context import IngestContext
from ..errors import Rejected
from ..formats import READERS

_SNIFF_BYTES = 8192
_magic: magic.Magic | None = None


def mime_of(head: bytes) -> str:
    global _magic
    if _magic is None:  # one libmagic handle per process; it is not thread-safe to share
        _magic = magic.Magic(mime=True)
    return _magic.from_buffer(head)


def sniff(ctx: IngestContext) -> None:
    if not ctx.data:
        raise Rejected("empty")
    if len(ctx.data) > ctx.limits.max_bytes:
        raise Rejected("too_large", f"{len(ctx.data)} bytes > {ctx.limits.max_bytes}")
    ctx.mime = mime_of(ctx.data[:_SNIFF_BYTES])
    ctx.reader = READERS.get(ctx.mime)
    if ctx.reader is None:
        if ctx.mime.startswith("image/"):
            raise Rejected("unsupported_format", ctx.mime)
        raise Rejected("not_an_image", ctx.mime)
