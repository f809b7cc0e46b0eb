"""The app API (issue 14 item 6) over real ingested photos: auto-design, check (the same
findings as `pressroom check`), stored designs and their signed page previews (pixels against
the master, ETag/304, tampering), print jobs idempotent on the order id and rendered (locally
on the server's thread; on AWS through the SQS message the print handler takes, on moto
server), the error contract (reason codes, 401/400/404/409/413/422), and /openapi.json (valid
OpenAPI 3.1, every route documented and every documented operation routed)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import pyvips

from pressroom.api.app import create_app
from pressroom.catalogue import open_catalogue
from pressroom.catalogue.books import book_id_for
from pressroom.cli import main
from pressroom.config import Settings
from pressroom.ingest.service import Ingestor
from pressroom.render.signature import signed_path
from pressroom.storage import open_store
from tests.aws_server import moto_endpoint  # noqa: F401  (fixture)

KEY = bytes.fromhex("5a" * 32)
TOKEN, OLD_TOKEN = "app-token-3f9c1e", "app-token-old-77d2"
AUTH = {"authorization": f"Bearer {TOKEN}"}
PHOTOS = {"land1": "orientation/Landscape_1.jpg", "land2": "orientation/Landscape_2.jpg"}


@dataclasses.dataclass
class Api:
    settings: Settings
    app: Any

    def request(self, method: str, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return asyncio.run(_request(self.app, method, path, body, **kw))

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("POST", path, body, headers={**AUTH, **(headers or {})})

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("GET", path, headers={**AUTH, **(headers or {})})


async def _request(app: Any, method: str, path: str, body: Any, **kw: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        if body is not None:
            kw["content"] = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await client.request(method, path, **kw)


def stock(settings: Settings, corpus: Path) -> None:
    ingestor = Ingestor(open_store(settings), open_catalogue(settings), settings, tagger=None)
    for photo_id, rel in PHOTOS.items():
        assert ingestor.ingest_path(corpus / rel, photo_id).state == "uploaded"


def make_api(settings: Settings) -> Api:
    return Api(settings, create_app(settings, open_store(settings), open_catalogue(settings)))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Api:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("api"),
        signing_keys=(KEY,),
        api_tokens=(TOKEN, OLD_TOKEN),
    )
    stock(settings, corpus)
    return make_api(settings)


def prints(*photos: str, **slot: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "product": "print-6x4",
        "title": "Prints",
        "pages": [{"layout": "print-full", "slots": [{"photo": p, **slot}]} for p in photos],
    }


def assert_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and body["code"] == code and body["message"], body
    assert "Traceback" not in r.text
    return body


# -- the door ------------------------------------------------------------------------------


def test_off_without_a_token(tmp_path: Path) -> None:
    off = make_api(Settings(data_dir=tmp_path, signing_keys=(KEY,)))
    assert_error(off.post("/v1/designs", {"product": "print-6x4", "photos": ["land1"]}), 404,
                 "not_found")  # fmt: skip
    assert_error(off.get("/v1/print-jobs/order-1"), 404, "not_found")
    assert_error(off.request("GET", "/openapi.json"), 404, "not_found")
    page = signed_path("/page/w:600/" + "0" * 20 + "/1", KEY)
    assert_error(off.request("GET", page), 404, "not_found")


def test_tokens(api: Api) -> None:
    body = {"order_id": "nobody", "design": prints("land1")}
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": TOKEN},
                    {"authorization": f"Basic {TOKEN}"}):  # fmt: skip
        r = api.request("POST", "/v1/print-jobs", body, headers=headers)
        assert_error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.headers["cache-control"] == "no-store"
    # Rotation: the old token still works while it is configured.
    r = api.request(
        "GET", "/v1/print-jobs/nobody", headers={"authorization": f"Bearer {OLD_TOKEN}"}
    )
    assert_error(r, 404, "job_not_found")


# -- designs -------------------------------------------------------------------------------


def test_auto_design(api: Api) -> None:
    from pressroom.designs import schema_errors

    r = api.post("/v1/designs", {"product": "print-6x4", "photos": ["land1", "land2"],
                                 "title": "Two prints"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    doc = body["design"]
    assert schema_errors(doc) == []
    assert doc["product"] == "print-6x4" and doc["title"] == "Two prints"
    assert [s["photo"] for p in doc["pages"] for s in p["slots"]] == ["land1", "land2"]
    assert body["hash"] == book_id_for(doc)
    assert [p["page"] for p in body["previews"]] == [1, 2]
    assert body["previews"][0]["url"] == signed_path(f"/page/w:600/{body['hash']}/1", KEY)
    # The stored document, by its hash.
    assert api.get(f"/v1/designs/{body['hash']}").json() == doc
    assert_error(api.get("/v1/designs/" + "f" * 20), 404, "design_not_found")


@pytest.mark.parametrize(
    "body,status,code",
    [
        (b"{not json", 400, "bad_json"),
        ([1, 2], 400, "bad_request"),
        ({"product": "print-6x4"}, 400, "bad_request"),
        ({"product": "print-6x4", "photos": ["land1"], "colour": "red"}, 400, "bad_request"),
        ({"product": "print-6x4", "photos": ["../etc/passwd"]}, 400, "bad_request"),
        ({"product": "print-6x4", "photos": []}, 400, "bad_request"),
        ({"product": "poster-a0", "photos": ["land1"]}, 404, "unknown_product"),
        ({"product": "print-6x4", "photos": ["nosuchphoto"]}, 422, "no_photos"),
    ],
)
def test_auto_design_refusals(api: Api, body: Any, status: int, code: str) -> None:
    body_out = assert_error(api.post("/v1/designs", body), status, code)
    if code == "bad_request" and isinstance(body, dict) and "colour" in body:
        assert "colour" in body_out["message"]  # names the caller's own field


def test_body_too_large(api: Api) -> None:
    big = b'{"x": "' + b"a" * (4 * 1024 * 1024 + 10) + b'"}'
    assert_error(api.post("/v1/designs/check", big), 413, "body_too_large")


def test_check_gives_the_cli_findings(api: Api, tmp_path: Path, capsys: Any) -> None:
    doc = prints("land1", "nosuchphoto", "land2")
    doc["pages"][2]["slots"][0]["crop"] = [0.5, 0.0, 0.7, 0.5]  # reaches outside the photo
    r = api.post("/v1/designs/check", doc)
    assert r.status_code == 200, r.text
    got = r.json()
    path = tmp_path / "design.json"
    path.write_text(json.dumps(doc))
    code = main(["check", str(path), "--json", "--data", str(api.settings.data_dir)])
    cli = json.loads(capsys.readouterr().out)
    assert code == 1
    assert got["status"] == cli["status"] == "fail"
    assert got["findings"] == cli["findings"] and got["score"] == cli["score"]
    codes = {(f["page"], f["slot"], f["code"]) for f in got["findings"]}
    assert {(2, 1, "photo_unknown"), (3, 1, "crop_outside")} <= codes
    # Schema-valid: stored, so its pages can be previewed while the customer fixes it.
    assert got["hash"] == book_id_for(doc) and len(got["previews"]) == 3
    # A design that makes a book comes with its layout score, measured as it stands.
    fine = api.post("/v1/designs/check", prints("land1", "land2")).json()
    assert fine["status"] != "fail" and fine["score"]["layouts"] == {"print-full": 2}
    assert 50 < fine["score"]["total"] <= 100 and len(fine["score"]["pages"]) == 2
    # Not a design at all: findings, nothing stored.
    bad = {**prints("land1"), "colour": "red"}
    r = api.post("/v1/designs/check", bad)
    assert r.status_code == 200 and r.json()["status"] == "fail"
    assert {f["code"] for f in r.json()["findings"]} == {"invalid"}
    assert r.json()["hash"] is None and r.json()["previews"] == [] and r.json()["score"] is None
    assert_error(api.post("/v1/designs/store", bad), 422, "invalid_design")


# -- page previews -------------------------------------------------------------------------

CROP = [0.2, 0.1, 0.6, 0.611364]  # the 6x4 full-bleed frame's shape (158.4 x 107.6 mm)


def store(api: Api, doc: dict[str, Any], width: int = 600) -> dict[str, Any]:
    r = api.post(f"/v1/designs/store?width={width}", doc)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"/v1/designs/{r.json()['hash']}"
    return r.json()


def expected_trim(settings: Settings, doc: dict[str, Any], size: tuple[int, int]) -> Any:
    """The master's pixels the page's trim must show, from the layout model: the part of the
    placed crop inside the trim, resized to the preview's size."""
    from pressroom.books.make import design_photos
    from pressroom.designs import to_book

    book, _ = to_book(doc, design_photos(open_catalogue(settings), doc))
    page = book.pages[0]
    (pl,) = page.placements
    img, c = pl.image, pl.crop
    sx, sy = c.w / img.w, c.h / img.h  # master px per mm
    x0, y0 = c.x + (0 - img.x) * sx, c.y + (0 - img.y) * sy
    w, h = page.width * sx, page.height * sy
    master = pyvips.Image.new_from_buffer(open_store(settings).get(pl.master), "")
    region = master.crop(round(x0), round(y0), round(w), round(h))
    return region.resize(size[0] / region.width, vscale=size[1] / region.height)


def mad(a: Any, b: Any) -> float:
    """Mean absolute difference after a 1.5 px blur: resampling and JPEG noise of a detailed
    photo average out, a picture of another region does not (measured: 1.8 when aligned,
    over 5 one pixel off)."""
    a, b = a.cast("float").gaussblur(1.5), b.cast("float").gaussblur(1.5)
    return float((a - b).abs().avg())


def test_page_preview_shows_the_design(api: Api, tmp_path: Path) -> None:
    doc = prints("land1", crop=CROP)
    stored = store(api, doc)
    url = stored["previews"][0]["url"]
    assert url == signed_path(f"/page/w:600/{stored['hash']}/1", KEY)
    r = api.request("GET", url, headers={"accept": "image/jpeg"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/jpeg" and r.headers["x-cache"] == "render"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    img = pyvips.Image.new_from_buffer(r.content, "")
    assert (img.width, img.height) == (600, 400)  # the 152.4 x 101.6 mm trim, no bleed
    assert img.deviate() > 20  # a photo, not a blank page
    (tmp_path / "page-1.jpg").write_bytes(r.content)
    want = expected_trim(api.settings, doc, (600, 400))
    assert mad(img, want) < 3
    # Exactly that region: two pixels off is already far worse.
    assert mad(img.crop(2, 0, 598, 400), want.crop(0, 0, 598, 400)) > 2 * mad(img, want)
    # Another crop of the same photo is another design, and its own pixels.
    edited = prints("land1", crop=[0.0, 0.3, 0.6, 0.611364])
    other = store(api, edited)
    assert other["hash"] != stored["hash"]
    r2 = api.request("GET", other["previews"][0]["url"], headers={"accept": "image/jpeg"})
    img2 = pyvips.Image.new_from_buffer(r2.content, "")
    assert mad(img2, img) > 10
    assert mad(img2, expected_trim(api.settings, edited, (600, 400))) < 3


def test_page_preview_cache_and_formats(api: Api) -> None:
    h = store(api, prints("land2"))["hash"]
    path = signed_path(f"/page/w:800/{h}/1", KEY)
    first = api.request("GET", path, headers={"accept": "image/webp"})
    assert first.status_code == 200 and first.headers["content-type"] == "image/webp"
    assert first.headers["vary"] == "Accept"
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = api.request("GET", path, headers={"accept": "image/webp"})
    assert again.headers["x-cache"] == "hit" and again.content == first.content
    assert again.headers["etag"] == etag
    r = api.request("GET", path, headers={"accept": "image/webp", "if-none-match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    # JPEG is another representation with another ETag.
    jpeg = api.request("GET", path, headers={"accept": "image/jpeg", "if-none-match": etag})
    assert jpeg.status_code == 200 and jpeg.headers["etag"] != etag
    # The result is in the blob store under the result prefix.
    keys = list(open_store(api.settings).keys(f"renders/pages/{h}/"))
    assert len(keys) == 2 and {k.rsplit(".", 1)[1] for k in keys} == {"webp", "jpg"}
    # Height and dpr: the page keeps its shape inside the box.
    r = api.request("GET", signed_path(f"/page/h:200/dpr:2/f:png/{h}/1", KEY))
    img = pyvips.Image.new_from_buffer(r.content, "")
    assert r.headers["content-type"] == "image/png" and (img.width, img.height) == (600, 400)


def test_page_preview_refusals(api: Api) -> None:
    h = store(api, prints("land1"))["hash"]
    good = signed_path(f"/page/w:600/{h}/1", KEY)
    sig = good.split("/")[1]
    tampered = "/" + ("A" if sig[0] != "A" else "B") + sig[1:] + good[len(sig) + 1 :]
    assert_error(api.request("GET", tampered), 403, "bad_signature")
    # A signature is over the whole path: the same signature on another page is refused.
    assert_error(api.request("GET", good[: -len("/1")] + "/2"), 403, "bad_signature")
    assert_error(api.request("GET", f"/_/page/w:600/{h}/1"), 403, "unsigned")
    wrong_key = signed_path(f"/page/w:600/{h}/1", bytes.fromhex("11" * 32))
    assert_error(api.request("GET", wrong_key), 403, "bad_signature")
    for path, status, code in [
        (f"/page/w:600/{'0' * 20}/1", 404, "design_not_found"),
        (f"/page/w:600/{h}/2", 404, "page_not_found"),
        (f"/page/w:600/{h}/cover", 404, "page_not_found"),
        (f"/page/w:600/{h}/0", 404, "page_not_found"),
        (f"/page/w:600/fit:cover/{h}/1", 400, "bad_options"),
        (f"/page/w:601/{h}/1", 400, "bad_options"),  # not on the size allow-list
        (f"/page/f:png/{h}/1", 400, "bad_options"),  # no size
        (f"/page/w:600/exp:1000/{h}/1", 403, "expired"),
    ]:
        assert_error(api.request("GET", signed_path(path, KEY)), status, code)
    assert_error(api.post("/v1/designs/store?width=601", prints("land1")), 400, "bad_request")


def test_book_pages_cover_and_captions(api: Api) -> None:
    """A photobook: the cover is the whole wrap; a caption (Greek) is drawn on its page."""
    from pressroom.designs import to_book

    def book(caption: str | None) -> dict[str, Any]:
        first: dict[str, Any] = {"layout": "1-up-square", "slots": [{"photo": "land1"}]}
        if caption:
            first["texts"] = [{"text": caption, "box": "caption"}]
        return {
            "version": 1,
            "product": "photobook-21x21",
            "title": "Λισαβόνα",
            "pages": [first] + [{"layout": "blank"}] * 19,
            "cover": {"layout": "cover-hero", "slots": [{"photo": "land2"}]},
        }

    plain, captioned = book(None), book("Καλοκαίρι στη Λισαβόνα")
    stored = store(api, captioned, width=800)
    assert [p["page"] for p in stored["previews"]] == ["cover", *range(1, 21)]
    h = stored["hash"]
    cover = api.request("GET", signed_path(f"/page/w:1200/{h}/cover", KEY))
    assert cover.status_code == 200, cover.text
    img = pyvips.Image.new_from_buffer(cover.content, "")
    from pressroom.books.make import design_photos

    b, _ = to_book(captioned, design_photos(open_catalogue(api.settings), captioned))
    assert img.width == 1200 and abs(img.height - 1200 * b.cover.height / b.cover.width) <= 1
    assert img.deviate() > 20
    pages = []
    for doc in (plain, captioned):
        r = api.request("GET", signed_path(f"/page/w:800/f:png/{store(api, doc)['hash']}/1", KEY))
        assert r.status_code == 200, r.text
        pages.append(pyvips.Image.new_from_buffer(r.content, ""))
    diff = (pages[0].cast("float") - pages[1].cast("float")).abs().colourspace("b-w")
    # The caption changes its box only: mostly the lower part of the page, not the photo.
    (t,) = b.pages[0].texts
    y0 = round(t.rect.y / b.pages[0].height * pages[0].height)
    assert y0 > 400  # the caption box is under the photo
    assert diff.crop(0, y0 - 4, 800, pages[0].height - y0 + 4).max() > 100  # the text
    assert diff.crop(0, 0, 800, y0 - 8).max() < 8  # the rest of the page, the same


# -- print jobs ----------------------------------------------------------------------------


def wait_final(api: Api, order: str, seconds: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = api.get(f"/v1/print-jobs/{order}").json()
        if job["state"] in ("ready", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {order} still {job['state']} after {seconds} s")


def test_print_job_local(api: Api) -> None:
    from pressroom.printjobs import open_jobs

    design = prints("land1", "land2")
    r = api.post("/v1/print-jobs", {"order_id": "order-7", "design": design})
    assert r.status_code == 202, r.text
    assert r.headers["location"] == "/v1/print-jobs/order-7"
    first = r.json()
    assert (first["id"], first["order_id"], first["state"]) == ("order-7", "order-7", "queued")
    assert first["design"] == book_id_for(design)
    # The same order again: the existing job, not a second one.
    again = api.post("/v1/print-jobs", {"order_id": "order-7", "design": design})
    assert again.status_code == 200 and again.json()["created_at"] == first["created_at"]
    # Another design under that order id: refused.
    other = prints("land2")
    assert_error(api.post("/v1/print-jobs", {"order_id": "order-7", "design": other}), 409,
                 "order_conflict")  # fmt: skip
    job = wait_final(api, "order-7")
    assert (job["state"], job["attempts"], job["reason"], job["pages"]) == ("ready", 1, None, 2)
    assert job["files"] == ["print/order-7/interior.pdf"]
    assert job["preflight"]["interior"] in ("pass", "warn")
    assert job["book_id"] == book_id_for(design)
    assert open_store(api.settings).get(job["files"][0])[:5] == b"%PDF-"
    # Recorded in the local job store exactly as `pressroom print` records it.
    rec = open_jobs(api.settings).get("order-7")
    assert rec.book == design and rec.state == "ready"
    # Ready: a repeat changes nothing.
    assert api.post("/v1/print-jobs", {"order_id": "order-7", "design": design}).json() == job
    # The job's design can be previewed (it was stored by its hash).
    page = signed_path(f"/page/w:400/{job['design']}/2", KEY)
    assert api.request("GET", page).status_code == 200


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"order_id": "order-8"}, 400, "bad_request"),
        ({"order_id": "order 8!", "design": prints("land1")}, 400, "bad_request"),
        ({"order_id": "order-8", "design": "design.json"}, 400, "bad_request"),
        ({"order_id": "order-8", "design": prints("land1"), "rush": True}, 400, "bad_request"),
        ({"order_id": "order-8", "design": prints("land1", "gone")}, 422, "invalid_design"),
        ({"order_id": "order-8", "design": {**prints("land1"), "product": "poster"}}, 422,
         "invalid_design"),
        ({"order_id": "order-8", "design": {"version": 2}}, 422, "invalid_design"),
    ],
)  # fmt: skip
def test_print_job_refusals(api: Api, body: Any, status: int, code: str) -> None:
    out = assert_error(api.post("/v1/print-jobs", body), status, code)
    if code == "invalid_design":
        assert out["findings"] and out["findings"][0]["level"] == "fail"
    assert_error(api.get("/v1/print-jobs/order-8"), 404, "job_not_found")  # no job was made


def test_print_job_on_aws(
    corpus: Path,
    moto_endpoint: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On AWS the API records the job and sends the message the print handler takes; the
    handler renders it and the API reads the outcome from DynamoDB."""
    from pressroom.aws import _common
    from pressroom.aws import print as print_lambda
    from tests.aws_lambda import drain, make_stack, queue_depth

    stack = make_stack(moto_endpoint, max_receives=2)
    for name, value in stack.environment().items():
        monkeypatch.setenv(name, value)
    _common.reset()
    try:
        settings = dataclasses.replace(
            Settings.from_env(), signing_keys=(KEY,), api_tokens=(TOKEN,)
        )
        stock(settings, corpus)
        aws = make_api(settings)
        design = prints("land1")
        r = aws.post("/v1/print-jobs", {"order_id": "order-9", "design": design},
                     headers={"x-request-id": "req-41"})  # fmt: skip
        assert r.status_code == 202 and r.json()["state"] == "queued", r.text
        assert (
            aws.post("/v1/print-jobs", {"order_id": "order-9", "design": design}).status_code == 200
        )
        # The message, as the handler takes it (looked at, left visible).
        msgs = stack.sqs.receive_message(
            QueueUrl=stack.print_queue, MaxNumberOfMessages=10, VisibilityTimeout=0,
            MessageAttributeNames=["All"],
        )["Messages"]  # fmt: skip
        assert json.loads(msgs[0]["Body"]) == {"order_id": "order-9", "design": design}
        assert msgs[0]["MessageAttributes"]["correlation_id"]["StringValue"] == "req-41"
        calls = drain(stack.sqs, stack.print_queue, print_lambda.handler)
        assert all(resp == {"batchItemFailures": []} for _, resp in calls)
        assert queue_depth(stack.sqs, stack.print_queue) == 0
        job = aws.get("/v1/print-jobs/order-9").json()
        assert (job["state"], job["attempts"], job["pages"]) == ("ready", 1, 1)
        assert job["files"] == ["print/order-9/interior.pdf"]
        assert _common.container().print_store.get(job["files"][0])[:5] == b"%PDF-"
    finally:
        _common.reset()


# -- OpenAPI -------------------------------------------------------------------------------

# App routes the document leaves out, and why: other servers' URL formats (docs/migrating.md)
# and the target of the thumbnails' oversize redirects, which clients never build.
UNDOCUMENTED = {"cached_result", "endpoint"}


def test_openapi_document(api: Api) -> None:
    import jsonschema
    from openapi_spec_validator import validate
    from starlette.routing import Match, Route

    r = api.request("GET", "/openapi.json")  # public once the API is on: no token needed
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    doc = r.json()
    validate(doc)  # OpenAPI 3.1, its JSON Schemas included
    assert doc["openapi"].startswith("3.1")

    operations = {
        op["operationId"]: (path, method.upper())
        for path, item in doc["paths"].items()
        for method, op in item.items()
    }
    routes = [rt for rt in api.app.routes if isinstance(rt, Route)]
    served = {rt.name for rt in routes} - UNDOCUMENTED
    assert served == set(operations)  # every route documented, every operation served

    # Each documented path, filled in, reaches the route named by its operationId.
    fill = {"signature": "sig", "options": "w:600", "design_hash": "0" * 20, "page": "1",
            "photo_id": "land1", "job_id": "order-1"}  # fmt: skip
    for name, (path, method) in operations.items():
        concrete = path.format(**fill)
        scope = {"type": "http", "path": concrete, "method": method, "root_path": ""}
        route = next(rt for rt in routes if rt.matches(scope)[0] == Match.FULL)
        assert route.name == name, (path, route.name)

    # The design document's schema, embedded: a design validates, an unknown field does not.
    wrapper = {"$ref": "#/components/schemas/Design", "components": doc["components"]}
    v = jsonschema.Draft202012Validator(wrapper)
    assert v.is_valid(prints("land1"))
    assert not v.is_valid({**prints("land1"), "colour": "red"})
    bad_slot = prints("land1")
    bad_slot["pages"][0]["slots"][0]["zoom"] = 2
    assert not v.is_valid(bad_slot)
