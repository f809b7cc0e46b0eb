"""The app API's door: a bearer token from PRESSROOM_API_TOKENS (comma-separated, any one is
accepted, so tokens rotate like the signing keys). With no token configured the API is off:
every app route answers 404 as if it did not exist, never open by default.

Tokens are compared as SHA-256 digests in constant time, every configured token tried, so the
answer's timing says nothing about the token or which one matched.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from ..config import Settings
from .errors import ApiError, error_response

Endpoint = Callable[[Request], Awaitable[Response]]
CHALLENGE = 'Bearer realm="pressroom"'


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Tokens:
    def __init__(self, tokens: tuple[str, ...]) -> None:
        self._digests = tuple(_digest(t) for t in tokens if t)

    @property
    def on(self) -> bool:
        return bool(self._digests)

    def ok(self, authorization: str | None) -> bool:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False
        given = _digest(token.strip())
        ok = False
        for d in self._digests:
            ok |= hmac.compare_digest(given, d)
        return ok


def off() -> ApiError:
    return ApiError("not_found", message="No such endpoint.")


def unauthorized() -> Response:
    r = ApiError("unauthorized")
    resp = error_response(r.status, r.code, r.message)
    resp.headers["WWW-Authenticate"] = CHALLENGE
    return resp


def guarded(settings: Settings, endpoint: Endpoint) -> Endpoint:
    """`endpoint` behind the token (404 when the API is off, 401 without a valid token)."""
    tokens = Tokens(settings.api_tokens)

    async def guard(request: Request) -> Response:
        if not tokens.on:
            raise off()
        if not tokens.ok(request.headers.get("authorization")):
            return unauthorized()
        return await endpoint(request)

    guard.__name__ = endpoint.__name__  # the route's name (the OpenAPI operationId)
    return guard
