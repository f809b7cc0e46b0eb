"""imgproxy-style URL signatures: HMAC-SHA256 over the path after the signature segment,
URL-safe base64 without padding, compared in constant time.

    /{signature}/{options...}/{photo id}      signature = b64url(HMAC(key, "/{options...}/{id}"))

Keys rotate: sign with the first, accept any. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

UNSIGNED = ("_", "unsafe")  # placeholders accepted only when unsigned URLs are enabled


def sign(path: str, key: bytes) -> str:
    """The signature segment for `path` ("/w:400/h:300/abc123", leading slash included)."""
    digest = hmac.new(key, path.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verify(signature: str, path: str, keys: Sequence[bytes]) -> bool:
    """True when any key signs `path` to exactly `signature`."""
    # Compare the text, not decoded bytes: base64 decoding forgives stray characters and
    # the unused low bits of the last one, which would let altered signatures through.
    given = signature.encode()
    ok = False
    for key in keys:
        # Every key is tried (no early exit), so timing tells nothing about which one matched.
        ok |= hmac.compare_digest(given, sign(path, key).encode())
    return ok


def signed_path(path: str, key: bytes | None) -> str:
    """"/{signature}{path}"; "/_{path}" when there is no key (unsigned local development)."""
    return f"/{sign(path, key) if key else UNSIGNED[0]}{path}"
