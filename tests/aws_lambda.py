"""Invoke Lambda handlers the way AWS does, against moto's server.

`drain()` plays Lambda's SQS event source mapping: ReceiveMessage, build the SQS event in
the exact shape Lambda delivers, call the handler, delete the messages it did not report in
`batchItemFailures`, and leave the failed ones on the queue (their visibility is reset to 0,
so tests need not wait out the timeout; SQS's redrive to the DLQ still counts receives).
Event fixtures in tests/events/ are the full shapes AWS sends (`sam local generate-event`).
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

EVENTS = Path(__file__).parent / "events"
REGION = "us-east-1"


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


@dataclass
class LambdaContext:
    """The attributes of the runtime's context object that Powertools reads."""

    function_name: str = "pressroom-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:pressroom-test"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/pressroom-test"
    log_stream_name: str = "2026/11/23/[$LATEST]0123456789abcdef"
    remaining_ms: int = 900_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def s3_put_event(
    bucket: str, key: str, size: int, request_id: str = "EXAMPLE123456789"
) -> dict[str, Any]:
    """tests/events/s3_put.json as `sam local generate-event s3 put --bucket --key` fills it."""
    event = load_event("s3_put.json")
    record = event["Records"][0]
    record["s3"]["bucket"]["name"] = bucket
    record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
    record["s3"]["object"]["key"] = quote_plus(key, safe="")  # S3 URL-encodes keys
    record["s3"]["object"]["size"] = size
    record["responseElements"]["x-amz-request-id"] = request_id
    return event


def sqs_event_of(bodies: list[str], template: str = "sqs_s3_put.json") -> dict[str, Any]:
    """An SQS event (full shape, from the fixture) carrying these message bodies."""
    base = load_event(template)["Records"][0]
    records = []
    for body in bodies:
        record = copy.deepcopy(base)
        record["messageId"] = str(uuid.uuid4())
        record["body"] = body
        records.append(record)
    return {"Records": records}


def queue_arn(sqs: Any, queue_url: str) -> str:
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    return attrs["Attributes"]["QueueArn"]


def _lambda_record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    attributes = {
        name: {
            "stringValue": value.get("StringValue"),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value["DataType"],
        }
        for name, value in message.get("MessageAttributes", {}).items()
    }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": attributes,
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }


def receive_event(sqs: Any, queue_url: str, batch_size: int = 10) -> dict[str, Any]:
    """One ReceiveMessage as the SQS event Lambda would be invoked with (maybe empty)."""
    response = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=batch_size,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
        WaitTimeSeconds=0,
    )
    arn = queue_arn(sqs, queue_url)
    return {"Records": [_lambda_record(m, arn) for m in response.get("Messages", [])]}


def invoke_once(
    sqs: Any, queue_url: str, handler: Callable[[dict[str, Any], Any], Any], batch_size: int = 10
) -> tuple[dict[str, Any], Any] | None:
    """One poll of the event source mapping: (event, response), or None if the queue is empty.

    The response is the handler's return value, or the exception it raised (then every
    message of the batch failed).
    """
    event = receive_event(sqs, queue_url, batch_size)
    if not event["Records"]:
        return None
    try:
        response = handler(event, LambdaContext())
    except Exception as error:  # the whole batch failed: every message comes back
        response = error
        failed = {r["messageId"] for r in event["Records"]}
    else:
        failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])}
    for record in event["Records"]:
        if record["messageId"] in failed:
            sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
            )
        else:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
    return event, response


def drain(
    sqs: Any,
    queue_url: str,
    handler: Callable[[dict[str, Any], Any], Any],
    batch_size: int = 10,
    max_batches: int = 20,
) -> list[tuple[dict[str, Any], Any]]:
    """Feed the queue to the handler until it is empty; returns (event, response) per batch."""
    calls = []
    for _ in range(max_batches):
        call = invoke_once(sqs, queue_url, handler, batch_size)
        if call is None:
            return calls
        calls.append(call)
    raise AssertionError(f"queue {queue_url} not drained after {max_batches} batches")


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects among captured stdout lines (Powertools logs and EMF metrics)."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


def emf_metrics(lines: list[dict[str, Any]]) -> list[tuple[str, Any, dict[str, str]]]:
    """(metric name, value, dimensions) for every metric in the EMF blobs among `lines`."""
    found = []
    for blob in lines:
        aws = blob.get("_aws")
        if not aws:
            continue
        for directive in aws["CloudWatchMetrics"]:
            dims = {d: blob[d] for group in directive["Dimensions"] for d in group}
            for metric in directive["Metrics"]:
                found.append((metric["Name"], blob[metric["Name"]], dims))
    return found


@dataclass
class Stack:
    """The deploy/template.yaml resources, made on moto, and the environment the functions
    get from the template."""

    endpoint: str
    s3: Any
    sqs: Any
    ddb: Any
    prefix: str = "pressroom-test"
    uploads: str = "pressroom-test-uploads"
    media: str = "pressroom-test-media"
    prints: str = "pressroom-test-print"
    upload_queue: str = ""
    upload_dlq: str = ""
    print_queue: str = ""
    print_dlq: str = ""
    max_receives: int = 2

    def environment(self) -> dict[str, str]:
        return {
            "PRESSROOM_STORAGE": f"s3://{self.media}",
            "PRESSROOM_PRINT_STORAGE": f"s3://{self.prints}",
            "PRESSROOM_CATALOGUE": f"dynamodb://{self.prefix}",
            "PRESSROOM_S3_ENDPOINT": self.endpoint,
            "PRESSROOM_AWS_ENDPOINT": self.endpoint,
            "PRESSROOM_PRINT_QUEUE_URL": self.print_queue,
            "PRESSROOM_PRINT_MAX_RECEIVES": str(self.max_receives),
            "POWERTOOLS_METRICS_NAMESPACE": "Pressroom",
        }


def make_stack(endpoint: str, max_receives: int = 2) -> Stack:
    import boto3

    from pressroom.catalogue.dynamodb import create_tables

    stack = Stack(
        endpoint,
        s3=boto3.client("s3", endpoint_url=endpoint),
        sqs=boto3.client("sqs", endpoint_url=endpoint),
        ddb=boto3.client("dynamodb", endpoint_url=endpoint),
        max_receives=max_receives,
    )
    for bucket in (stack.uploads, stack.media, stack.prints):
        stack.s3.create_bucket(Bucket=bucket)
    for name in ("upload", "print"):
        dlq = stack.sqs.create_queue(QueueName=f"{stack.prefix}-{name}-dlq")["QueueUrl"]
        redrive = {
            "deadLetterTargetArn": queue_arn(stack.sqs, dlq),
            "maxReceiveCount": max_receives,
        }
        queue = stack.sqs.create_queue(
            QueueName=f"{stack.prefix}-{name}",
            Attributes={"RedrivePolicy": json.dumps(redrive), "VisibilityTimeout": "30"},
        )["QueueUrl"]
        setattr(stack, f"{name}_queue", queue)
        setattr(stack, f"{name}_dlq", dlq)
    stack.s3.put_bucket_notification_configuration(
        Bucket=stack.uploads,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn(stack.sqs, stack.upload_queue),
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}},
                }
            ]
        },
    )
    create_tables(stack.prefix, stack.ddb)
    return stack


def queue_depth(sqs: Any, queue_url: str) -> int:
    attrs = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


class Output:
    """What the handlers wrote: Powertools log lines and EMF metric blobs, as JSON objects."""

    def __init__(self, capfd: Any) -> None:
        import io

        from pressroom.aws._common import logger

        self.capfd = capfd
        self.logs = io.StringIO()
        # The Logger's handler holds the sys.stdout of import time, which pytest's capture
        # fixtures do not see: point it at a buffer for the test.
        self.handler = logger.registered_handler
        self.previous = self.handler.setStream(self.logs)

    def close(self) -> None:
        self.handler.setStream(self.previous)

    def lines(self) -> list[dict[str, Any]]:
        return json_lines(self.logs.getvalue()) + json_lines(self.capfd.readouterr().out)

    def logged(self, message: str) -> list[dict[str, Any]]:
        return [line for line in json_lines(self.logs.getvalue()) if line.get("message") == message]

    def metrics(self) -> list[tuple[str, Any, dict[str, str]]]:
        return emf_metrics(json_lines(self.capfd.readouterr().out))
