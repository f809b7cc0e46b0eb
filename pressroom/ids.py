"""What an id may be, stated once. Dependency-free so Lambda handlers import it for free.

A photo id names blobs (`masters/<id>.jpg`) and URL segments, so no "/" or "." can ever slip
in. Ids pressroom makes are the first 96 bits of the upload's sha256 (24 hex digits); ids a
caller sets (`ingest --id`, an S3 key's stem) follow the same rule.
"""

from __future__ import annotations

import re

ID_RULE = "1-64 of A-Z a-z 0-9 _ -"
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_id(value: str) -> bool:
    """A valid photo, book or job id."""
    return bool(_ID.fullmatch(value))


def photo_id_for(sha256_hex: str) -> str:
    """Content-derived id: the same upload always lands on the same record (96 bits)."""
    return sha256_hex[:24]


def master_key(photo_id: str, fmt: str) -> str:
    return f"masters/{photo_id}.{'png' if fmt == 'png' else 'jpg'}"


def proxy_key(photo_id: str) -> str:
    return f"proxies/{photo_id}.jpg"
