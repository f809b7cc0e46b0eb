"""Print jobs for the app: an order's design becomes a recorded print job, once.

    POST /v1/print-jobs       {"order_id", "design"} -> 202 the new job (200 when the order
                              already has a job of the same design; 409 another design)
    GET  /v1/print-jobs/{id}  state, attempts, files, preflight, reason

The design is checked first: one that cannot print (schema, product, photos, crops, ppi
under the minimum, ...) is answered 422 invalid_design with the findings, and no job is
made. Otherwise the job is recorded `queued` in the job store (its id is the order id, its
payload the design, exactly as `pressroom print` and the AWS print handler record it), the
design is stored for page previews, and the job is handed on:

- AWS (PRESSROOM_PRINT_QUEUE_URL set): the SQS message the print handler takes,
  `{"order_id", "design"}` (or `{"job_id"}` when the design is over SQS's 256 KB);
- locally: a background thread of this server renders it (`books.printjob.deliver`: the
  queue's attempts, then `ready` or `failed` with a reason). A job left `queued` by a server
  that stopped is rendered by sending the same order again, or by `pressroom print
  DESIGN.json --order ORDER`.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..catalogue.base import Catalogue
from ..catalogue.books import book_id_for
from ..config import Settings
from ..ids import ID_RULE, is_id
from ..printjobs import PrintJob
from ..storage.base import BlobStore
from .bodies import error_with, fields, json_body, json_response
from .designs import DesignEndpoints, DesignStore
from .errors import ApiError

log = logging.getLogger(__name__)

SQS_LIMIT = 256 * 1024 - 4096  # SQS's message limit, less room for the attributes
CORRELATION_ATTRIBUTE = "correlation_id"  # what pressroom.aws.print reads (aws._common)


def view(job: PrintJob) -> dict[str, Any]:
    """A job as the app sees it: no internals beyond what the order's owner may know."""
    r = job.result or {}
    return {
        "id": job.id,
        "order_id": job.id,
        "state": job.state,
        "attempts": job.attempts,
        "reason": job.reason,
        "message": job.message,
        "design": book_id_for(job.book) if job.book else None,
        "book_id": r.get("book_id"),
        "pages": r.get("pages"),
        "files": list(r.get("files") or []),
        "preflight": r.get("preflight"),
        "created_at": job.created_at,
        "updated_at": job.updated_at,
    }


class LocalQueue:
    """Renders jobs one at a time on a background thread of this process."""

    def __init__(self, settings: Settings, store: BlobStore, catalogue: Catalogue) -> None:
        self.settings, self.store, self.catalogue = settings, store, catalogue
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="print")
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._run: Any = None

    def _print_run(self) -> Any:
        from ..books.printjob import PrintRun
        from ..printjobs import open_jobs
        from ..storage import open_store

        if self._run is None:
            s = self.settings
            prints = (
                open_store(replace(s, storage=s.print_storage)) if s.print_storage else self.store
            )
            self._run = PrintRun(
                open_jobs(s),
                self.store,
                prints,
                self.catalogue,
                lease=s.print_lease,
                max_receives=s.print_max_receives,
            )
        return self._run

    def send(self, order_id: str, design: dict[str, Any], correlation_id: str) -> None:
        with self._lock:
            if order_id in self._pending:
                return
            self._pending.add(order_id)
        self._pool.submit(self._deliver, order_id)

    def _deliver(self, order_id: str) -> None:
        from ..books.printjob import deliver

        try:
            deliver(self._print_run(), order_id)
        except Exception:  # noqa: BLE001 - recorded on the job where it could be
            log.exception("print job %s failed", order_id)
        finally:
            with self._lock:
                self._pending.discard(order_id)


class SqsQueue:
    """The print queue on AWS: the message pressroom.aws.print's handler takes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Any = None

    def send(self, order_id: str, design: dict[str, Any], correlation_id: str) -> None:
        import boto3

        if self._client is None:
            self._client = boto3.client("sqs", endpoint_url=self.settings.aws_endpoint)
        body = json.dumps({"order_id": order_id, "design": design}, separators=(",", ":"))
        if len(body.encode()) > SQS_LIMIT:  # the job is recorded: its id is enough
            body = json.dumps({"job_id": order_id})
        self._client.send_message(
            QueueUrl=self.settings.print_queue_url,
            MessageBody=body,
            MessageAttributes={
                CORRELATION_ATTRIBUTE: {"DataType": "String", "StringValue": correlation_id}
            },
        )


class PrintJobEndpoints:
    def __init__(
        self,
        settings: Settings,
        store: BlobStore,
        catalogue: Catalogue,
        designs: DesignStore,
        checker: DesignEndpoints,
    ) -> None:
        self.settings = settings
        self.designs = designs
        self.checker = checker
        self.queue: LocalQueue | SqsQueue = (
            SqsQueue(settings)
            if settings.print_queue_url
            else LocalQueue(settings, store, catalogue)
        )
        self._jobs: Any = None

    def jobs(self) -> Any:
        from ..printjobs import open_jobs

        if self._jobs is None:
            self._jobs = open_jobs(self.settings)
        return self._jobs

    async def submit(self, request: Request) -> Response:
        body = fields(await json_body(request), ["order_id", "design"])
        order, design = body["order_id"], body["design"]
        if not isinstance(order, str) or not is_id(order):
            raise ApiError("bad_request", message=f"order_id must be an id ({ID_RULE}).")
        if not isinstance(design, dict):
            raise ApiError("bad_request", message="design must be a design document (an object).")
        h = book_id_for(design)
        existing = await run_in_threadpool(self.jobs().get, order)
        if existing is not None:
            return await self._again(existing, h)
        _, findings = await self.checker.check_doc(design)
        if findings["status"] == "fail":
            return error_with(ApiError("invalid_design"), findings=findings["findings"])
        await run_in_threadpool(self.designs.put, design)
        correlation = request.headers.get("x-request-id") or order
        job, created = await run_in_threadpool(self.jobs().create, order, design, correlation)
        if not created:  # another request recorded it first
            return await self._again(job, h)
        await self._send(job)
        location = f"{request.scope.get('root_path', '')}/v1/print-jobs/{order}"
        return json_response(view(job), 202, {"Location": location})

    async def _again(self, job: PrintJob, h: str) -> Response:
        """The same order once more: its job as it is, or 409 for another design."""
        if not job.book or book_id_for(job.book) != h:
            raise ApiError("order_conflict")
        if job.state == "queued" and job.attempts == 0:
            # Never started: its message may have been lost (a queue that refused it). A
            # second message is harmless: deliveries of a started or final job change nothing.
            await self._send(job)
        return json_response(view(job))

    async def _send(self, job: PrintJob) -> None:
        try:
            await run_in_threadpool(self.queue.send, job.id, job.book, job.correlation_id or job.id)
        except Exception:  # noqa: BLE001 - the job stays queued; the same order resends it
            log.exception("print job %s could not be queued", job.id)
            raise ApiError("queue_unavailable") from None

    async def get(self, request: Request) -> Response:
        job_id = request.path_params["job_id"]
        job = await run_in_threadpool(self.jobs().get, job_id) if is_id(job_id) else None
        if job is None:
            raise ApiError("job_not_found")
        return json_response(view(job))
