"""Blobs as objects in one S3 bucket (AWS, or moto / SeaweedFS / MinIO through endpoint_url)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pressroom.storage.base import BlobNotFound, InvalidKey, check_key, check_prefix

if TYPE_CHECKING:
    from botocore.client import BaseClient

# head_object has no body, so a missing key comes back as a bare HTTP status code.
_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3Store:
    inline_reads = False  # every get is a network round trip: keep it off the event loop

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: BaseClient | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        # boto3 is imported here, not at module top: it costs ~0.2 s and most runs use files.
        from botocore.exceptions import ClientError

        if client is None:
            import boto3
            from botocore.config import Config

            # Local S3 look-alikes serve http://host:port/bucket/key; virtual-host style
            # (bucket.host) would need DNS they do not have.
            config = Config(s3={"addressing_style": "path"}) if endpoint_url else None
            client = boto3.client("s3", endpoint_url=endpoint_url, config=config)
        self._client: Any = client
        self._client_error: type[ClientError] = ClientError
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = check_key(prefix) + "/" if prefix else ""

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _missing(self, error: Exception) -> bool:
        return (
            isinstance(error, self._client_error)
            and error.response.get("Error", {}).get("Code") in _MISSING
        )

    def put(
        self, key: str, data: bytes, content_type: str | None = None, *, durable: bool = True
    ) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self._client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, **extra)

    def get(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self._client_error as e:
            if self._missing(e):
                raise BlobNotFound(key) from None
            raise
        body = response["Body"]
        try:
            data: bytes = body.read()
            return data
        finally:
            body.close()

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self._client_error as e:
            if self._missing(e):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        # S3 answers 204 for an absent key already; some look-alikes answer 404 instead.
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except self._client_error as e:
            if not self._missing(e):
                raise

    def keys(self, prefix: str = "") -> Iterator[str]:
        check_prefix(prefix)
        paginator = self._client.get_paginator("list_objects_v2")
        found: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for obj in page.get("Contents", []):
                key = obj["Key"][len(self.prefix) :]
                # Objects other tools left under names no key can have ("dir/" markers and
                # the like) are not blobs of this store: get() would refuse them anyway.
                if _is_key(key):
                    found.append(key)
        # S3 promises UTF-8 binary order, but SeaweedFS lists folder by folder ("a/b" before
        # "a-b"), so order is not left to the server.
        return iter(sorted(found))


def _is_key(key: str) -> bool:
    try:
        check_key(key)
    except InvalidKey:
        return False
    return True
