"""One behaviour suite for every blob store: files under tmp_path, S3 on a real moto server
(with and without a key prefix), and a SeaweedFS round trip when its `weed` binary exists."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pressroom.config import Settings
from pressroom.storage import BlobNotFound, BlobStore, InvalidKey, LocalStore, open_store
from pressroom.storage.s3 import S3Store
from tests.aws_server import (
    find_weed,
    moto_endpoint,  # noqa: F401  (a fixture, used by name)
    start_seaweedfs,
    stop_seaweedfs,
    use_aws_test_env,
)
from tests.system_tools import require_weed

BINARY = bytes(range(256)) * 257 + b"\x00\r\n\x1a\xff"

INVALID_KEYS = ["../a", "/abs", "a/../b", "a//b", "", "a/./b", "%2e%2e/x", "a\\b", "a/", "."]
INVALID_PREFIXES = ["../", "/abs", "a//", "a/../", "%2e%2e/"]

# Chosen so that per-folder listing order ("a", then "a/..." ) differs from key order.
LISTED = ["p/a-b", "p/a.c", "p/a/b", "p/a0", "proxies/x.jpg", "masters/1.jpg", "masters/10.jpg"]


def new_bucket(endpoint: str) -> str:
    bucket = f"test-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture
def s3_bucket(moto_endpoint: str) -> tuple[str, str]:  # noqa: F811
    """(endpoint, bucket): a fresh bucket on an emptied moto."""
    return moto_endpoint, new_bucket(moto_endpoint)


@pytest.fixture(params=["local", "s3", "s3-prefixed"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalStore(tmp_path / "blobs")
    endpoint, bucket = request.getfixturevalue("s3_bucket")
    prefix = "tenant/a" if request.param == "s3-prefixed" else ""
    return S3Store(bucket, prefix=prefix, endpoint_url=endpoint)


def round_trip(store: BlobStore) -> None:
    """The core contract, shared with the SeaweedFS test."""
    store.put("masters/abc.jpg", BINARY, "image/jpeg")
    assert store.get("masters/abc.jpg") == BINARY
    store.put("masters/abc.jpg", b"second")
    assert store.get("masters/abc.jpg") == b"second"
    store.put("empty", b"")
    assert store.get("empty") == b""
    assert store.exists("masters/abc.jpg")
    assert not store.exists("masters/none.jpg")
    with pytest.raises(BlobNotFound):
        store.get("masters/none.jpg")
    for key in LISTED:
        store.put(key, key.encode())
    assert list(store.keys("p/")) == sorted(k for k in LISTED if k.startswith("p/"))
    assert list(store.keys()) == sorted([*LISTED, "empty", "masters/abc.jpg"])
    store.delete("masters/abc.jpg")
    store.delete("masters/abc.jpg")
    assert not store.exists("masters/abc.jpg")
    with pytest.raises(BlobNotFound):
        store.get("masters/abc.jpg")


# --- every backend ---------------------------------------------------------------------------


def test_round_trip(store: BlobStore) -> None:
    round_trip(store)


def test_binary_bytes_come_back_unchanged(store: BlobStore) -> None:
    store.put("a/b.bin", BINARY, "application/octet-stream")
    assert store.get("a/b.bin") == BINARY


def test_overwrite_replaces_whole_object(store: BlobStore) -> None:
    store.put("k", b"a much longer first version")
    store.put("k", b"short")
    assert store.get("k") == b"short"


def test_get_absent_raises_blob_not_found(store: BlobStore) -> None:
    with pytest.raises(BlobNotFound) as info:
        store.get("masters/missing.jpg")
    assert isinstance(info.value, KeyError)


def test_exists(store: BlobStore) -> None:
    assert not store.exists("x/y")
    store.put("x/y", b"1")
    assert store.exists("x/y")
    assert not store.exists("x")  # a folder-like prefix is not a blob


def test_delete_is_idempotent(store: BlobStore) -> None:
    store.put("d", b"1")
    store.delete("d")
    store.delete("d")
    store.delete("never-there")
    assert not store.exists("d")


def test_keys_lists_exactly_what_was_put_sorted(store: BlobStore) -> None:
    assert list(store.keys()) == []
    for key in reversed(LISTED):
        store.put(key, b"")
    assert list(store.keys()) == sorted(LISTED)
    assert list(store.keys("p/")) == ["p/a-b", "p/a.c", "p/a/b", "p/a0"]
    assert list(store.keys("p")) == ["p/a-b", "p/a.c", "p/a/b", "p/a0", "proxies/x.jpg"]
    assert list(store.keys("p/a/")) == ["p/a/b"]
    assert list(store.keys("masters/1")) == ["masters/1.jpg", "masters/10.jpg"]
    assert list(store.keys("nothing/")) == []
    store.delete("p/a/b")
    assert list(store.keys("p/a/")) == []


@pytest.mark.parametrize("key", INVALID_KEYS)
def test_invalid_keys_are_refused(store: BlobStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.put(key, b"x")
    with pytest.raises(InvalidKey):
        store.get(key)
    with pytest.raises(InvalidKey):
        store.exists(key)
    with pytest.raises(InvalidKey):
        store.delete(key)
    assert list(store.keys()) == []


@pytest.mark.parametrize("prefix", INVALID_PREFIXES)
def test_invalid_prefixes_are_refused(store: BlobStore, prefix: str) -> None:
    with pytest.raises(InvalidKey):
        store.keys(prefix)


# --- LocalStore ------------------------------------------------------------------------------


def all_files(root: Path) -> set[Path]:
    """Every file under root, hidden ones included."""
    return {Path(d) / f for d, _, files in os.walk(root) for f in files}


def test_local_put_leaves_no_temp_files(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for i in range(5):
        store.put(f"masters/{i}.jpg", BINARY)
        store.put(f"masters/{i}.jpg", b"again")
    assert {p.name for p in all_files(tmp_path)} == {f"{i}.jpg" for i in range(5)}


def test_local_failed_put_leaves_no_temp_file(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("d/x", b"1")
    with pytest.raises(OSError):
        store.put("d", b"a blob cannot replace a folder")
    assert all_files(tmp_path) == {tmp_path / "d" / "x"}


def test_local_keys_hide_temp_files_and_reserve_their_names(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("a/b", b"1")
    (tmp_path / ".tmp-crashed").write_bytes(b"half")
    (tmp_path / "a" / ".tmp-crashed").write_bytes(b"half")
    (tmp_path / "not a key").write_bytes(b"left by hand")
    assert list(store.keys()) == ["a/b"]
    with pytest.raises(InvalidKey):
        store.put("a/.tmp-x", b"1")
    with pytest.raises(InvalidKey):
        store.get(".tmp-crashed")


def test_local_never_writes_outside_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"keep")
    store = LocalStore(root)
    store.put("ok/blob", b"1")
    for key in INVALID_KEYS:
        with pytest.raises(InvalidKey):
            store.put(key, b"escape")
    # A symlink inside the root must not become a way out of it.
    (root / "link").symlink_to(outside, target_is_directory=True)
    for op in (
        lambda: store.put("link/x", b"escape"),
        lambda: store.put("link/secret", b"escape"),
        lambda: store.get("link/secret"),
        lambda: store.delete("link/secret"),
    ):
        with pytest.raises(InvalidKey):
            op()
    assert list(store.keys()) == ["ok/blob"]
    assert all_files(tmp_path) == {root / "ok" / "blob", outside / "secret"}
    assert (outside / "secret").read_bytes() == b"keep"


def test_local_files_follow_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    LocalStore(tmp_path).put("k", b"1")
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o666 & ~umask


def test_local_readers_never_see_a_partial_write(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    versions = [b"a" * 1_000_000, b"b" * 3_000_000]
    store.put("k", versions[0])
    done = threading.Event()

    def writer() -> None:
        i = 0
        while not done.is_set():
            i += 1
            store.put("k", versions[i % 2])

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            assert store.get("k") in versions
    finally:
        done.set()
        thread.join()


# --- S3Store ---------------------------------------------------------------------------------


def test_s3_content_type_and_prefix_on_the_wire(s3_bucket: tuple[str, str]) -> None:
    endpoint, bucket = s3_bucket
    client = boto3.client("s3", endpoint_url=endpoint)
    store = S3Store(bucket, prefix="/tenant/", client=client)
    store.put("masters/a.jpg", b"jpeg", "image/jpeg")
    store.put("raw", b"x")
    head = client.head_object(Bucket=bucket, Key="tenant/masters/a.jpg")
    assert head["ContentType"] == "image/jpeg"
    listed = client.list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"] for o in listed) == ["tenant/masters/a.jpg", "tenant/raw"]
    assert list(store.keys()) == ["masters/a.jpg", "raw"]


def test_s3_prefixes_keep_stores_apart(s3_bucket: tuple[str, str]) -> None:
    endpoint, bucket = s3_bucket
    one = S3Store(bucket, prefix="one", endpoint_url=endpoint)
    two = S3Store(bucket, prefix="one-two", endpoint_url=endpoint)
    whole = S3Store(bucket, endpoint_url=endpoint)
    one.put("k", b"1")
    two.put("k", b"2")
    assert list(one.keys()) == ["k"]
    assert list(two.keys()) == ["k"]
    assert one.get("k") == b"1"
    assert list(whole.keys()) == ["one-two/k", "one/k"]


def test_s3_keys_skip_objects_no_key_can_name(s3_bucket: tuple[str, str]) -> None:
    endpoint, bucket = s3_bucket
    client = boto3.client("s3", endpoint_url=endpoint)
    client.put_object(Bucket=bucket, Key="folder/", Body=b"")
    client.put_object(Bucket=bucket, Key="with space", Body=b"")
    store = S3Store(bucket, client=client)
    store.put("folder/real", b"1")
    assert list(store.keys()) == ["folder/real"]


class SmallPages:
    """A real client whose listings come two keys a page, so paging needs 7 objects, not 1001."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.pages = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def get_paginator(self, operation: str) -> Any:
        paginator = self._client.get_paginator(operation)

        def paginate(**kwargs: Any) -> Iterator[dict[str, Any]]:
            for page in paginator.paginate(PaginationConfig={"PageSize": 2}, **kwargs):
                self.pages += 1
                yield page

        return SimpleNamespace(paginate=paginate)


def test_s3_keys_pages_through_long_listings(s3_bucket: tuple[str, str]) -> None:
    endpoint, bucket = s3_bucket
    client = SmallPages(boto3.client("s3", endpoint_url=endpoint))
    store = S3Store(bucket, prefix="many", client=client)
    S3Store(bucket, prefix="other", client=client).put("k0", b"")
    for key in reversed(LISTED):
        store.put(key, b"")
    assert list(store.keys()) == sorted(LISTED)
    assert client.pages == 4


def test_s3_other_errors_are_not_hidden(s3_bucket: tuple[str, str]) -> None:
    endpoint, _ = s3_bucket
    store = S3Store("no-such-bucket", endpoint_url=endpoint)
    with pytest.raises(ClientError) as info:
        store.get("k")
    assert not isinstance(info.value, BlobNotFound)
    with pytest.raises(ClientError):
        store.put("k", b"1")


def test_s3_invalid_store_prefix_is_refused() -> None:
    with pytest.raises(InvalidKey):
        S3Store("bucket", prefix="../other", client=object())


def test_importing_backends_does_not_load_boto3(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pressroom.config import Settings\n"
        "from pressroom.storage import open_store\n"
        "import pressroom.storage.s3\n"
        "open_store(Settings(data_dir=Path(sys.argv[1])))\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'loaded'\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True)


# --- open_store ------------------------------------------------------------------------------


def test_open_store_file(tmp_path: Path) -> None:
    store = open_store(Settings(data_dir=tmp_path, storage="file"))
    assert isinstance(store, LocalStore)
    assert store.root == (tmp_path / "blobs").resolve()
    store.put("k", b"1")
    assert (tmp_path / "blobs" / "k").read_bytes() == b"1"


def test_open_store_s3(s3_bucket: tuple[str, str]) -> None:
    endpoint, bucket = s3_bucket
    store = open_store(Settings(storage=f"s3://{bucket}/pr/x", s3_endpoint=endpoint))
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix) == (bucket, "pr/x/")
    store.put("k", b"1")
    raw = boto3.client("s3", endpoint_url=endpoint).get_object(Bucket=bucket, Key="pr/x/k")
    assert raw["Body"].read() == b"1"
    bare = open_store(Settings(storage=f"s3://{bucket}", s3_endpoint=endpoint))
    assert isinstance(bare, S3Store)
    assert bare.prefix == ""
    assert list(bare.keys()) == ["pr/x/k"]


@pytest.mark.parametrize("storage", ["s3://", "s3:///prefix", "ftp://x", "", "File"])
def test_open_store_rejects_unknown_storage(storage: str) -> None:
    with pytest.raises(ValueError):
        open_store(Settings(storage=storage))


# --- SeaweedFS -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    weed = require_weed(find_weed())
    started = time.monotonic()
    endpoint, proc = start_seaweedfs(weed, tmp_path_factory.mktemp("seaweedfs"))
    print(f"weed mini ready in {time.monotonic() - started:.1f}s")
    try:
        yield endpoint
    finally:
        stop_seaweedfs(proc)


def test_seaweedfs_round_trip(seaweedfs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    use_aws_test_env(monkeypatch)
    bucket = new_bucket(seaweedfs)
    round_trip(S3Store(bucket, prefix="sw", endpoint_url=seaweedfs))


def test_local_store_sweeps_what_killed_writers_left(tmp_path: Path) -> None:
    """A staging file nobody holds locked is an orphan; one a live writer holds is not."""
    import fcntl
    import os

    from pressroom.storage.local import STAGING, TMP_PREFIX

    store = LocalStore(tmp_path)
    store.put("a/b.jpg", b"x")
    staging = tmp_path / STAGING
    orphan = staging / f"{TMP_PREFIX}dead"
    orphan.write_bytes(b"half")
    live = staging / f"{TMP_PREFIX}live"
    live.write_bytes(b"in progress")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        LocalStore(tmp_path)  # a new process's store sweeps on start
        assert not orphan.exists() and live.exists()
    finally:
        os.close(fd)
    assert store.sweep() == 1 and not live.exists()
    assert list(store.keys()) == ["a/b.jpg"]
    with pytest.raises(InvalidKey):
        store.put(f"{STAGING}/x", b"no")
