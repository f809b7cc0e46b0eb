"""The console's routes (Starlette, server-rendered), behind the token gate.

    /                    overview: photos, books and print jobs by state
    /photos              grid, ?state=missing|uploaded|rejected &reason=CODE, ?id=PHOTO to open
    /photos/{id}         the master with face boxes, metadata, tags, look-alikes, or the verdict
    /books               designed books (catalogue/books.py), newest first
    /books/{id}          spreads with per-photo ppi and preflight findings on their page
    /books/{id}/pages/{name}.jpg   a page preview
    /jobs                print jobs, newest first, ?state=queued|rendering|ready|failed
    /jobs/{id}           one job: state, attempts, failure reason in plain words, result

Handlers are plain functions (Starlette runs them on its thread pool), since the catalogue,
job store and blob store are blocking clients.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from ..catalogue.base import STATES, Catalogue
from ..catalogue.books import book_id_for, list_books, load_book, read_page
from ..catalogue.books import key as book_key
from ..config import Settings
from ..ids import is_id
from ..photos import PhotoFacts
from ..printjobs import JOB_STATES
from ..render.signature import signed_path
from ..storage.base import BlobNotFound, BlobStore
from .auth import TokenGate
from .books import book_view, first_photo
from .designs import DesignView, design_view
from .pages import StaticFile, render, static_files
from .photos import (
    GRID_LIMIT,
    Lookalikes,
    card,
    colours,
    counts,
    display_name,
    faces,
    facts,
    find_photos,
    summary,
    tag_rows,
)
from .words import job_reason, state, upload_codes

if TYPE_CHECKING:
    from ..printjobs import JobStore

log = logging.getLogger(__name__)

BOOK_BADGE_MM = 22.0  # width of the "300 ppi" label drawn on a page, in page millimetres
JOB_LIMIT = 200


class Console:
    def __init__(
        self,
        settings: Settings,
        store: BlobStore,
        catalogue: Catalogue,
        jobs: JobStore | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.catalogue = catalogue
        self._jobs = jobs
        self._jobs_lock = threading.Lock()
        self.lookalikes = Lookalikes(catalogue)
        key = settings.signing_keys[0] if settings.signing_keys else None
        self._key = key
        self.thumbs_on = key is not None or settings.allow_unsigned

    # -- helpers ------------------------------------------------------------------------------

    def jobs(self) -> JobStore:
        with self._jobs_lock:
            if self._jobs is None:
                from ..printjobs import open_jobs

                self._jobs = open_jobs(self.settings)
            return self._jobs

    def page(
        self, request: Request, template: str, /, http_status: int = 200, **context: Any
    ) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        app_root: str = request.scope.get("app_root_path", "")

        def thumb(photo_id: str, options: str) -> str:
            # The signed thumbnail API of the app the console is mounted in.
            return app_root + signed_path(f"/{options}/{quote(photo_id, safe='')}", self._key)

        html = render(template, root=root, thumb=thumb, thumbs_on=self.thumbs_on, signed_in=True,
                      **context)
        return HTMLResponse(html, status_code=http_status)

    # -- pages --------------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        job_counts: dict[str, int] | None = None
        try:
            job_counts = {s: 0 for s in JOB_STATES}
            for job in self.jobs().list(limit=1000):
                job_counts[job.state] = job_counts.get(job.state, 0) + 1
        except Exception:  # noqa: BLE001 - the overview still shows photos and books
            log.exception("console: print jobs unavailable")
            job_counts = None
        return self.page(
            request, "home.html", title="Overview", section="",
            photo_counts=counts(self.catalogue),
            books=list_books(self.store, limit=5),
            job_counts=job_counts,
        )

    def photo_grid(self, request: Request) -> Response:
        q = request.query_params
        find = q.get("id", "").strip()
        root = request.scope.get("root_path", "")
        found = None
        if find:  # an id, the start of one, or part of the original file name
            exact = self.catalogue.get(find) if is_id(find) else None
            found = [exact] if exact is not None else find_photos(self.catalogue, find)
            if len(found) == 1:
                return RedirectResponse(f"{root}/photos/{quote(found[0].id, safe='')}",
                                        status_code=303)  # fmt: skip
        wanted, reason = q.get("state", ""), q.get("reason", "")
        notices = []
        if found:
            notices.append(f"{len(found)} photos match “{find}” (id or file name).")
        elif find:
            notices.append(f"No photo has an id starting with “{find}” or a file name "
                           "containing it.")  # fmt: skip
        if wanted and wanted not in STATES:
            notices.append(f"“{wanted}” is not a photo state; showing every state.")
            wanted = ""
        upload_reasons = upload_codes()
        if reason and reason not in upload_reasons:
            notices.append(f"“{reason}” is not a rejection reason; showing every reason.")
            reason = ""
        by_state = counts(self.catalogue)
        tabs = [("", "All", sum(by_state.values()))] + [
            (s, state(s).capitalize(), by_state[s]) for s in STATES
        ]
        records = found or self.catalogue.list(wanted or None, reason or None, limit=GRID_LIMIT)  # type: ignore[arg-type]
        return self.page(
            request, "photos.html", title="Photos", section="photos",
            cards=[card(r) for r in records], tabs=tabs, states=STATES,
            reasons=upload_reasons, state=wanted, reason=reason, find=find,
            notices=notices, limit=GRID_LIMIT,
        )

    def photo(self, request: Request) -> Response:
        rec = self.catalogue.get(request.path_params["photo_id"])
        if rec is None:
            raise HTTPException(404, "No photo has this id.")
        photo = PhotoFacts.from_record(rec)
        width, height = photo.width, photo.height
        tags = tag_rows(photo)
        return self.page(
            request, "photo.html", title=display_name(rec), section="photos",
            rec=rec, name=display_name(rec), story=summary(rec),
            width=width or 1, height=height or 1, faces=faces(photo),
            label_size=round(max(width, height, 1) * 0.03, 1),
            facts=facts(photo), tags=tags, colours=colours(photo),
            lookalikes=self._named(self.lookalikes.of(photo)) if tags else [],
            missing_days=self.settings.missing_days,
        )

    def _named(self, found: list[tuple[str, int]], limit: int = 12) -> list[tuple[str, int, str]]:
        out = []
        for pid, distance in found[:limit]:
            rec = self.catalogue.get(pid)
            out.append((pid, distance, display_name(rec) if rec else pid))
        return out

    def books(self, request: Request) -> Response:
        books = list_books(self.store)
        for b in books:  # no cover preview: the book's first photo stands for it
            if "cover" not in (b.get("previews") or []) and "thumb_photo" not in b:
                stored = load_book(self.store, str(b.get("id", "")))
                b["thumb_photo"] = first_photo(stored.layout) if stored else None
        return self.page(request, "books.html", title="Books", section="books", books=books)

    def book(self, request: Request) -> Response:
        stored = load_book(self.store, request.path_params["book_id"])
        if stored is None:
            raise HTTPException(404, "No book has this id.")
        view = book_view(stored)
        for d in view.dropped:  # a rejected upload has no picture: say so, never a broken image
            rec = self.catalogue.get(d["photo_id"]) if is_id(d["photo_id"]) else None
            d["picture"] = rec is not None and rec.state == "uploaded"
            d["rejected"] = rec is not None and rec.state == "rejected"
            d["name"] = display_name(rec) if rec is not None else d["photo_id"]
        return self.page(
            request, "book.html", title=view.title or "Book", section="books", book=view,
            badge_w=BOOK_BADGE_MM, warned_pages=sum(1 for p in view.pages if p.findings),
            design=self._design(stored.id),
        )

    def _design(self, book_id: str) -> DesignView | None:
        """The book's design document (stored beside it by `render` and print jobs) with its
        check run now; None for books made before designs."""
        from ..books.make import design_photos
        from ..designs import check

        try:
            doc = json.loads(self.store.get(book_key(book_id, "design.json")))
        except (BlobNotFound, ValueError):
            return None
        if not isinstance(doc, dict):
            return None
        photos = design_photos(self.catalogue, doc)
        _, findings = check(doc, photos)
        return design_view(doc, findings, photos)

    def book_page(self, request: Request) -> Response:
        name = request.path_params["name"]
        data = None
        if name.endswith(".jpg"):
            data = read_page(self.store, request.path_params["book_id"], name[:-4])
        if data is None:
            raise HTTPException(404, "No such page preview.")
        return Response(data, media_type="image/jpeg",
                        headers={"Cache-Control": "private, max-age=3600"})

    def job_list(self, request: Request) -> Response:
        wanted = request.query_params.get("state", "")
        notices = []
        if wanted and wanted not in JOB_STATES:
            notices.append(f"“{wanted}” is not a job state; showing every state.")
            wanted = ""
        try:
            store = self.jobs()
            only = next((s for s in JOB_STATES if s == wanted), None)  # typed as a JobState
            jobs = list(store.list(only, limit=JOB_LIMIT))
            every = jobs if not wanted else list(store.list(None, limit=JOB_LIMIT))
        except Exception as e:  # noqa: BLE001 - say so on the page
            log.exception("console: print jobs unavailable")
            return self.page(request, "jobs.html", title="Print jobs", section="jobs",
                             error=type(e).__name__)
        counts = {s: sum(j.state == s for j in every) for s in JOB_STATES}
        tabs = [("", "All", len(every))] + [
            (s, state(s).capitalize(), counts[s]) for s in JOB_STATES
        ]
        return self.page(
            request, "jobs.html", title="Print jobs", section="jobs", jobs=jobs, tabs=tabs,
            state=wanted, notices=notices, error=None,
            job_words=lambda j: job_reason(j.reason, j.message),
        )

    def job(self, request: Request) -> Response:
        job = self.jobs().get(request.path_params["job_id"])
        if job is None:
            raise HTTPException(404, "No print job has this id.")
        # The job's design, published as a book once rendered (or by `pressroom render`).
        book_id = None
        candidate = job.result.get("book_id") or (book_id_for(job.book) if job.book else None)
        if candidate and self.store.exists(book_key(str(candidate), "summary.json")):
            book_id = str(candidate)
        gone: list[str] = []
        if job.reason == "missing_photo" and job.state != "ready":
            gone = self._gone(job.book)
        return self.page(
            request, "job.html", title=f"Print job {job.id}", section="jobs", job=job,
            story=job_reason(job.reason, job.message), book_id=book_id, gone=gone,
        )

    def _gone(self, design: dict[str, Any]) -> list[str]:
        """Photos of a job's design whose master is no longer in the store (the job says only
        that one is missing; the customer needs to know which)."""
        pages = list(design.get("pages") or []) + [design.get("cover") or {}]
        ids = {str(slot.get("photo")) for pg in pages if isinstance(pg, dict)
               for slot in pg.get("slots") or [] if isinstance(slot, dict)}
        out = []
        for photo_id in ids:
            rec = self.catalogue.get(photo_id) if is_id(photo_id) else None
            master = PhotoFacts.from_record(rec).master if rec is not None else ""
            try:
                if not master or not self.store.exists(master):
                    out.append(photo_id)
            except ValueError:  # a key the store refuses is as good as missing
                out.append(photo_id)
        return sorted(out)

    def error(self, request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            status, message = exc.status_code, str(exc.detail)
        else:
            log.exception("console page failed: %s", request.url.path)
            status, message = 500, "This page could not be shown. The error has been logged."
        heading = {404: "Not found", 405: "Not allowed"}.get(status, "Something went wrong")
        return self.page(request, "error.html", http_status=status, title=heading, section="",
                         heading=heading, message=message, status=status)


def _static(file: StaticFile) -> Callable[[Request], Response]:
    def endpoint(request: Request) -> Response:
        return Response(file.data, media_type=file.media_type,
                        headers={"Cache-Control": "private, max-age=300"})

    return endpoint


def create_console(
    settings: Settings, store: BlobStore, catalogue: Catalogue, jobs: JobStore | None = None
) -> ASGIApp:
    if not settings.console_token:
        raise ValueError("the console is off: set PRESSROOM_CONSOLE_TOKEN")
    c = Console(settings, store, catalogue, jobs)
    static = static_files()
    app = Starlette(
        routes=[
            Route("/", c.home),
            Route("/photos", c.photo_grid),
            Route("/photos/{photo_id}", c.photo),
            Route("/books", c.books),
            Route("/books/{book_id}", c.book),
            Route("/books/{book_id}/pages/{name}", c.book_page),
            Route("/jobs", c.job_list),
            Route("/jobs/{job_id}", c.job),
            *(Route(f"/static/{name}", _static(f)) for name, f in static.items()),
        ],
        exception_handlers={HTTPException: c.error, Exception: c.error},
    )
    # The login page inlines the stylesheet (/static/ answers 401 before sign-in); the CSP
    # allows exactly that text by its hash, computed from the file served.
    css = static["console.css"]
    inline_css = css.data.decode()

    def login_page(root: str, wanted: str, error: str | None) -> str:
        return render("login.html", root=root, next=wanted, error=error, title="Sign in",
                      section="", signed_in=False, inline_css=inline_css)

    return TokenGate(app, settings.console_token, login_page, (css.csp_hash,))
