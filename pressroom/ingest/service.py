"""Ingest one upload end to end: judge it, write its master, settle its catalogue record.

Order matters for crash safety: blobs are written (atomically, at keys derived from the
photo id) before the record turns `uploaded`, so a record never points at a missing master,
and a retry after any crash rewrites the same keys and finds the record still `missing`.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyvips

from ..catalogue.base import Catalogue, PhotoRecord
from ..config import Settings
from ..storage.base import BlobStore
from .errors import Rejected
from .job import Job
from .pipeline import NORMALISE, run

PROXY_QUALITY = 85
# What a photo id may be: it names blobs and URLs, so no "/" or "." can ever slip in.
PHOTO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# tagger(proxy, record_data) -> tags. The proxy is upright sRGB, <= proxy_size px; boxes
# the tagger reports are in upright master pixels (record_data has "width"/"height").
Tagger = Callable[[pyvips.Image, dict[str, Any]], dict[str, Any]]


def photo_id_for(sha256_hex: str) -> str:
    """Content-derived id: the same upload always lands on the same record (96 bits)."""
    return sha256_hex[:24]


def master_key(photo_id: str, fmt: str) -> str:
    return f"masters/{photo_id}.{'png' if fmt == 'png' else 'jpg'}"


def proxy_key(photo_id: str) -> str:
    return f"proxies/{photo_id}.jpg"


@dataclass
class IngestResult:
    path: str
    id: str | None
    verdict: str  # accept | reject
    state: str | None  # the record's state after this call
    reason: str | None = None
    message: str | None = None
    format: str | None = None
    width: int | None = None
    height: int | None = None
    master: str | None = None
    changed: bool = False  # False when the record was already final (a repeat)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_upload(path: Path, settings: Settings) -> bytes:
    """Refuse oversize files from their size alone, before reading a byte."""
    size = path.stat().st_size
    if size > settings.limits.max_bytes:
        raise Rejected("too_large", f"{size} bytes > {settings.limits.max_bytes}")
    return path.read_bytes()


class Ingestor:
    def __init__(
        self,
        store: BlobStore,
        catalogue: Catalogue,
        settings: Settings | None = None,
        tagger: Tagger | None = None,
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.settings = settings or Settings()
        self.tagger = tagger

    def ingest_path(self, path: Path, photo_id: str | None = None) -> IngestResult:
        started = time.perf_counter()
        try:
            data = read_upload(path, self.settings)
        except Rejected as r:
            # Too large to read: the id cannot come from the content, so from the name.
            pid = photo_id or photo_id_for(hashlib.sha256(str(path).encode()).hexdigest())
            return self._reject(str(path), pid, r, {"bytes": path.stat().st_size}, started)
        return self.ingest_bytes(data, str(path), photo_id, started)

    def ingest_bytes(
        self, data: bytes, name: str, photo_id: str | None = None, started: float | None = None
    ) -> IngestResult:
        started = time.perf_counter() if started is None else started
        if photo_id is not None and not PHOTO_ID.fullmatch(photo_id):
            raise ValueError(f"invalid photo id {photo_id!r}: 1-64 of A-Z a-z 0-9 _ -")
        sha = hashlib.sha256(data).hexdigest()
        pid = photo_id or photo_id_for(sha)
        existing = self.catalogue.get(pid)
        if existing is not None and existing.state != "missing":
            return self._result(name, existing, changed=False, started=started)
        s = self.settings
        job = Job(
            data=data, limits=s.limits, proxy_size=s.proxy_size, master_quality=s.master_quality
        )
        base = {"source_name": Path(name).name, "sha256": sha, "bytes": len(data)}
        try:
            run(NORMALISE, job)
        except Rejected as r:
            if job.header is not None:
                base["format"] = job.header.format
            return self._reject(name, pid, r, base, started)
        assert job.master is not None and job.master_format and job.proxy is not None
        mkey = master_key(pid, job.master_format)
        content_type = "image/png" if job.master_format == "png" else "image/jpeg"
        self.store.put(mkey, job.master, content_type)
        proxy = job.proxy.jpegsave_buffer(Q=PROXY_QUALITY, keep="none")
        self.store.put(proxy_key(pid), proxy, "image/jpeg")
        data_out: dict[str, Any] = {
            **base,
            **job.meta,
            "master": mkey,
            "master_format": job.master_format,
            "master_bytes": len(job.master),
            "master_passthrough": job.passthrough,
            "proxy": proxy_key(pid),
            "proxy_width": job.proxy.width,
            "proxy_height": job.proxy.height,
        }
        if self.tagger is not None:
            data_out["tags"] = self.tagger(job.proxy, data_out)
        record, changed = self.catalogue.complete(pid, "uploaded", data=data_out)
        return self._result(name, record, changed=changed, started=started)

    def _reject(
        self, name: str, pid: str, r: Rejected, data: dict[str, Any], started: float
    ) -> IngestResult:
        data = {**data, "detail": r.detail}
        record, changed = self.catalogue.complete(
            pid, "rejected", reason=r.reason, message=r.message, data=data
        )
        return self._result(name, record, changed=changed, started=started)

    @staticmethod
    def _result(name: str, rec: PhotoRecord, changed: bool, started: float) -> IngestResult:
        d = rec.data
        return IngestResult(
            path=name,
            id=rec.id,
            verdict="accept" if rec.state == "uploaded" else "reject",
            state=rec.state,
            reason=rec.reason,
            message=rec.message,
            format=d.get("format"),
            width=d.get("width"),
            height=d.get("height"),
            master=d.get("master"),
            changed=changed,
            seconds=round(time.perf_counter() - started, 4),
        )
