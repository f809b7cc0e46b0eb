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
    r = api.request("GET", "/v1/print-jobs/nobody", headers={"authorization": f"Bearer {OLD_TOKEN}"})
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
    assert got["findings"] == cli["findings"]
    codes = {(f["page"], f["slot"], f["code"]) for f in got["findings"]}
    assert {(2, 1, "photo_unknown"), (3, 1, "crop_outside")} <= codes
    # Schema-valid: stored, so its pages can be previewed while the customer fixes it.
    assert got["hash"] == book_id_for(doc) and len(got["previews"]) == 3
    # Not a design at all: findings, nothing stored.
    bad = {**prints("land1"), "colour": "red"}
    r = api.post("/v1/designs/check", bad)
    assert r.status_code == 200 and r.json()["status"] == "fail"
    assert {f["code"] for f in r.json()["findings"]} == {"invalid"}
    assert r.json()["hash"] is None and r.json()["previews"] == []
    assert_error(api.post("/v1/designs/store", bad), 422, "invalid_design")
