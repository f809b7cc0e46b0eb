"""URL signatures. pressroom's own (imgproxy style, no salt): HMAC-SHA256 over the path after
the signature segment,
URL-safe base64 without padding, compared in constant time.

    /{signature}/{options...}/{photo id}      signature = b64url(HMAC(key, "/{options...}/{id}"))

Keys rotate: sign with the first, accept any. The URL dialects' schemes follow (imgproxy with
salt, thumbor, AWS DIT), each exactly as that server computes it. Standard library only.
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
    """ "/{signature}{path}"; "/_{path}" when there is no key (unsigned local development)."""
    return f"/{sign(path, key) if key else UNSIGNED[0]}{path}"


# -- imgproxy: HMAC-SHA256(key, salt + path), base64url without padding, optionally cut to
# IMGPROXY_SIGNATURE_SIZE bytes; several key/salt pairs verify (security/signature.go).


def imgproxy_sign(path: str, key: bytes, salt: bytes, size: int = 32) -> str:
    """imgproxy's signature of `path` (the part after the signature segment)."""
    if not path.startswith("/"):
        path = "/" + path  # imgproxy re-adds a missing leading slash before signing
    digest = hmac.new(key, salt + path.encode(), hashlib.sha256).digest()[:size]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def imgproxy_verify(
    signature: str, path: str, pairs: Sequence[tuple[bytes, bytes]], size: int = 32
) -> bool:
    given = signature.encode()
    ok = False
    for key, salt in pairs:
        ok |= hmac.compare_digest(given, imgproxy_sign(path, key, salt, size).encode())
    return ok


# -- thumbor: HMAC-SHA1(SECURITY_KEY, path without its leading slash), url-safe base64 WITH
# padding (thumbor/url_signers/base64_hmac_sha1.py).


def thumbor_sign(path: str, key: bytes) -> str:
    digest = hmac.new(key, path.lstrip("/").encode(), hashlib.sha1).digest()
    return base64.urlsafe_b64encode(digest).decode()


def thumbor_verify(signature: str, path: str, keys: Sequence[bytes]) -> bool:
    given = signature.encode()
    ok = False
    for key in keys:
        ok |= hmac.compare_digest(given, thumbor_sign(path, key).encode())
    return ok


# -- AWS Dynamic Image Transformation: hex HMAC-SHA256(secret, path) in ?signature=.


def dit_sign(path: str, secret: bytes) -> str:
    return hmac.new(secret, path.encode(), hashlib.sha256).hexdigest()


def dit_verify(signature: str, path: str, secrets: Sequence[bytes]) -> bool:
    given = signature.lower().encode()
    ok = False
    for secret in secrets:
        ok |= hmac.compare_digest(given, dit_sign(path, secret).encode())
    return ok
