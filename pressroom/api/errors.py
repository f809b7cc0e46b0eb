"""API errors: JSON {status, code, message} with a public message; never cached for long."""

from __future__ import annotations

import json

from starlette.responses import Response

# status -> Cache-Control. Bad requests are never cached; a missing photo may appear soon.
ERROR_CACHE = {
    400: "no-store",
    403: "no-store",
    404: "public, max-age=60",
    422: "public, max-age=60",
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str) -> Response:
    body = json.dumps({"status": status, "code": code, "message": message})
    return Response(
        body,
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": ERROR_CACHE.get(status, "no-store")},
    )
