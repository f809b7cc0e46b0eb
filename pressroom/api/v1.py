"""The app API's routes, mounted by api/app.py beside the thumbnails (same Starlette app, same
error contract, same signing and caching):

    POST /v1/designs, /v1/designs/check, /v1/designs/store; GET /v1/designs/{hash}
    POST /v1/print-jobs; GET /v1/print-jobs/{id}
    GET  /{signature}/page/{options}/{design hash}/{page}     live page previews
    GET  /openapi.json

/v1/ needs a bearer token (api/auth.py); page URLs are signed like thumbnail URLs. All of it
answers 404 unless PRESSROOM_API_TOKENS is set. The thumbnail app hands in its own signature
check, ETag comparison and Cache-Control, so previews are signed and cached exactly as
thumbnails (this module cannot import app.py, which imports it).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..catalogue.base import Catalogue
from ..config import Settings
from ..storage.base import BlobStore
from .auth import guarded, off
from .bodies import json_response
from .designs import DesignEndpoints, DesignStore
from .openapi import document
from .pages import PagePreviews
from .print_jobs import PrintJobEndpoints


def app_routes(
    settings: Settings,
    store: BlobStore,
    catalogue: Catalogue,
    *,
    check_signature: Callable[[Settings, str, str], None],
    etag_matches: Callable[[str | None, str], bool],
    cache_control: str,
) -> list[BaseRoute]:
    """The routes, to put before the thumbnail catch-all."""
    designs = DesignStore(store)
    d = DesignEndpoints(settings, catalogue, designs)
    jobs = PrintJobEndpoints(settings, store, catalogue, designs, d)
    pages = PagePreviews(
        settings, store, catalogue, designs,
        check_signature=check_signature, etag_matches=etag_matches, cache_control=cache_control,
    )  # fmt: skip
    on = bool(settings.api_tokens)
    g = partial(guarded, settings)

    async def openapi(request: Request) -> Response:
        if not on:
            raise off()
        return json_response(document(), headers={"Cache-Control": "public, max-age=300"})

    async def page_preview(request: Request) -> Response:
        if not on:
            raise off()
        return await pages.page(request)

    return [
        Route("/openapi.json", openapi, methods=["GET"], name="openapi"),
        Route("/v1/designs", g(d.create), methods=["POST"], name="create_design"),
        Route("/v1/designs/check", g(d.check), methods=["POST"], name="check_design"),
        Route("/v1/designs/store", g(d.store), methods=["POST"], name="store_design"),
        Route("/v1/designs/{design_hash}", g(d.get), methods=["GET"], name="get_design"),
        Route("/v1/print-jobs", g(jobs.submit), methods=["POST"], name="submit_print_job"),
        Route("/v1/print-jobs/{job_id}", g(jobs.get), methods=["GET"], name="get_print_job"),
        Route("/{signature}/page/{path:path}", page_preview, methods=["GET"], name="page_preview"),
    ]
