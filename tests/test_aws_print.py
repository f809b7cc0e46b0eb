"""The print Lambda on moto's server: a job is an order whose payload is a design document
(pressroom.designs); its photos are catalogue records (DynamoDB) with masters in S3. Job record
queued -> rendering -> ready/failed, print files in S3, the book in the book store, retries
through SQS, the DLQ after maxReceiveCount, idempotent replays."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pressroom.aws import _common
from pressroom.aws import print as print_lambda
from tests.aws_lambda import (
    LambdaContext,
    Output,
    Stack,
    drain,
    invoke_once,
    load_event,
    make_stack,
    queue_depth,
)
from tests.aws_server import moto_endpoint  # noqa: F401
from tests.system_tools import require

PHOTOS = (("land1", "Landscape_1.jpg"), ("land2", "Landscape_2.jpg"))


def book(*photo_ids: str) -> dict[str, Any]:
    """A design document as the app would submit it: 6x4 prints, one photo a page, each
    cropped as auto-design would (no crop given)."""
    return {
        "version": 1,
        "product": "print-6x4",
        "title": "Test prints",
        "pages": [{"layout": "print-full", "slots": [{"photo": p}]} for p in photo_ids],
    }


def stock(store: Any, catalogue: Any, settings: Any, corpus: Path) -> None:
    """The photos `book` names, ingested the real way (catalogue record + master), with the
    ids land1 and land2 (as `pressroom ingest --id` sets them)."""
    from pressroom.ingest.service import Ingestor

    ingestor = Ingestor(store, catalogue, settings, tagger=None)
    for photo_id, name in PHOTOS:
        path = corpus / "orientation" / name
        assert ingestor.ingest_path(path, photo_id).state == "uploaded"


def stock_stack(corpus: Path) -> None:
    c = _common.container()
    stock(c.store, c.catalogue, c.settings, corpus)


@pytest.fixture
def output(capfd: pytest.CaptureFixture[str]):
    out = Output(capfd)
    yield out
    out.close()


@pytest.fixture
def stack(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, corpus: Path):  # noqa: F811
    s = make_stack(moto_endpoint, max_receives=2)
    for name, value in s.environment().items():
        monkeypatch.setenv(name, value)
    _common.reset()
    stock_stack(corpus)
    yield s
    _common.reset()


def pdfinfo(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "book.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        [require("pdfinfo"), "-box", str(path)], capture_output=True, text=True, check=True
    )
    return dict(line.split(":", 1) for line in text.stdout.splitlines() if ":" in line)


def test_print_job_end_to_end(stack: Stack, output: Output, tmp_path: Path) -> None:
    job = print_lambda.submit(book("land1", "land2"), job_id="book1", correlation_id="c-77")
    assert job.state == "queued"
    calls = drain(stack.sqs, stack.print_queue, print_lambda.handler)
    assert [resp for _, resp in calls] == [{"batchItemFailures": []}]
    # The correlation id travelled as a message attribute.
    record = calls[0][0]["Records"][0]
    assert record["messageAttributes"]["correlation_id"]["stringValue"] == "c-77"

    job = _common.container().jobs.get("book1")
    assert job.state == "ready" and job.attempts == 1 and job.reason is None
    assert job.result["files"] == ["print/book1/interior.pdf"] and job.result["pages"] == 2
    # 1800 px across 158 mm (frame + bleed) is 289 ppi: under the 300 ppi target, over the
    # minimum. Check and preflight both say so, and it prints.
    assert job.result["preflight"] == {"interior": "warn"} and job.result["check"] == "warn"
    # The job's book is in the book store under its design's id, with the design itself.
    from pressroom.catalogue.books import book_id_for

    assert job.result["book_id"] == book_id_for(book("land1", "land2"))
    stored = f"books/{job.result['book_id']}/design.json"
    body = stack.s3.get_object(Bucket=stack.media, Key=stored)["Body"].read()
    assert json.loads(body) == book("land1", "land2")
    obj = stack.s3.get_object(Bucket=stack.prints, Key="print/book1/interior.pdf")
    assert obj["ContentType"] == "application/pdf"
    info = pdfinfo(obj["Body"].read(), tmp_path)
    assert info["Pages"].strip() == "2"
    x0, y0, x1, y1 = map(float, info["TrimBox"].split())
    assert (round(x1 - x0), round(y1 - y0)) == (432, 288)  # 6 x 4 in trim
    x0, y0, x1, y1 = map(float, info["MediaBox"].split())
    assert (round(x1 - x0), round(y1 - y0)) == (449, 305)  # + 3 mm bleed each side
    assert "PDF/X-4" in info["    Abbreviation"]

    metrics = output.metrics()
    assert ("PagesRendered", [2.0], {"service": "pressroom"}) in metrics
    assert any(name == "PrintSeconds" for name, _, _ in metrics)
    ready = output.logged("print job ready")
    assert ready[0]["correlation_id"] == "c-77" and ready[0]["job_id"] == "book1"

    # Replays (duplicate submit, redelivered message) change nothing.
    assert print_lambda.submit(book(), job_id="book1").state == "ready"
    assert queue_depth(stack.sqs, stack.print_queue) == 0
    stack.sqs.send_message(QueueUrl=stack.print_queue, MessageBody='{"job_id": "book1"}')
    drain(stack.sqs, stack.print_queue, print_lambda.handler)
    assert _common.container().jobs.get("book1") == job


def test_unprintable_design_fails_at_once(stack: Stack) -> None:
    print_lambda.submit(book("land1", "gone"), job_id="book2")
    stack.s3.delete_object(Bucket=stack.media, Key="masters/land1.jpg")
    print_lambda.submit(book("land1"), job_id="book2b")
    calls = drain(stack.sqs, stack.print_queue, print_lambda.handler)
    assert [resp for _, resp in calls] == [{"batchItemFailures": []}]  # not retried
    jobs = _common.container().jobs
    job = jobs.get("book2")
    assert (job.state, job.reason, job.attempts) == ("failed", "invalid_design", 1)
    assert job.message == "page 2, slot 1: photo_unknown: no photo has the id gone"
    job = jobs.get("book2b")  # the record is there, its master is not
    assert (job.state, job.reason, job.attempts) == ("failed", "missing_photo", 1)
    assert job.message == "A photo of the book is not available."
    assert queue_depth(stack.sqs, stack.print_dlq) == 0
    assert not stack.s3.list_objects_v2(Bucket=stack.prints).get("Contents")


def test_crashing_render_is_retried_then_failed_and_dead_lettered(stack: Stack) -> None:
    # A master that cannot be decoded: the renderer raises, which may be transient.
    stack.s3.put_object(Bucket=stack.media, Key="masters/land1.jpg", Body=b"\xff\xd8garbage")
    print_lambda.submit(book("land1"), job_id="book3")
    jobs = _common.container().jobs

    event, response = invoke_once(stack.sqs, stack.print_queue, print_lambda.handler)
    assert response.__class__.__name__ == "BatchProcessingError"  # its only message failed
    job = jobs.get("book3")
    assert (job.state, job.reason, job.attempts) == ("queued", "render_error", 1)

    drain(stack.sqs, stack.print_queue, print_lambda.handler)
    job = jobs.get("book3")
    assert (job.state, job.reason, job.attempts) == ("failed", "render_error", 2)
    dead = stack.sqs.receive_message(QueueUrl=stack.print_dlq, MaxNumberOfMessages=10)
    assert [json.loads(m["Body"]) for m in dead["Messages"]] == [{"job_id": "book3"}]
    assert not stack.s3.list_objects_v2(Bucket=stack.prints).get("Contents")


def test_message_for_a_leased_job_comes_back_later(stack: Stack) -> None:
    print_lambda.submit(book("land1"), job_id="book4")
    jobs = _common.container().jobs
    jobs.start("book4", lease_seconds=600)  # another worker is on it
    event, response = invoke_once(stack.sqs, stack.print_queue, print_lambda.handler)
    assert response.__class__.__name__ == "BatchProcessingError"
    assert jobs.get("book4").state == "rendering" and jobs.get("book4").attempts == 1
    assert queue_depth(stack.sqs, stack.print_queue) == 1  # kept for a later delivery


def test_full_shape_print_event_and_unknown_job(stack: Stack, output: Output) -> None:
    """tests/events/sqs_print_job.json: correlation id from the message attribute."""
    _common.container().jobs.create("book-0001", book("land2"))
    event = load_event("sqs_print_job.json")
    assert print_lambda.handler(event, LambdaContext()) == {"batchItemFailures": []}
    assert _common.container().jobs.get("book-0001").state == "ready"
    assert output.logged("print job ready")[0]["correlation_id"] == "req-7f3c2a"

    event["Records"][0]["body"] = '{"job_id": "never-submitted"}'
    assert print_lambda.handler(event, LambdaContext()) == {"batchItemFailures": []}
    assert output.logged("unknown print job, message dropped")


def test_message_carrying_the_design_records_the_order(stack: Stack) -> None:
    """The app's message `{"order_id", "design"}`: the job is recorded from it (idempotent on
    the order id) and rendered in the same delivery."""
    body = json.dumps({"order_id": "order-9", "design": book("land2")})
    stack.sqs.send_message(QueueUrl=stack.print_queue, MessageBody=body)
    stack.sqs.send_message(QueueUrl=stack.print_queue, MessageBody=body)  # sent twice
    bad = {"order_id": "order-10", "design": "not a design"}
    stack.sqs.send_message(QueueUrl=stack.print_queue, MessageBody=json.dumps(bad))
    for junk in ("not json", '{"order_id": "../etc"}', "{}"):
        stack.sqs.send_message(QueueUrl=stack.print_queue, MessageBody=junk)
    calls = drain(stack.sqs, stack.print_queue, print_lambda.handler)
    assert all(resp == {"batchItemFailures": []} for _, resp in calls)
    jobs = _common.container().jobs
    job = jobs.get("order-9")
    assert (job.state, job.attempts, job.book) == ("ready", 1, book("land2"))
    assert job.result["files"] == ["print/order-9/interior.pdf"]
    job = jobs.get("order-10")
    assert (job.state, job.reason, job.book) == ("failed", "invalid_design", {})
    assert {j.id for j in jobs.list()} == {"order-9", "order-10"}  # the junk recorded nothing
    assert queue_depth(stack.sqs, stack.print_queue) == 0
    assert queue_depth(stack.sqs, stack.print_dlq) == 0
