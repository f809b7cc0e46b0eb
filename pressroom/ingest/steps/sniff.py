"""Judge the bytes, not the name: libmagic on the first bytes picks the one reader allowed."""

from __future__ import annotations

import magic

from ..errors import Rejected
from ..formats import READERS
from ..job import Job

_SNIFF_BYTES = 8192
_magic: magic.Magic | None = None


def mime_of(head: bytes) -> str:
    global _magic
    if _magic is None:  # one libmagic handle per process; it is not thread-safe to share
        _magic = magic.Magic(mime=True)
    return _magic.from_buffer(head)


def sniff(job: Job) -> None:
    if not job.data:
        raise Rejected("empty")
    if len(job.data) > job.limits.max_bytes:
        raise Rejected("too_large", f"{len(job.data)} bytes > {job.limits.max_bytes}")
    job.mime = mime_of(job.data[:_SNIFF_BYTES])
    job.reader = READERS.get(job.mime)
    if job.reader is None:
        if job.mime.startswith("image/"):
            raise Rejected("unsupported_format", job.mime)
        raise Rejected("not_an_image", job.mime)
