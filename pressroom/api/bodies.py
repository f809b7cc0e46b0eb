"""JSON in and out for the app API: bodies read with a size limit, checked for the fields an
endpoint takes (unknown ones refused, as the design document refuses them), errors with a
reason code and a public message that names the caller's own field."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .errors import ApiError

MAX_BODY = 4 * 1024 * 1024  # a 1,000-page design is ~0.5 MB of JSON
NO_STORE = {"Cache-Control": "no-store"}


async def json_body(request: Request, limit: int = MAX_BODY) -> Any:
    """The request's JSON value: 413 body_too_large, 400 bad_json."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError("body_too_large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError("body_too_large")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except ValueError as e:
        raise ApiError("bad_json", message=f"The request body is not valid JSON: {e}.") from None


def fields(body: Any, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    """`body` as an object with every required field and no other than the optional ones."""
    if not isinstance(body, dict):
        raise ApiError("bad_request", message="The request body must be a JSON object.")
    required, optional = list(required), list(optional)
    missing = [k for k in required if k not in body]
    if missing:
        raise ApiError("bad_request", message=f"The request needs the field {missing[0]!r}.")
    unknown = sorted(k for k in body if k not in required and k not in optional)
    if unknown:
        raise ApiError("bad_request", message=f"Unknown field {unknown[0][:40]!r}.")
    return body


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(value, ensure_ascii=False).encode()
    return Response(
        body,
        status_code=status,
        media_type="application/json",
        headers={**NO_STORE, **(headers or {})},
    )


def error_with(exc: ApiError, **extra: Any) -> Response:
    """An error answer that carries more than the message (a check's findings)."""
    body = {"status": exc.status, "code": exc.code, "message": exc.message, **extra}
    return json_response(body, exc.status)
