"""Ingest one upload end to end: judge it, write its master, settle its catalogue record.

Order matters for crash safety: blobs are written (atomically, at keys derived from the
photo id) before the record turns `uploaded`, so a record never points at a missing master,
and a retry after any crash rewrites the same keys and finds the record still `missing`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyvips

from ..catalogue.base import Catalogue, PhotoRecord
from ..config import Settings
from ..formats import content_type
from ..ids import ID_RULE, is_id, master_key, photo_id_for, proxy_key
from ..imaging import encode_jpeg
from ..storage.base import BlobStore
from .context import NO_BUDGET, Budget, IngestContext
from .errors import Rejected
from .pipeline import NORMALISE, run

# q90 with colour at full size (4:4:4, as libvips' jpegsave has it from q90): thumbnails up
# to the proxy's size render from it (pressroom.render.renditions), within 1 dB PSNR of a
# render from the master.
PROXY_QUALITY = 90
# tagger(proxy, record_data) -> tags. The proxy is upright sRGB, <= proxy_size px; boxes
# the tagger reports are in upright master pixels (record_data has "width"/"height").
Tagger = Callable[[pyvips.Image, dict[str, Any]], dict[str, Any]]


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
        budget: Budget = NO_BUDGET,
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.settings = settings or Settings()
        self.tagger = tagger
        self.budget = budget  # the host's per-file budget (pressroom.batch.files in a worker)

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
        if photo_id is not None and not is_id(photo_id):
            raise ValueError(f"invalid photo id {photo_id!r}: {ID_RULE}")
        sha = hashlib.sha256(data).hexdigest()
        pid = photo_id or photo_id_for(sha)
        existing = self.catalogue.get(pid)
        if existing is not None and existing.state != "missing":
            return self._result(name, existing, changed=False, started=started)
        base = {"source_name": Path(name).name, "sha256": sha, "bytes": len(data)}
        try:
            data_out, proxy = self.normalise(data, pid, base)
        except Rejected as r:
            return self._reject(name, pid, r, base, started)
        if self.tagger is not None:
            data_out["tags"] = self.tagger(proxy, data_out)
        record, changed = self.catalogue.complete(pid, "uploaded", data=data_out)
        return self._result(name, record, changed=changed, started=started)

    def normalise(
        self, data: bytes, pid: str, base: dict[str, Any]
    ) -> tuple[dict[str, Any], pyvips.Image]:
        """Judge `data` and write its master and proxy under `pid`; no record is touched.
        Returns the record data (`base` + metadata + blob keys; no tags) and the in-memory
        proxy. Raises Rejected (`base` gains the format when the header was read). Ingest
        and backfills (pressroom.ingest.backfill) share it."""
        s = self.settings
        ctx = IngestContext(
            data=data,
            limits=s.limits,
            proxy_size=s.proxy_size,
            master_quality=s.master_quality,
            budget=self.budget,
        )
        try:
            run(NORMALISE, ctx)
        except Rejected:
            if ctx.header is not None:
                base["format"] = ctx.header.format
            raise
        assert ctx.master is not None and ctx.master_format and ctx.proxy is not None
        mkey = master_key(pid, ctx.master_format)
        self.store.put(mkey, ctx.master, content_type(ctx.master_format))
        proxy = encode_jpeg(ctx.proxy, PROXY_QUALITY, half_chroma=False)
        self.store.put(proxy_key(pid), proxy, content_type("jpeg"))
        data_out: dict[str, Any] = {
            **base,
            **ctx.meta,
            "master": mkey,
            "master_format": ctx.master_format,
            "master_bytes": len(ctx.master),
            # names the master's version: thumbnail renditions and results are keyed by it
            "master_sha256": hashlib.sha256(ctx.master).hexdigest(),
            "master_passthrough": ctx.passthrough,
            "proxy": proxy_key(pid),
            "proxy_width": ctx.proxy.width,
            "proxy_height": ctx.proxy.height,
        }
        return data_out, ctx.proxy

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


def record_rejection(
    catalogue: Catalogue, path: Path, photo_id: str | None, r: Rejected, seconds: float
) -> IngestResult:
    """Refuse a file the host could not judge (its worker was killed over budget, or died):
    the record turns `rejected` with the reason, like any other refused upload (and a retry
    finds it final). Written by the parent, which holds only the catalogue."""
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    pid = photo_id or photo_id_for(sha)
    meta = {"source_name": path.name, "sha256": sha, "bytes": len(data), "detail": r.detail}
    rec, changed = catalogue.complete(
        pid, "rejected", reason=r.reason, message=r.message, data=meta
    )
    return IngestResult(
        path=str(path),
        id=rec.id,
        verdict="accept" if rec.state == "uploaded" else "reject",
        state=rec.state,
        reason=rec.reason,
        message=rec.message,
        changed=changed,
        seconds=round(seconds, 4),
    )
