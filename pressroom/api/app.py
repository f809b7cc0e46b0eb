"""The thumbnail API, one ASGI app for `pressroom serve` (uvicorn) and Lambda (Mangum).

    GET /{signature}/{option}/.../{photo id}   a thumbnail (see render/options.py)
    GET /{result prefix}/{photo id}/{name}     a cached result (target of oversize redirects)
    GET /imgproxy/..., /thumbor/..., /dit/...  other servers' URLs (api/dialects; prefixes are
                                               settings), same engine, cache and ETags
    GET /health

The hosts (commands/serve.py, aws/thumbnail.py) put the console beside it
(`pressroom.console.with_console`); this app knows nothing of the console.
Importing this module loads Starlette only; `create_app` loads the engine (pyvips).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..catalogue.base import Catalogue
from ..config import Settings
from ..formats import content_type
from ..render import options as options_mod
from ..render.negotiate import choose_format
from ..render.options import ThumbOptions
from ..render.signature import UNSIGNED, verify
from ..storage.base import BlobStore
from .dialects import DialectRequest, Source
from .dialects import dit as dit_dialect
from .dialects import imgproxy as imgproxy_dialect
from .dialects import thumbor as thumbor_dialect
from .errors import ApiError, error_response, response_for
from .thumbnails import Thumbnails
from .v1 import app_routes

log = logging.getLogger(__name__)

IMMUTABLE = "public, max-age=31536000, immutable"
REDIRECT_CACHE = "public, max-age=3600"  # the result may be pruned later; re-ask hourly


def create_app(
    settings: Settings,
    store: BlobStore,
    catalogue: Catalogue,
    *,
    max_body: int | None = None,
) -> Starlette:
    """`max_body`: larger results are answered with a redirect to the cached result
    (Lambda's 6 MB response limit); None = no limit."""
    import pressroom.render.thumbnail  # noqa: F401  (load pyvips now, not on the first request)

    presets = options_mod.parse_presets(settings.thumb_presets)
    thumbs = Thumbnails(settings, store, catalogue)
    prefix = settings.result_prefix

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})

    async def cached_result(request: Request) -> Response:
        p = request.path_params
        data, content_type = await thumbs.result(p["photo_id"], p["name"])
        etag = '"' + p["name"].split(".")[0] + '"'
        headers = {"Cache-Control": IMMUTABLE, "ETag": etag}
        if _etag_matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        return Response(data, media_type=content_type, headers=headers)

    async def thumbnail(request: Request) -> Response:
        segments = request.path_params["path"].split("/")
        if len(segments) < 3 or not all(segments):
            raise ApiError("not_found", message="Use /{signature}/{options}/{photo id}.")
        signature, opts_segments, photo_id = segments[0], segments[1:-1], segments[-1]
        _check_signature(settings, signature, "/" + "/".join(segments[1:]))
        try:
            opts = options_mod.parse(opts_segments, presets, settings.thumb_sizes)
        except options_mod.BadOptions as exc:
            raise ApiError("bad_options", message=str(exc)) from None  # names their input
        return await answer(request, photo_id, lambda src: opts)

    async def answer(
        request: Request,
        photo_id: str,
        options: Callable[[Source], ThumbOptions],
        *,
        check_sizes: bool = False,
    ) -> Response:
        """The one way to a thumbnail, whatever URL asked: options may depend on the photo."""
        photo = await thumbs.photo(photo_id)
        thumbs.check_limits(photo)
        with _bad_options():
            opts = options(Source(photo.width, photo.height, photo.alpha))
            if check_sizes:
                options_mod.check_sizes(opts, settings.thumb_sizes)
        if opts.expires is not None and opts.expires < time.time():
            raise ApiError("expired")
        fmt = choose_format(opts.format, request.headers.get("accept"), photo.alpha)
        headers = {"Cache-Control": IMMUTABLE}
        if opts.format == "auto":
            headers["Vary"] = "Accept"
        key, digest = thumbs.key(photo, opts, fmt)
        headers["ETag"] = f'"{digest}"'
        if _etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
            return Response(status_code=304, headers=headers)
        result = await thumbs.get(photo, opts, fmt)
        headers["X-Cache"] = result.source
        if max_body is not None and len(result.data) > max_body:
            location = f"{request.scope.get('root_path', '')}/{key}"
            headers["Cache-Control"] = REDIRECT_CACHE
            return RedirectResponse(location, status_code=302, headers=headers)
        return Response(result.data, media_type=content_type(fmt), headers=headers)

    def dialect(
        mount: str, parse: Callable[[str, Request], DialectRequest]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            with _bad_options():
                req = parse(_raw_rest(request, mount), request)
            return await answer(request, req.photo_id, req.options, check_sizes=not req.signed)

        return endpoint

    dialects = [
        (settings.imgproxy_prefix, lambda p, r: imgproxy_dialect.parse(p, settings)),
        (settings.thumbor_prefix, lambda p, r: thumbor_dialect.parse(p, settings)),
        (settings.dit_prefix, lambda p, r: dit_dialect.parse(p, dict(r.query_params), settings)),
    ]

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return response_for(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("thumbnail request failed: %s", request.url.path)
        return response_for(ApiError("internal"))

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route(f"/{prefix}/{{photo_id}}/{{name}}", cached_result, methods=["GET"]),
            *(
                Route(f"{mount.rstrip('/')}/{{path:path}}", dialect(mount, parse), methods=["GET"])
                for mount, parse in dialects
                if mount.strip("/")
            ),
            # The app API (/v1/..., page previews, /openapi.json): off unless a token is set.
            *app_routes(
                settings,
                store,
                catalogue,
                check_signature=_check_signature,
                etag_matches=_etag_matches,
                cache_control=IMMUTABLE,
            ),
            Route("/{path:path}", thumbnail, methods=["GET"]),
        ],
        exception_handlers={
            ApiError: api_error,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.thumbnails = thumbs
    return app


def _check_signature(settings: Settings, signature: str, path: str) -> None:
    if signature in UNSIGNED:
        if settings.allow_unsigned:
            return
        raise ApiError("unsigned")
    if not settings.signing_keys or not verify(signature, path, settings.signing_keys):
        raise ApiError("bad_signature")


def _raw_rest(request: Request, mount: str) -> str:
    """The path after the dialect's prefix as the client sent it (still percent-encoded):
    signatures are computed over those bytes."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else request.url.path
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    mount = mount.rstrip("/")
    return path[len(mount) :] if path.startswith(mount) else "/" + request.path_params["path"]


@contextmanager
def _bad_options() -> Iterator[None]:
    """Option errors as API errors whose public message names the caller's own input."""
    try:
        yield
    except options_mod.Unsupported as exc:
        raise ApiError("unsupported_option", message=str(exc)) from None
    except options_mod.BadOptions as exc:
        raise ApiError("bad_options", message=str(exc)) from None


def _etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match uses weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(t.strip().removeprefix("W/") == etag for t in header.split(","))
