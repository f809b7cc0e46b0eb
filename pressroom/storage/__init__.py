"""Blob stores: where masters, proxies and renders live, chosen by Settings.storage."""

from __future__ import annotations

from pressroom.config import Settings
from pressroom.storage.base import BlobNotFound, BlobStore, InvalidKey, check_key, check_prefix
from pressroom.storage.local import LocalStore

__all__ = [
    "BlobNotFound",
    "BlobStore",
    "InvalidKey",
    "LocalStore",
    "check_key",
    "check_prefix",
    "open_store",
]


def open_store(settings: Settings) -> BlobStore:
    """Settings.storage "file" -> data_dir/blobs; "s3://bucket/prefix" -> that bucket and prefix."""
    storage = settings.storage
    if storage == "file":
        return LocalStore(settings.data_dir / "blobs")
    if storage.startswith("s3://"):
        bucket, _, prefix = storage.removeprefix("s3://").partition("/")
        if not bucket:
            raise ValueError(f"storage {storage!r} names no bucket")
        # Imported here so that file-backed runs never load boto3.
        from pressroom.storage.s3 import S3Store

        return S3Store(bucket, prefix=prefix, endpoint_url=settings.s3_endpoint)
    raise ValueError(f"unknown storage {storage!r}: expected 'file' or 's3://bucket/prefix'")
