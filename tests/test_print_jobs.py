"""One print-job lifecycle everywhere (issue 14, item 7): `pressroom print` records every order in
the local job store (SQLite) exactly as the AWS print handler records it in DynamoDB; the same
orders through both end in the same states, attempts, reasons, results and print files; one
failing order never stops the others; the console lists what `pressroom print` did."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from pressroom.aws import _common
from pressroom.aws import print as print_lambda
from pressroom.catalogue import open_catalogue
from pressroom.catalogue.books import book_id_for
from pressroom.cli import main
from pressroom.config import Settings
from pressroom.printjobs import open_jobs
from pressroom.storage import open_store
from tests.aws_lambda import drain, make_stack, queue_depth
from tests.aws_server import moto_endpoint  # noqa: F401  (fixture)
from tests.test_aws_print import book, stock

GOOD = book("land1", "land2")
BAD = book("land1", "gone")  # no photo has the id "gone"
TOKEN = "print-jobs-console-token-5b1e"


@pytest.fixture
def local(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for name in ("PRESSROOM_STORAGE", "PRESSROOM_CATALOGUE", "PRESSROOM_PRINT_STORAGE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(data_dir=tmp_path / "data")
    stock(open_store(settings), open_catalogue(settings), settings, corpus)
    return settings


def cli_print(settings: Settings, *args: str, capsys: Any) -> tuple[int, list[dict[str, Any]]]:
    code = main(["print", *args, "--data", str(settings.data_dir), "--workers", "1", "--json"])
    lines = capsys.readouterr().out.splitlines()
    return code, [json.loads(line) for line in lines if line.startswith("{")]


def write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path


def record(job: Any) -> tuple[Any, ...]:
    """What must agree between the two paths (seconds are how long it took, not what)."""
    result = {k: v for k, v in job.result.items() if k != "seconds"}
    return job.id, job.state, job.attempts, job.reason, job.message, job.book, result


def test_cli_and_aws_handler_record_the_same_jobs(
    local: Settings,
    tmp_path: Path,
    corpus: Path,
    moto_endpoint: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The CLI: a JOBS.json of two orders, one of them unprintable.
    jobs_file = write(
        tmp_path / "jobs.json",
        [
            {"order_id": "order-1", "design": str(write(tmp_path / "good.json", GOOD))},
            {"order_id": "order-2", "design": BAD},
        ],
    )
    code, results = cli_print(local, str(jobs_file), "--output-dir", str(tmp_path / "out"),
                              capsys=capsys)
    assert code == 1  # one order failed; the other was printed all the same
    assert {r["order_id"]: r["state"] for r in results} == {"order-1": "ready", "order-2": "failed"}
    assert (tmp_path / "out" / "order-1.pdf").read_bytes()[:5] == b"%PDF-"
    local_jobs = open_jobs(local)
    local_store = open_store(local)

    # AWS: the same orders as the app sends them (SQS message {"order_id", "design"}),
    # delivered to the handler in the exact event shape Lambda builds.
    stack = make_stack(moto_endpoint, max_receives=2)
    for name, value in stack.environment().items():
        monkeypatch.setenv(name, value)
    _common.reset()
    try:
        c = _common.container()
        stock(c.store, c.catalogue, c.settings, corpus)
        for order, design in (("order-1", GOOD), ("order-2", BAD)):
            body = json.dumps({"order_id": order, "design": design})
            stack.sqs.send_message(QueueUrl=stack.print_queue, MessageBody=body)
        calls = drain(stack.sqs, stack.print_queue, print_lambda.handler)
        assert all(resp == {"batchItemFailures": []} for _, resp in calls)
        assert queue_depth(stack.sqs, stack.print_dlq) == 0

        for order in ("order-1", "order-2"):
            assert record(c.jobs.get(order)) == record(local_jobs.get(order))
        ready = c.jobs.get("order-1")
        assert ready.state == "ready" and ready.result["files"] == ["print/order-1/interior.pdf"]
        assert ready.result["book_id"] == book_id_for(GOOD)
        failed = c.jobs.get("order-2")
        assert (failed.state, failed.reason, failed.attempts) == ("failed", "invalid_design", 1)
        assert failed.message == "page 2, slot 1: photo_unknown: no photo has the id gone"
        # The same print file, byte for byte (SOURCE_DATE_EPOCH), and the same book.
        for key in ready.result["files"]:
            assert c.print_store.get(key) == local_store.get(key)
        design_key = f"books/{book_id_for(GOOD)}/design.json"
        assert json.loads(c.store.get(design_key)) == json.loads(local_store.get(design_key))
        assert sorted(k for k in c.store.keys("books/")) == sorted(local_store.keys("books/"))
        assert not [k for k in c.print_store.keys("print/") if "order-2" in k]
    finally:
        _common.reset()


def test_photo_lists_designs_and_replays(
    local: Settings, tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Photo lists are auto-designed and the job's payload is that design; a bad order is
    recorded with its reason and never stops the others; a second run prints nothing twice."""
    photo = corpus / "orientation" / "Landscape_3.jpg"
    jobs = [
        {"order_id": "photos-1", "product": "print-6x4", "photos": [str(photo)],
         "previews": "prev"},
        {"order_id": "photos-2", "product": "print-6x4", "photos": ["no-such-photo"]},
        {"order_id": "photos-3", "product": "photobook-21x21", "photos": ["land1"]},
    ]
    path = write(tmp_path / "jobs.json", jobs)
    code, results = cli_print(local, str(path), capsys=capsys)
    by_order = {r["order_id"]: r for r in results}
    assert code == 1 and len(results) == 3
    ok = by_order["photos-1"]
    assert (ok["state"], ok["attempts"], ok["pages"]) == ("ready", 1, 1)
    assert Path(ok["interior"]) == tmp_path / "photos-1.pdf" and Path(ok["interior"]).exists()
    assert (tmp_path / "prev" / "page-001.jpg").read_bytes()[:2] == b"\xff\xd8"
    store = open_jobs(local)
    design = store.get("photos-1").book
    assert design["version"] == 1 and design["product"] == "print-6x4"
    # The file was ingested; the design names it by its content-derived id.
    photo_id = hashlib.sha256(photo.read_bytes()).hexdigest()[:24]
    assert [s["photo"] for p in design["pages"] for s in p["slots"]] == [photo_id]
    bad = by_order["photos-2"]
    assert (bad["state"], bad["reason"]) == ("failed", "bad_job")
    assert "no-such-photo" in bad["message"]
    short = by_order["photos-3"]  # one photo cannot make a 21x21 photobook
    assert (short["state"], short["reason"]) == ("failed", "not_designed")

    # A second run: every order is already recorded; nothing is rendered again.
    before = {j.id: (j.state, j.attempts, j.updated_at) for j in store.list()}
    code, again = cli_print(local, str(path), capsys=capsys)
    assert code == 1
    assert {j.id: (j.state, j.attempts, j.updated_at) for j in store.list()} == before
    assert {r["order_id"]: r["state"] for r in again} == {
        "photos-1": "ready", "photos-2": "failed", "photos-3": "failed"
    }


def test_console_lists_what_pressroom_print_did(
    local: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the console's print-jobs page stayed empty after `pressroom print`."""
    from dataclasses import replace

    from pressroom.console import create_console

    design = write(tmp_path / "summer.json", GOOD)
    bad = write(tmp_path / "broken.json", BAD)
    assert cli_print(local, str(design), capsys=capsys)[0] == 0
    assert cli_print(local, str(bad), "--order", "order-77", capsys=capsys)[0] == 1

    settings = replace(local, console_token=TOKEN)
    app = create_console(settings, open_store(settings), open_catalogue(settings))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    import asyncio

    async def get(path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(path, headers=headers)

    listing = asyncio.run(get("/jobs")).text
    assert "summer" in listing and "order-77" in listing
    page = asyncio.run(get("/jobs/order-77"))
    assert page.status_code == 200
    assert "photo_unknown" in page.text and "invalid_design" in page.text
    ready = asyncio.run(get("/jobs/summer")).text
    assert f"/books/{book_id_for(GOOD)}" in ready  # the job links to its design's book
