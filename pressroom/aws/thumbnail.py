"""Lambda entry for the thumbnail API: `pressroom.aws.thumbnail.handler`.

The same ASGI app as `pressroom serve`, through Mangum, answers API Gateway REST (v1) and
Lambda function URL (v2) events; binary bodies go out base64 with `isBase64Encoded`.
Lambda's synchronous response limit is 6 MB after base64, so results over MAX_BODY bytes
(4.5 MB raw) are answered with a 302 to the cached result under /{result prefix}/...
(CloudFront serves that path straight from the bucket; see the README).

Importing this module is cheap: the app, pyvips and boto3 load on the first invocation
(or at init, when the function calls `warm()` from its init code).
"""

from __future__ import annotations

from typing import Any

MAX_BODY = 4_500_000  # 4.5 MB raw = 6 MB base64, Lambda's response payload limit

_adapter: Any = None


def build(settings: Any = None, store: Any = None, catalogue: Any = None) -> Any:
    """A Mangum adapter around the app, from PRESSROOM_* settings unless given."""
    from mangum import Mangum

    from ..api.app import create_app
    from ..config import Settings

    settings = settings or Settings.from_env()
    if store is None:
        from ..storage import open_store

        store = open_store(settings)
    if catalogue is None:
        from ..catalogue import open_catalogue

        catalogue = open_catalogue(settings)
    app = create_app(settings, store, catalogue, max_body=MAX_BODY)
    # lifespan off: the app needs no start-up hook, and Mangum would run one per invocation.
    return Mangum(app, lifespan="off", text_mime_types=["application/json", "text/"])


def warm() -> None:
    global _adapter
    if _adapter is None:
        _adapter = build()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    warm()
    return _adapter(event, context)


def reset() -> None:
    """Forget the adapter (tests change the settings between cases)."""
    global _adapter
    _adapter = None
