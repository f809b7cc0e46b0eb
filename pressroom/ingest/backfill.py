"""Backfills: re-tag or re-master photos already in the catalogue, when a model or a rule
changes. One photo per call; the hosts fan out (`pressroom backfill` on the process pool,
the Step Functions Distributed Map through `pressroom.aws.backfill`).

Modes:

- **retag** reads the stored proxy (`proxies/<id>.jpg`: the upright sRGB <= 640 px image
  ingest tagged, stored at q90) and replaces the record's `tags`. Nothing else is read or
  written. Tags from the stored proxy can differ from ingest's in-memory ones by that JPEG
  step (a sharpness value in its last digits, say); a second retag gives the same tags.
- **remaster** re-runs ingest's NORMALISE (the same `Ingestor.normalise`) on the photo's
  source, rewrites master and proxy at their keys, merges the new fields into the record
  and re-tags from the new proxy. The source is the original upload when the host has it
  (on AWS the uploads bucket keeps originals UploadRetentionDays), else the stored master.
  From an original, the metadata (capture time, GPS, camera, ICC) is read again as well;
  from a master (stripped of metadata) only the master and proxy fields change. An
  upright sRGB JPEG master is kept byte for byte by ingest, so remastering from masters
  is for rule changes in the master step itself (a new encoder, quality, PNG policy).
  `master_sha256` versions thumbnail renditions and cached results, so a changed master
  gets new ones by itself.

Record states never change: a backfill updates the data of an `uploaded` record
(catalogue.update_data), it is not a transition. `missing` records (the upload path owns
them), `rejected` ones and unknown ids are skipped. A source that today's rules refuse is
reported `refused` with its reason and left as it is (a final record stays final; staff
decide). Blobs are written before the record, as in ingest, and every item is idempotent:
a Step Functions retry or a CLI rerun ends in the same record (`changed: false`).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass
from typing import Any

import pyvips

from .errors import Rejected
from .service import Ingestor

MODES = ("retag", "remaster")
# What a remaster from the master may change: the master's own fields and the proxy's.
MASTER_FIELDS = (
    "master", "master_format", "master_bytes", "master_sha256", "master_passthrough",
    "proxy", "proxy_width", "proxy_height",
)  # fmt: skip
# From an original everything ingest records may change but the name it arrived under.
KEEP_FROM_RECORD = ("source_name",)


@dataclass
class BackfillResult:
    id: str
    mode: str
    outcome: str  # retagged | remastered | skipped | refused
    source: str | None = None  # proxy | master | original
    reason: str | None = None  # why skipped or refused
    message: str | None = None
    changed: bool = False  # False when the record already held exactly this
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Backfiller:
    """Backfills over an ingestor's store, catalogue, settings and tagger."""

    def __init__(self, ingestor: Ingestor) -> None:
        self.ingestor = ingestor
        self.store = ingestor.store
        self.catalogue = ingestor.catalogue

    def run(
        self, mode: str, photo_id: str, original: bytes | None = None
    ) -> BackfillResult:
        if mode not in MODES:
            raise ValueError(f"backfill mode must be one of {', '.join(MODES)}, not {mode!r}")
        if mode == "retag" and self.ingestor.tagger is None:
            raise ValueError("retag needs a tagger (tags are off: PRESSROOM_TAGS=0)")
        started = time.perf_counter()
        record = self.catalogue.get(photo_id)
        if record is None or record.state != "uploaded":
            reason = "unknown_photo" if record is None else f"state_{record.state}"
            return self._done(BackfillResult(photo_id, mode, "skipped", reason=reason), started)
        if mode == "retag":
            result = self._retag(photo_id, record.data)
        else:
            result = self._remaster(photo_id, record.data, original)
        return self._done(result, started)

    def _retag(self, photo_id: str, data: dict[str, Any]) -> BackfillResult:
        assert self.ingestor.tagger is not None
        proxy = pyvips.Image.new_from_buffer(self.store.get(data["proxy"]), "")
        tags = self.ingestor.tagger(proxy, data)
        changed = self._update(photo_id, data, {"tags": tags})
        return BackfillResult(photo_id, "retag", "retagged", "proxy", changed=changed)

    def _remaster(
        self, photo_id: str, data: dict[str, Any], original: bytes | None
    ) -> BackfillResult:
        if original is not None:
            sha = hashlib.sha256(original).hexdigest()
            if data.get("sha256") not in (None, sha):
                # Another file under the same key than the one this record was made from.
                return BackfillResult(
                    photo_id, "remaster", "skipped", "original", reason="source_changed"
                )
            source, blob = "original", original
            base = {"sha256": sha, "bytes": len(original)}
        else:
            source, blob, base = "master", self.store.get(data["master"]), {}
        try:
            made, proxy = self.ingestor.normalise(blob, photo_id, dict(base))
        except Rejected as r:
            return BackfillResult(
                photo_id, "remaster", "refused", source, reason=r.reason, message=r.message
            )
        if source == "master":
            fields = {k: made[k] for k in MASTER_FIELDS}
            # passthrough says the master holds the *original's* stream: true of a master
            # that came out unchanged (keep what the record says), false of a new one.
            same = made["master_sha256"] == data.get("master_sha256")
            fields["master_passthrough"] = data.get("master_passthrough") if same else False
        else:
            fields = {k: v for k, v in made.items() if k not in KEEP_FROM_RECORD}
        if self.ingestor.tagger is not None:
            fields["tags"] = self.ingestor.tagger(proxy, {**data, **fields})
        changed = self._update(photo_id, data, fields)
        old_master = data.get("master")
        if old_master and old_master != fields["master"]:  # jpg <-> png: the old one goes
            self.store.delete(old_master)
        return BackfillResult(photo_id, "remaster", "remastered", source, changed=changed)

    def _update(self, photo_id: str, data: dict[str, Any], fields: dict[str, Any]) -> bool:
        """Merge `fields` into the record when any differs (no write, no stream event else)."""
        if all(data.get(k) == v for k, v in fields.items()):
            return False
        self.catalogue.update_data(photo_id, fields)
        return True

    @staticmethod
    def _done(result: BackfillResult, started: float) -> BackfillResult:
        result.seconds = round(time.perf_counter() - started, 4)
        return result
