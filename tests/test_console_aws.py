"""The console on the AWS backends: photos uploaded through the upload Lambda into S3 and
DynamoDB (moto's server), a book designed from them and published to S3, a print job in
DynamoDB, and every page answered by the thumbnail Lambda (Mangum) to function-URL events in
the shape AWS sends, login cookie included."""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pressroom.aws import _common, thumbnail, upload
from pressroom.config import Settings
from tests.aws_lambda import LambdaContext, Stack, drain, load_event, make_stack
from tests.aws_server import moto_endpoint  # noqa: F401
from tests.console_fixtures import KEY, TOKEN

PHOTOS = {
    "consoleobamabiden": "people/obama_biden.jpg",
    "consolebiden": "people/biden_portrait.jpg",
    "consolegif": "notimage/hopper.gif",
}


@pytest.fixture
def stack(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch, corpus: Path):  # noqa: F811
    s = make_stack(moto_endpoint)
    for name, value in s.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PRESSROOM_SIGNING_KEY", KEY.hex())
    monkeypatch.setenv("PRESSROOM_CONSOLE_TOKEN", TOKEN)
    _common.reset()
    thumbnail.reset()
    for photo_id, rel in PHOTOS.items():
        ext = rel.rsplit(".", 1)[1]
        s.s3.put_object(Bucket=s.uploads, Key=f"uploads/u1/{photo_id}.{ext}",
                        Body=(corpus / rel).read_bytes())
    drain(s.sqs, s.upload_queue, upload.handler)
    yield s
    _common.reset()
    thumbnail.reset()


def call(
    path: str,
    query: str = "",
    *,
    token: bool = True,
    method: str = "GET",
    body: str | None = None,
    cookies: list[str] | None = None,
) -> dict[str, Any]:
    """The thumbnail function's answer to a function-URL event (payload 2.0)."""
    event = copy.deepcopy(load_event("function_url_thumbnail.json"))
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["rawQueryString"] = query
    event["requestContext"]["http"]["method"] = method
    event["headers"]["accept"] = "text/html,image/jpeg,*/*;q=0.8"
    if token:
        event["headers"]["authorization"] = f"Bearer {TOKEN}"
    if cookies:
        event["cookies"] = cookies
    if body is not None:
        event["body"] = body
        event["headers"]["content-type"] = "application/x-www-form-urlencoded"
    return thumbnail.handler(event, LambdaContext())


def text(response: dict[str, Any]) -> str:
    body = response.get("body") or ""
    return base64.b64decode(body).decode() if response.get("isBase64Encoded") else body


def test_console_pages_on_s3_and_dynamodb(stack: Stack, tmp_path: Path) -> None:
    from pressroom.books.make import make_book
    from pressroom.printjobs import open_jobs

    settings = Settings.from_env()
    assert settings.storage.startswith("s3://") and settings.catalogue.startswith("dynamodb://")
    out = make_book(settings, ["consoleobamabiden", "consolebiden"], "photobook-21x21",
                tmp_path / "book.pdf", previews=tmp_path / "previews", title="On AWS",
                pad=True, workers=1)
    book_id = out["book_id"]
    jobs = open_jobs(settings)
    jobs.create("aws-order-1", {"title": "On AWS", "product": "photobook-21x21", "pages": []})
    jobs.fail("aws-order-1", "invalid_book", "The book cannot be printed as specified.")

    for path in ("/console/", "/console/photos", f"/console/books/{book_id}", "/console/jobs"):
        r = call(path, token=False)
        assert r["statusCode"] == 401, path

    r = call("/console/photos", "state=rejected")
    assert r["statusCode"] == 200 and r["headers"]["content-type"].startswith("text/html")
    page = text(r)
    assert re.findall(r'class="name"[^>]*>([^<]+)<', page) == ["consolegif.gif"]

    # The photo page: the face boxes are the tags DynamoDB holds, the master comes from the
    # signed thumbnail API of the same function.
    page = text(call("/console/photos/consoleobamabiden"))
    boxes = re.findall(r'data-box="([^"]+)"', page)
    tags = _common.container().catalogue.get("consoleobamabiden").data["tags"]["faces"]
    assert boxes == [",".join(str(round(float(v), 1)) for v in f["box"]) for f in tags]
    assert len(boxes) == 2
    src = re.search(r'<img id="master" src="([^"]+)"', page).group(1)
    image = call(src)
    assert image["statusCode"] == 200 and image["headers"]["content-type"] == "image/jpeg"

    # The book from S3: every page (and the cover) with its preview, warnings on their page.
    page = text(call(f"/console/books/{book_id}"))
    assert page.count('<figure class="page') == out["pages"] + 1
    assert "On AWS" in page
    preview = call(f"/console/books/{book_id}/pages/page-001.jpg")
    assert preview["statusCode"] == 200 and preview["isBase64Encoded"]
    assert base64.b64decode(preview["body"])[:3] == b"\xff\xd8\xff"
    findings = json.loads(stack.s3.get_object(
        Bucket=stack.media, Key=f"books/{book_id}/preflight.json")["Body"].read())
    paged = sum(1 for r in findings.values() for f in r["findings"] if f["page"] is not None)
    assert sum(int(n) for n in re.findall(r'data-findings="(\d+)"', page)) == paged > 0

    page = text(call("/console/jobs"))
    assert "aws-order-1" in page and "could not be printed as it is" in page


def test_login_cookie_through_a_function_url(stack: Stack) -> None:
    r = call("/console/login", method="POST", body=f"token={TOKEN}&next=%2Fjobs", token=False)
    assert r["statusCode"] == 303 and r["headers"]["location"] == "/console/jobs"
    cookies = r.get("cookies") or [r["headers"]["set-cookie"]]
    assert "Secure" in cookies[0] and "HttpOnly" in cookies[0]  # https behind the URL
    session = cookies[0].split(";")[0]
    r = call("/console/jobs", token=False, cookies=[session])
    assert r["statusCode"] == 200 and "Print jobs" in text(r)
    r = call("/console/login", method="POST", body="token=wrong", token=False)
    assert r["statusCode"] == 401
