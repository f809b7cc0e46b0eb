"""The customer-success console: server-rendered pages under /console/, beside the thumbnail API.

    Photos   a grid (signed thumbnails) filtered by state and reason; a photo's master with
             its face boxes, metadata, tags and, for a rejected upload, why in plain words
    Books    a designed book's pages as spreads, each photo's effective ppi, preflight warnings
             on the page they concern (books are read from the blob store: catalogue/books.py)
    Jobs     print jobs, newest first, with their states and failure reasons

Off unless PRESSROOM_CONSOLE_TOKEN is set; every URL then needs that token (login form,
session cookie, or `Authorization: Bearer`). Importing this package loads nothing heavy.

The hosts (`pressroom serve`, the thumbnail Lambda) compose it with the thumbnail API:
`with_console(api, settings, store, catalogue)`; neither app imports the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from ..catalogue.base import Catalogue
    from ..config import Settings
    from ..printjobs import JobStore
    from ..storage.base import BlobStore

__all__ = ["PREFIX", "create_console", "local_hint", "with_console"]

PREFIX = "/console"


def create_console(
    settings: Settings, store: BlobStore, catalogue: Catalogue, jobs: JobStore | None = None
) -> ASGIApp:
    """The console as an ASGI app, to mount at /console (it reads its prefix from the scope's
    root_path). jobs: a JobStore (default: the one beside the settings' catalogue, opened on
    first use). Raises ValueError when no console token is configured."""
    from .app import create_console as _create

    return _create(settings, store, catalogue, jobs)


def with_console(
    app: ASGIApp,
    settings: Settings,
    store: BlobStore,
    catalogue: Catalogue,
    jobs: JobStore | None = None,
) -> ASGIApp:
    """`app` (the thumbnail API) with the console answering /console and /console/...; `app`
    itself when no console token is set (then those paths are the API's, as any other)."""
    if not settings.console_token:
        return app
    return _Beside(app, create_console(settings, store, catalogue, jobs))


class _Beside:
    """Sends /console and /console/... to the console (with root_path set to where it is
    mounted; /console itself is its overview, behind the same gate) and the rest to `app`."""

    def __init__(self, app: ASGIApp, console: ASGIApp) -> None:
        self.app = app
        self.console = console

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            root, path = scope.get("root_path", ""), scope["path"]
            route = path[len(root):] if path.startswith(root) else path
            if route == PREFIX or route.startswith(PREFIX + "/"):
                # Starlette's Mount convention: path stays whole, root_path names the mount
                # point, app_root_path the outer app's (where the thumbnail URLs live).
                if route == PREFIX:
                    path += "/"
                scope = {**scope, "path": path, "root_path": root + PREFIX,
                         "app_root_path": scope.get("app_root_path", root)}
                await self.console(scope, receive, send)
                return
        await self.app(scope, receive, send)


def local_hint(
    settings: Settings, book_id: str | None = None, port: int = 8080, program: str = "pressroom"
) -> str:
    """Where to see a book in the console on this machine, and how to start it (make demo)."""
    url = f"http://127.0.0.1:{port}/console/" + (f"books/{book_id}" if book_id else "")
    env = [] if settings.console_token else ["PRESSROOM_CONSOLE_TOKEN=demo"]
    if not settings.signing_keys and not settings.allow_unsigned:
        env.append("PRESSROOM_ALLOW_UNSIGNED=1")  # thumbnails for 127.0.0.1 only
    command = " ".join([*env, f"{program} serve --port {port} --data {settings.data_dir}"])
    token = "your PRESSROOM_CONSOLE_TOKEN" if settings.console_token else "demo"
    return f"console   {url}\n          (run `{command}`, then sign in with the token {token})"
