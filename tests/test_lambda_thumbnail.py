"""The Lambda entry `pressroom.aws.thumbnail.handler` fed the event payloads AWS sends:
API Gateway REST (v1, proxy integration) and Lambda function URL (payload v2.0)."""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pyvips

# Powertools' log handler keeps the stdout it saw first: make that the real one, not a
# capture that a finished test has closed.
import pressroom.aws._common  # noqa: F401, E402
from pressroom.aws import thumbnail
from pressroom.render.signature import signed_path
from pressroom.storage import open_store
from tests.aws_lambda import Output  # noqa: E402

from .aws_server import moto_endpoint  # noqa: F401  (a fixture, used by name)
from .thumbnail_fixtures import KEY, Library, library  # noqa: F401

CHROME_ACCEPT = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


class Context:
    """The attributes of the LambdaContext object the runtime passes."""

    function_name = "pressroom-thumbnail"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:pressroom-thumbnail"
    memory_limit_in_mb = 1769
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name = "/aws/lambda/pressroom-thumbnail"
    log_stream_name = "2026/11/23/[$LATEST]abcdef0123456789"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def rest_v1_event(path: str, accept: str, extra_headers: dict[str, str] | None = None) -> dict:
    """API Gateway REST API proxy integration event (as in the API Gateway developer guide)."""
    headers = {
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate, br",
        "CloudFront-Forwarded-Proto": "https",
        "CloudFront-Is-Desktop-Viewer": "true",
        "CloudFront-Viewer-Country": "GB",
        "Host": "abcdef1234.execute-api.eu-west-1.amazonaws.com",
        "User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15",
        "Via": "2.0 a3650115c5e21e2b5d133ce84464bea3.cloudfront.net (CloudFront)",
        "X-Amz-Cf-Id": "0nDeiXnReyHYCkv8cc150MWCFCLFPbJoTs1mexDuKe2WJwK5ANgv2A==",
        "X-Amzn-Trace-Id": "Root=1-597079de-75fec8453f6fd4812414a4cd",
        "X-Forwarded-For": "203.0.113.7, 70.132.19.83",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
        **(extra_headers or {}),
    }
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourceId": "roq9wj",
            "resourcePath": "/{proxy+}",
            "httpMethod": "GET",
            "extendedRequestId": "bfc6bL0mIAMFpjA=",
            "requestTime": "23/Nov/2026:18:57:30 +0000",
            "path": f"/prod{path}",
            "accountId": "123456789012",
            "protocol": "HTTP/1.1",
            "stage": "prod",
            "domainPrefix": "abcdef1234",
            "requestTimeEpoch": 1795460250000,
            "requestId": "b1e2fb54-6ea0-4e1f-a4a4-5c7f6c0bcfbf",
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": "203.0.113.7",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": headers["User-Agent"],
                "user": None,
            },
            "domainName": "abcdef1234.execute-api.eu-west-1.amazonaws.com",
            "apiId": "abcdef1234",
        },
        "body": None,
        "isBase64Encoded": False,
    }


def function_url_v2_event(path: str, accept: str, extra_headers: dict[str, str] | None = None):
    """Lambda function URL request payload (version 2.0, as in the Lambda developer guide)."""
    host = "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6.lambda-url.eu-west-1.on.aws"
    headers = {
        "accept": accept,
        "accept-encoding": "gzip, deflate, br",
        "host": host,
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/132.0",
        "x-amzn-trace-id": "Root=1-5eb33c07-de25b420a8e8a6f3c5d6fa9c",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        **{k.lower(): v for k, v in (extra_headers or {}).items()},
    }
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
            "domainName": host,
            "domainPrefix": "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": headers["user-agent"],
            },
            "requestId": "id-5eb33c07-de25b420a8e8a6f3c5d6fa9c",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/Nov/2026:18:57:30 +0000",
            "timeEpoch": 1795460250000,
        },
        "isBase64Encoded": False,
    }


SHAPES = {"rest_v1": rest_v1_event, "function_url_v2": function_url_v2_event}


@pytest.fixture
def env(library: Library, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # noqa: F811
    """The handler reads PRESSROOM_* like a deployed function; each test gets its own cache."""
    prefix = f"renders-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("PRESSROOM_DATA", str(library.settings.data_dir))
    monkeypatch.setenv("PRESSROOM_SIGNING_KEY", KEY.hex())
    monkeypatch.setenv("PRESSROOM_THUMB_SIZES", "*")
    monkeypatch.setenv("PRESSROOM_RESULT_PREFIX", prefix)
    thumbnail.reset()
    yield prefix
    thumbnail.reset()


def _headers(resp: dict[str, Any]) -> dict[str, str]:
    hdrs = {k.lower(): v for k, v in (resp.get("headers") or {}).items()}
    for k, v in (resp.get("multiValueHeaders") or {}).items():
        hdrs[k.lower()] = v[0]
    return hdrs


@pytest.mark.parametrize("shape", SHAPES)
def test_thumbnail_event(library: Library, env: str, shape: str) -> None:  # noqa: F811
    path = signed_path(f"/w:400/h:300/fit:cover/{library.ids['big']}", KEY)
    resp = thumbnail.handler(SHAPES[shape](path, CHROME_ACCEPT), Context())
    assert resp["statusCode"] == 200
    assert resp["isBase64Encoded"] is True
    hdrs = _headers(resp)
    assert hdrs["content-type"] == "image/avif" and hdrs["vary"] == "Accept"
    assert hdrs["cache-control"] == "public, max-age=31536000, immutable"
    img = pyvips.Image.new_from_buffer(base64.b64decode(resp["body"]), "")
    assert (img.width, img.height) == (400, 300)
    # the same request again: 304 from the ETag, then a JPEG for a client without AVIF/WebP
    again = SHAPES[shape](path, CHROME_ACCEPT, {"If-None-Match": hdrs["etag"]})
    assert thumbnail.handler(again, Context())["statusCode"] == 304
    jpeg = thumbnail.handler(SHAPES[shape](path, "*/*"), Context())
    assert _headers(jpeg)["content-type"] == "image/jpeg"
    assert base64.b64decode(jpeg["body"])[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("shape", SHAPES)
def test_errors_are_json_text(library: Library, env: str, shape: str) -> None:  # noqa: F811
    cases = [
        (signed_path(f"/w:400/dpr:50/{library.ids['big']}", KEY), 400, "bad_options"),
        (signed_path(f"/w:400/{library.ids['big']}", b"wrong"), 403, "bad_signature"),
        (signed_path("/w:400/" + "0" * 24, KEY), 404, "not_found"),
    ]
    for path, status, code in cases:
        resp = thumbnail.handler(SHAPES[shape](path, CHROME_ACCEPT), Context())
        assert resp["statusCode"] == status and resp["isBase64Encoded"] is False
        assert json.loads(resp["body"]) == {
            "status": status,
            "code": code,
            "message": json.loads(resp["body"])["message"],
        }
        assert _headers(resp)["content-type"] == "application/json"


@pytest.mark.parametrize("shape", SHAPES)
def test_oversize_result_redirects(library: Library, env: str, shape: str) -> None:  # noqa: F811
    """A 4032 px q100 JPEG is ~8 MB: over Lambda's 6 MB once base64-encoded."""
    photo = library.ids["big"]
    path = signed_path(f"/w:4032/f:jpeg/q:100/{photo}", KEY)
    resp = thumbnail.handler(SHAPES[shape](path, "*/*"), Context())
    assert resp["statusCode"] == 302
    assert not resp.get("body")
    location = _headers(resp)["location"]
    assert location.startswith(f"/{env}/{photo}/") and location.endswith(".jpg")
    cached = open_store(library.settings).get(location.lstrip("/"))
    assert len(cached) > thumbnail.MAX_BODY and cached[:3] == b"\xff\xd8\xff"
    assert pyvips.Image.new_from_buffer(cached, "").width == 4032


def test_event_shapes_are_not_mutated(library: Library, env: str) -> None:  # noqa: F811
    event = rest_v1_event(signed_path(f"/w:200/{library.ids['land1']}", KEY), "*/*")
    before = copy.deepcopy(event)
    assert thumbnail.handler(event, Context())["statusCode"] == 200
    assert event == before


def test_import_is_cheap() -> None:
    """The handler module must not pull pyvips, boto3 or Starlette in at import."""
    code = (
        "import sys, pressroom.aws.thumbnail; "
        "print(sorted(m for m in ('pyvips', 'boto3', 'starlette', 'numpy', 'mangum') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_s3_store_on_moto(
    corpus: Path, tmp_path: Path, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """Deployed shape: masters and results in S3 (moto server over HTTP), the handler
    configured only through PRESSROOM_* variables."""
    import boto3

    from pressroom.catalogue import open_catalogue
    from pressroom.config import Settings
    from pressroom.ingest.service import Ingestor

    bucket = f"thumbs-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=bucket)
    env = {
        "PRESSROOM_DATA": str(tmp_path),
        "PRESSROOM_STORAGE": f"s3://{bucket}/tenant",
        "PRESSROOM_S3_ENDPOINT": moto_endpoint,
        "PRESSROOM_SIGNING_KEY": KEY.hex(),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings = Settings.from_env()
    store = open_store(settings)
    photo = Ingestor(store, open_catalogue(settings), settings).ingest_path(
        corpus / "orientation/Portrait_6.jpg"
    )
    assert photo.verdict == "accept" and photo.id
    thumbnail.reset()
    try:
        path = signed_path(f"/w:200/h:300/fit:cover/{photo.id}", KEY)
        resp = thumbnail.handler(function_url_v2_event(path, "image/webp,*/*"), Context())
        assert resp["statusCode"] == 200 and resp["isBase64Encoded"] is True
        assert _headers(resp)["x-cache"] == "render"
        img = pyvips.Image.new_from_buffer(base64.b64decode(resp["body"]), "")
        assert (img.width, img.height) == (200, 300)
        listed = boto3.client("s3", endpoint_url=moto_endpoint).list_objects_v2(
            Bucket=bucket, Prefix=f"tenant/renders/{photo.id}/"
        )
        objects = [o["Key"] for o in listed.get("Contents", [])]
        assert len(objects) == 1 and objects[0].endswith(".webp")
        again = thumbnail.handler(rest_v1_event(path, "image/webp"), Context())
        assert _headers(again)["x-cache"] == "hit" and again["body"] == resp["body"]
    finally:
        thumbnail.reset()


@pytest.mark.parametrize("shape", SHAPES)
def test_thumbnail_logs_and_metrics(library: Library, env: str, shape: str, capfd) -> None:  # noqa: F811
    """Every invocation logs with the HTTP request id and counts renders and cache hits."""

    out = Output(capfd)
    try:
        path = signed_path(f"/w:120/h:90/fit:cover/{library.ids['big']}", KEY)
        event = SHAPES[shape](path, "*/*")
        first = thumbnail.handler(event, Context())
        metrics_first = {name for name, _, _ in out.metrics()}
        second = thumbnail.handler(event, Context())
        metrics_second = {name for name, _, _ in out.metrics()}
        logged = out.logged("thumbnail")
    finally:
        out.close()
    assert (first["statusCode"], second["statusCode"]) == (200, 200)
    assert "ThumbnailsRendered" in metrics_first and "ThumbnailCacheHits" not in metrics_first
    assert "ThumbnailCacheHits" in metrics_second
    assert [line["cache"] for line in logged] == ["render", "hit"]
    assert {line["correlation_id"] for line in logged} == {event["requestContext"]["requestId"]}
