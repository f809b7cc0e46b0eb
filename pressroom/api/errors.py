"""API errors as HTTP: JSON {status, code, message} with a public message; never cached for
long. The error itself is the registry's `ApiError` (pressroom/reasons.toml, domain "api")."""

from __future__ import annotations

import json

from starlette.responses import Response

from ..reasons import ApiError

__all__ = ["ERROR_CACHE", "ApiError", "error_response", "response_for"]

# status -> Cache-Control. Bad requests are never cached; a missing photo may appear soon.
ERROR_CACHE = {
    400: "no-store",
    403: "no-store",
    404: "public, max-age=60",
    422: "public, max-age=60",
}


def error_response(status: int, code: str, message: str) -> Response:
    body = json.dumps({"status": status, "code": code, "message": message})
    return Response(
        body,
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": ERROR_CACHE.get(status, "no-store")},
    )


def response_for(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message)
