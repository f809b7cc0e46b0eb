"""The upload Lambda end to end on moto's server: S3 put -> SQS (moto delivers the bucket
notification itself) -> handler -> DynamoDB record + master in S3. Real boto3 over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pyvips

from pressroom.aws import _common, upload
from pressroom.aws.upload import photo_id_from_key
from tests.aws_lambda import (
    LambdaContext,
    Output,
    Stack,
    drain,
    load_event,
    make_stack,
    queue_depth,
    s3_put_event,
    sqs_event_of,
)
from tests.aws_server import moto_endpoint  # noqa: F401


@pytest.fixture
def output(capfd: pytest.CaptureFixture[str]):
    out = Output(capfd)
    yield out
    out.close()


@pytest.fixture
def stack(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    s = make_stack(moto_endpoint)
    for name, value in s.environment().items():
        monkeypatch.setenv(name, value)
    _common.reset()
    yield s
    _common.reset()


def upload_file(stack: Stack, path: Path, key: str) -> None:
    stack.s3.put_object(Bucket=stack.uploads, Key=key, Body=path.read_bytes())


def master_of(stack: Stack, key: str) -> pyvips.Image:
    body = stack.s3.get_object(Bucket=stack.media, Key=key)["Body"].read()
    return pyvips.Image.new_from_buffer(body, "")


def test_photo_id_from_key() -> None:
    assert photo_id_from_key("uploads/abc123") == "abc123"
    assert photo_id_from_key("uploads/user-7/Ph_0t0-9.jpeg") == "Ph_0t0-9"
    assert photo_id_from_key("uploads/u/abc+d.jpg") is None  # not an id we hand out
    assert photo_id_from_key("other/abc.jpg") is None
    assert photo_id_from_key("uploads/u/" + "x" * 65) is None


def test_upload_to_uploaded_record_with_tags_and_master(
    stack: Stack, corpus: Path, output: Output
) -> None:
    catalogue = _common.container().catalogue
    catalogue.announce("obama01", {"user": "u 1"})
    # EXIF orientation 6: stored 1200x1800, upright 1800x1200 (a landscape).
    upload_file(stack, corpus / "orientation/Landscape_6.jpg", "uploads/u 1/rot6.jpg")
    upload_file(stack, corpus / "people/obama_portrait.jpg", "uploads/u 1/obama01.jpg")
    catalogue.announce("rot6")

    calls = drain(stack.sqs, stack.upload_queue, upload.handler)
    # moto sent its s3:TestEvent first when the notification was configured; skipped cleanly.
    bodies = [json.loads(r["body"]) for event, _ in calls for r in event["Records"]]
    assert any(b.get("Event") == "s3:TestEvent" for b in bodies)
    assert all(response == {"batchItemFailures": []} for _, response in calls)
    assert queue_depth(stack.sqs, stack.upload_queue) == 0

    rec = catalogue.get("obama01")
    assert rec.state == "uploaded"
    assert rec.data["user"] == "u 1"  # announced data kept
    assert rec.data["source_name"] == "obama01.jpg"
    faces = rec.data["tags"]["faces"]
    # the face's box at upload; its vector waits for the first grouping (tags.embed)
    assert len(faces) == 1 and len(faces[0]["box"]) == 4 and "embedding" not in faces[0]
    master = master_of(stack, rec.data["master"])
    assert (master.width, master.height) == (rec.data["width"], rec.data["height"])

    rot = catalogue.get("rot6")
    assert rot.state == "uploaded" and (rot.data["width"], rot.data["height"]) == (1800, 1200)
    img = master_of(stack, "masters/rot6.jpg")
    assert (img.width, img.height) == (1800, 1200)
    assert stack.s3.head_object(Bucket=stack.media, Key="proxies/rot6.jpg")

    metrics = output.metrics()
    accepted = [v for name, v, _ in metrics if name == "PhotosAccepted"]
    assert accepted == [[1.0, 1.0]]  # one EMF blob per invocation, one value per photo
    assert any(name == "IngestMs" for name, _, _ in metrics)
    ingested = output.logged("photo ingested")
    assert {line["photo_id"] for line in ingested} == {"obama01", "rot6"}
    # moto's notifications carry no request id: the SQS message id correlates instead.
    assert all(line["correlation_id"] for line in ingested)


def test_replayed_event_changes_nothing_and_uploads_nothing(stack: Stack, corpus: Path) -> None:
    upload_file(stack, corpus / "orientation/Landscape_3.jpg", "uploads/p42.jpg")
    first = drain(stack.sqs, stack.upload_queue, upload.handler)
    catalogue = _common.container().catalogue
    before = catalogue.get("p42")
    assert before.state == "uploaded"
    notification = next(
        r["body"] for event, _ in first for r in event["Records"] if "Records" in r["body"]
    )
    # If the replay wrote anything, the master would be back.
    stack.s3.delete_object(Bucket=stack.media, Key="masters/p42.jpg")
    for _ in range(2):  # S3 delivers at least once: the same notification again, twice
        stack.sqs.send_message(QueueUrl=stack.upload_queue, MessageBody=notification)
    calls = drain(stack.sqs, stack.upload_queue, upload.handler)
    assert all(response == {"batchItemFailures": []} for _, response in calls)
    after = catalogue.get("p42")
    assert after == before
    listed = stack.s3.list_objects_v2(Bucket=stack.media, Prefix="masters/")
    assert listed.get("KeyCount", 0) == 0


def test_corrupt_upload_is_rejected_with_reason(stack: Stack, corpus: Path, output: Output) -> None:
    catalogue = _common.container().catalogue
    catalogue.announce("broken1")
    upload_file(stack, corpus / "invalid/truncated_jpeg.jpg", "uploads/u9/broken1.jpg")
    calls = drain(stack.sqs, stack.upload_queue, upload.handler)
    assert all(response == {"batchItemFailures": []} for _, response in calls)
    rec = catalogue.get("broken1")
    assert rec.state == "rejected" and rec.reason == "truncated"
    assert rec.message == "The image file is incomplete (cut off before its end)."
    assert "master" not in rec.data
    assert not stack.s3.list_objects_v2(Bucket=stack.media).get("Contents")
    metrics = output.metrics()
    assert ("PhotosRejected", [1.0], {"service": "pressroom", "reason": "truncated"}) in metrics


def test_poisoned_message_fails_alone_then_goes_to_dlq(stack: Stack, corpus: Path) -> None:
    upload_file(stack, corpus / "orientation/Landscape_1.jpg", "uploads/good1.jpg")
    stack.sqs.send_message(QueueUrl=stack.upload_queue, MessageBody="{not json")
    # An event for an object that does not exist: reading it fails every time.
    ghost = s3_put_event(stack.uploads, "uploads/ghost1.jpg", 1000)
    stack.sqs.send_message(QueueUrl=stack.upload_queue, MessageBody=json.dumps(ghost))

    calls = drain(stack.sqs, stack.upload_queue, upload.handler)
    bad = {"{not json", json.dumps(ghost)}
    first_event, first_response = calls[0]
    poison_ids = {r["messageId"] for r in first_event["Records"] if r["body"] in bad}
    assert len(poison_ids) == 2 and len(first_event["Records"]) == 4  # + good1 + test event
    # The batch succeeded: only the two bad messages are reported, the others deleted.
    assert {f["itemIdentifier"] for f in first_response["batchItemFailures"]} == poison_ids
    # Received again, alone they fail the whole batch (Powertools raises when all fail).
    assert [type(resp).__name__ for _, resp in calls[1:]] == ["BatchProcessingError"]
    assert _common.container().catalogue.get("good1").state == "uploaded"
    # After maxReceiveCount receives SQS moved both to the DLQ.
    dead = stack.sqs.receive_message(QueueUrl=stack.upload_dlq, MaxNumberOfMessages=10)
    assert sorted(m["Body"][:9] for m in dead["Messages"]) == ['{"Records', "{not json"]


def test_full_shape_s3_event_fixture(stack: Stack, corpus: Path, output: Output) -> None:
    """tests/events/sqs_s3_put.json (SQS record wrapping `sam local generate-event s3 put`)."""
    key = "uploads/user 7/fixture1.jpg"  # a space: S3 sends "user+7", decoded back here
    data = (corpus / "orientation/Portrait_0.jpg").read_bytes()
    stack.s3.put_object(Bucket=stack.uploads, Key=key, Body=data)
    s3_event = s3_put_event(stack.uploads, key, len(data), request_id="REQ-S3-0042")
    assert s3_event["Records"][0]["s3"]["object"]["key"] == "uploads%2Fuser+7%2Ffixture1.jpg"
    event = sqs_event_of([json.dumps(s3_event)])
    assert upload.handler(event, LambdaContext()) == {"batchItemFailures": []}
    rec = _common.container().catalogue.get("fixture1")
    assert rec.state == "uploaded" and rec.data["source_name"] == "fixture1.jpg"
    ingested = output.logged("photo ingested")
    assert ingested[0]["correlation_id"] == "REQ-S3-0042"
    assert ingested[0]["key"] == key and ingested[0]["function_name"] == "pressroom-test"


def test_test_event_and_oversize_from_the_notification(stack: Stack) -> None:
    test_event = load_event("sqs_s3_test_event.json")
    assert upload.handler(test_event, LambdaContext()) == {"batchItemFailures": []}

    # 60 MB by the notification: refused without reading (the object is not even there).
    big = s3_put_event(stack.uploads, "uploads/huge1.jpg", 60 * 1024 * 1024)
    assert upload.handler(sqs_event_of([json.dumps(big)]), LambdaContext()) == {
        "batchItemFailures": []
    }
    rec = _common.container().catalogue.get("huge1")
    assert (rec.state, rec.reason) == ("rejected", "too_large")
    assert rec.data["bytes"] == 60 * 1024 * 1024
