"""Lambda entry for the thumbnail API: `pressroom.aws.thumbnail.handler`.

The same ASGI app as `pressroom serve` (the thumbnail API, with the console beside it at
/console when PRESSROOM_CONSOLE_TOKEN is set), through Mangum, answers API Gateway REST (v1) and
Lambda function URL (v2) events; binary bodies go out base64 with `isBase64Encoded`.
Lambda's synchronous response limit is 6 MB after base64, so results over MAX_BODY bytes
(4.5 MB raw) are answered with a 302 to the cached result under /{result prefix}/...
(CloudFront serves that path straight from the bucket; see the README).

Every invocation logs with the HTTP request id as correlation id and counts
ThumbnailsRendered / ThumbnailCacheHits (EMF) from the app's X-Cache answer.

Importing this module is cheap: the app, Powertools, pyvips and boto3 load on the first
invocation (or at init, when the function calls `warm()` from its init code).

Secrets (signing keys of every URL dialect, the console token) named by
PRESSROOM_*_PARAM are read through pressroom.aws.params on every invocation: a Powertools
cache hit until max_age, then one SSM / Secrets Manager read. When a value has changed (a
rotation) the app is rebuilt around the same store and catalogue, so the new keys verify
without a redeploy or a cold start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mangum import Mangum

    from ..catalogue.base import Catalogue
    from ..config import Settings
    from ..storage.base import BlobStore
    from .params import Parameters

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

MAX_BODY = 4_500_000  # 4.5 MB raw = 6 MB base64, Lambda's response payload limit

_adapter: Mangum | None = None
_handle: Handler | None = None
# Built once per container: the environment's settings, the backends, the parameter reader;
# _current is what the adapter was built with (the environment + the parameters' values).
_env: Settings | None = None
_backends: tuple[BlobStore, Catalogue] | None = None
_parameters: Parameters | None = None
_current: Settings | None = None


def build(
    settings: Settings | None = None,
    store: BlobStore | None = None,
    catalogue: Catalogue | None = None,
) -> Mangum:
    """A Mangum adapter around the app, from PRESSROOM_* settings unless given."""
    from mangum import Mangum

    from ..api.app import create_app
    from ..config import Settings
    from ..console import with_console

    settings = settings or Settings.from_env()
    if store is None:
        from ..storage import open_store

        store = open_store(settings)
    if catalogue is None:
        from ..catalogue import open_catalogue

        catalogue = open_catalogue(settings)
    api = create_app(settings, store, catalogue, max_body=MAX_BODY)
    app = with_console(api, settings, store, catalogue)
    # lifespan off: the app needs no start-up hook, and Mangum would run one per invocation.
    # starlette's ASGIApp returns an Awaitable; Mangum's ASGI protocol asks for a Coroutine.
    return Mangum(app, lifespan="off", text_mime_types=["application/json", "text/"])  # type: ignore[arg-type]


def _instrumented(adapter: Mangum) -> Handler:
    from aws_lambda_powertools.logging import correlation_paths

    from ._common import count, logger, metrics, traced

    @traced
    @metrics.log_metrics
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        response = adapter(event, context)
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        for k, v in (response.get("multiValueHeaders") or {}).items():  # REST v1 shape
            headers[k.lower()] = v[0]
        outcome = headers.get("x-cache")
        if outcome == "hit":
            count("ThumbnailCacheHits")
        elif outcome in ("render", "shared"):
            count("ThumbnailsRendered")
        logger.info("thumbnail", extra={"status": response.get("statusCode"), "cache": outcome})
        return response

    return handle


def warm() -> None:
    """Build the app on the first call; rebuild it when a secret's parameter has changed."""
    global _adapter, _handle, _env, _backends, _parameters, _current
    if _env is None or _backends is None:
        from ..catalogue import open_catalogue
        from ..config import Settings
        from ..storage import open_store
        from .params import Parameters, named

        env = Settings.from_env()
        _backends = (open_store(env), open_catalogue(env))
        _parameters = Parameters(env.aws_endpoint) if named(env) else None
        _env = env
    current = _parameters.resolve(_env) if _parameters is not None else _env
    if _adapter is None or current != _current:
        if _adapter is not None:
            from ._common import logger

            logger.info("secrets changed: thumbnail app rebuilt with the new values")
        _adapter = build(current, *_backends)
        _handle = _instrumented(_adapter)
        _current = current


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    warm()
    assert _handle is not None
    return _handle(event, context)


def reset() -> None:
    """Forget the adapter (tests change the settings between cases)."""
    global _adapter, _handle, _env, _backends, _parameters, _current
    _adapter = _handle = None
    _env = _backends = _parameters = _current = None
