"""What every Lambda handler shares: Powertools Logger and Metrics, and one container.

Logs are JSON lines (Powertools Logger) and every line carries the correlation id of the
work in hand: the S3 request id of an upload, the id a print job was submitted with, the
HTTP request id of a thumbnail request, the EventBridge event id of a scheduled run. We
pass it on in every message we send (SQS message attribute `correlation_id`), so one id
follows a photo or a book through every hop (Yubl's practice).

Metrics are CloudWatch EMF log lines (Powertools Metrics), flushed when a handler returns:
no PutMetricData calls, no latency, no IAM permission.

Traces go to X-Ray (Powertools Tracer; the template sets `Tracing: Active`): `traced(handler)`
wraps a handler in `capture_lambda_handler` on its first invocation, because importing
aws_xray_sdk pulls botocore (~250 ms) that INIT need not pay; botocore calls (S3, DynamoDB,
SQS, SSM) become subsegments. Responses are never captured: a thumbnail is megabytes, an
X-Ray document 64 KB at most.

Importing this module costs Powertools only (~50 ms). Settings, boto3 clients, stores and
catalogues are built on first use and kept for the life of the container (warm invocations
reuse them); `reset()` drops them (tests change the environment between cases).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

    from pressroom.catalogue.base import Catalogue
    from pressroom.config import Settings
    from pressroom.printjobs import BookRenderer, JobStore
    from pressroom.storage.base import BlobStore

SERVICE = "pressroom"
NAMESPACE = "Pressroom"
CORRELATION_ATTRIBUTE = "correlation_id"

# POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, POWERTOOLS_METRICS_NAMESPACE override these.
logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

__all__ = [
    "CORRELATION_ATTRIBUTE",
    "Container",
    "MetricUnit",
    "container",
    "count",
    "logger",
    "measure",
    "metrics",
    "reset",
    "traced",
    "tracer",
]

F = TypeVar("F", bound=Callable[..., Any])
_tracer: Tracer | None = None


def tracer() -> Tracer:
    """The process's Tracer (disabled outside Lambda, or by POWERTOOLS_TRACE_DISABLED)."""
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools import Tracer

        # botocore only: patch_all would also wrap sqlite3, httplib and requests.
        _tracer = Tracer(service=SERVICE, patch_modules=("botocore",))
    return _tracer


def traced(handler: F) -> F:
    """`handler` inside tracer().capture_lambda_handler, built on its first call."""
    wrapped: list[Callable[..., Any]] = []

    @functools.wraps(handler)
    def run(event: Any, context: Any) -> Any:
        if not wrapped:
            try:
                wrapped.append(tracer().capture_lambda_handler(handler, capture_response=False))
            except ImportError as exc:  # aws-xray-sdk absent from the image: run untraced
                logger.warning("tracing off: %s", exc)
                wrapped.append(handler)
        return wrapped[0](event, context)

    return run  # type: ignore[return-value]


def count(
    name: str, value: float = 1, unit: MetricUnit = MetricUnit.Count, **dimensions: str
) -> None:
    """Add a metric to this invocation's EMF blob; with dimensions, emit it on its own.

    Dimensions such as a rejection reason belong to one metric only, while Powertools applies
    dimensions to the whole blob, hence single_metric for those.
    """
    if not dimensions:
        metrics.add_metric(name=name, unit=unit, value=value)
        return
    with single_metric(name=name, unit=unit, value=value, namespace=NAMESPACE) as metric:
        metric.add_dimension(name="service", value=SERVICE)
        for key, val in dimensions.items():
            metric.add_dimension(name=key, value=val)


def measure(name: str, milliseconds: float) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=round(milliseconds, 1))


def s3_client(endpoint_url: str | None) -> Any:
    import boto3
    from botocore.config import Config

    # S3 look-alikes (moto, SeaweedFS) serve path-style URLs only.
    config = Config(s3={"addressing_style": "path"}) if endpoint_url else None
    return boto3.client("s3", endpoint_url=endpoint_url, config=config)


class Container:
    """Everything a handler needs, each piece built on first use, once per container."""

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings

    @functools.cached_property
    def settings(self) -> Settings:
        from pressroom.config import Settings

        return self._settings or Settings.from_env()

    @functools.cached_property
    def store(self) -> BlobStore:
        """Masters, proxies and the thumbnail result cache."""
        from pressroom.storage import open_store

        return open_store(self.settings)

    @functools.cached_property
    def print_store(self) -> BlobStore:
        from dataclasses import replace

        from pressroom.storage import open_store

        if not self.settings.print_storage:
            return self.store
        return open_store(replace(self.settings, storage=self.settings.print_storage))

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        from pressroom.catalogue import open_catalogue

        return open_catalogue(self.settings)

    @functools.cached_property
    def jobs(self) -> JobStore:
        from pressroom.printjobs import open_jobs

        return open_jobs(self.settings)

    @functools.cached_property
    def s3(self) -> Any:
        """A raw S3 client (reading uploads, listing with dates for the cleanup)."""
        return s3_client(self.settings.s3_endpoint)

    @functools.cached_property
    def sqs(self) -> Any:
        import boto3

        return boto3.client("sqs", endpoint_url=self.settings.aws_endpoint)

    @functools.cached_property
    def tagger(self) -> Any:
        """The photo tagger (faces, quality, colours...), or None where it is not installed."""
        try:
            from pressroom.tags import make_tagger
        except ImportError:  # pragma: no cover - the image always ships it
            logger.warning("pressroom.tags unavailable: photos are ingested without tags")
            return None
        return make_tagger()

    @functools.cached_property
    def renderer(self) -> BookRenderer:
        """The book renderer: book layout + masters -> print PDFs (pressroom.render.print)."""
        from pressroom.books.printjob import render_print_files

        return render_print_files

    @functools.cached_property
    def ingestor(self) -> Any:
        # pyvips loads here, on the first upload, not when the handler module is imported.
        from pressroom.ingest.service import Ingestor

        return Ingestor(self.store, self.catalogue, self.settings, tagger=self.tagger)

    @functools.cached_property
    def backfiller(self) -> Any:
        """Re-tag / re-master over the same ingestor (pressroom.ingest.backfill)."""
        from pressroom.ingest.backfill import Backfiller

        return Backfiller(self.ingestor)


_container: Container | None = None


def container() -> Container:
    global _container
    if _container is None:
        _container = Container()
    return _container


def reset(new: Container | None = None) -> None:
    """Forget the container (or install `new`): the next use rebuilds from the environment."""
    global _container
    _container = new
