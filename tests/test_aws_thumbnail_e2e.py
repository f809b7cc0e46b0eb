"""Upload Lambda then thumbnail Lambda on the same moto-backed stack: the master the upload
wrote to S3 is served through an API Gateway REST event and a function-URL event (the
full shapes in tests/events/)."""

from __future__ import annotations

import base64
import copy
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from pressroom.aws import _common, thumbnail, upload
from pressroom.render.signature import signed_path
from tests.aws_lambda import LambdaContext, Stack, drain, load_event, make_stack
from tests.aws_server import moto_endpoint  # noqa: F401

KEY = bytes.fromhex("5ec2e7" * 8)


@pytest.fixture
def stack(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, corpus: Path):  # noqa: F811
    s = make_stack(moto_endpoint)
    for name, value in s.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PRESSROOM_SIGNING_KEY", KEY.hex())
    _common.reset()
    thumbnail.reset()
    data = (corpus / "orientation/Landscape_6.jpg").read_bytes()  # upright 1800x1200
    s.s3.put_object(Bucket=s.uploads, Key="uploads/u1/thumbme1.jpg", Body=data)
    drain(s.sqs, s.upload_queue, upload.handler)
    assert _common.container().catalogue.get("thumbme1").state == "uploaded"
    yield s
    _common.reset()
    thumbnail.reset()


def with_path(event: dict[str, Any], path: str) -> dict[str, Any]:
    event = copy.deepcopy(event)
    if "rawPath" in event:  # function URL (payload 2.0)
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
    else:  # API Gateway REST proxy (payload 1.0)
        event["path"] = path
        event["pathParameters"] = {"proxy": path.lstrip("/")}
        event["requestContext"]["path"] = "/prod" + path
    return event


@pytest.mark.parametrize(
    ("fixture", "accept", "content_type"),
    [
        ("apigw_rest_thumbnail.json", None, "image/avif"),  # the fixture's browser Accept
        ("function_url_thumbnail.json", "image/webp,*/*", "image/webp"),
        ("function_url_thumbnail.json", "image/jpeg", "image/jpeg"),
    ],
)
def test_thumbnail_of_an_uploaded_photo(
    stack: Stack, fixture: str, accept: str | None, content_type: str
) -> None:
    event = with_path(load_event(fixture), signed_path("/w:200/h:200/fit:cover/thumbme1", KEY))
    if accept is not None:
        headers = event["headers"]
        for name in [n for n in headers if n.lower() == "accept"]:
            del headers[name]
        headers["accept"] = accept
        event.get("multiValueHeaders", {}).pop("Accept", None)
    response = thumbnail.handler(event, LambdaContext())
    assert response["statusCode"] == 200, response
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["content-type"] == content_type
    assert response["isBase64Encoded"] is True
    body = base64.b64decode(response["body"])
    if content_type != "image/avif":  # Pillow here reads JPEG and WebP
        assert Image.open(io.BytesIO(body)).size == (200, 200)
    else:
        assert body[4:12] == b"ftypavif"


def test_bad_signature_is_refused(stack: Stack) -> None:
    event = with_path(load_event("function_url_thumbnail.json"), "/AAAA/w:200/thumbme1")
    response = thumbnail.handler(event, LambdaContext())
    assert response["statusCode"] == 403
