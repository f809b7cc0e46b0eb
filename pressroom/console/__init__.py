"""The customer-success console: server-rendered pages under /console/ of the thumbnail API.

    Photos   a grid (signed thumbnails) filtered by state and reason; a photo's master with
             its face boxes, metadata, tags and, for a rejected upload, why in plain words
    Books    a designed book's pages as spreads, each photo's effective ppi, preflight warnings
             on the page they concern (books are read from the blob store: catalogue/books.py)
    Jobs     print jobs, newest first, with their states and failure reasons

Off unless PRESSROOM_CONSOLE_TOKEN is set; every URL then needs that token (login form,
session cookie, or `Authorization: Bearer`). Importing this package loads nothing heavy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from ..catalogue.base import Catalogue
    from ..config import Settings
    from ..storage.base import BlobStore

__all__ = ["console_routes", "create_console", "local_hint"]


def create_console(
    settings: Settings, store: BlobStore, catalogue: Catalogue, jobs: Any = None
) -> ASGIApp:
    """The console as an ASGI app (mount it at /console). jobs: a JobStore (default: the one
    beside the settings' catalogue, opened on first use)."""
    from .app import create_console as _create

    return _create(settings, store, catalogue, jobs)


def console_routes(settings: Settings, store: BlobStore, catalogue: Catalogue) -> list[Any]:
    """Routes to put in the API app before its catch-all: none unless a token is configured."""
    if not settings.console_token:
        return []
    from starlette.routing import Mount, Route

    app = create_console(settings, store, catalogue)

    class Home:
        """/console itself: the overview, behind the same gate (no open redirect to follow)."""

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            root = scope.get("root_path", "")
            scope = {**scope, "root_path": root + "/console", "path": scope["path"] + "/"}
            await app(scope, receive, send)

    return [Route("/console", Home()), Mount("/console", app)]


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
