"""What the photo pages show: grid cards, a photo's facts and tags, its look-alikes."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..catalogue.base import STATES, Catalogue, PhotoRecord
from ..curate.duplicates import hamming
from ..curate.item import CurateOptions
from ..photos import Face, PhotoFacts
from .words import printable_reason, upload_reason

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
GRID_LIMIT = 120  # newest photos on one grid page
LOOKALIKE_POOL = 5000  # newest uploaded photos compared with the one shown
LOOKALIKE_TTL = 60.0  # seconds the pool of hashes is reused


@dataclass
class Card:
    id: str
    state: str
    name: str
    reason: str | None
    updated_at: float


def card(rec: PhotoRecord) -> Card:
    return Card(rec.id, rec.state, display_name(rec), rec.reason, rec.updated_at)


def display_name(rec: PhotoRecord) -> str:
    return str(PhotoFacts.from_record(rec).source_name or rec.id)


FIND_SCAN = 5000  # records a name search reads (newest first); an id opens at once


def find_photos(catalogue: Catalogue, text: str, limit: int = GRID_LIMIT) -> list[PhotoRecord]:
    """Photos whose id starts with `text`, or whose original file name contains it (any
    case): what someone answering a customer has ("IMG_2041", "the first 6 of the id")."""
    needle = text.strip().lower()
    out = []
    for rec in catalogue.list(None, None, limit=FIND_SCAN):
        if rec.id.lower().startswith(needle) or needle in display_name(rec).lower():
            out.append(rec)
            if len(out) >= limit:
                break
    return out


def counts(catalogue: Catalogue) -> dict[str, int]:
    found = catalogue.count_by_state()  # every backend has it (catalogue.base.Catalogue)
    return {s: int(found.get(s, 0)) for s in STATES}


def facts(photo: PhotoFacts) -> list[tuple[str, str]]:
    """(label, value) rows about the file and the photo, in the order a person asks."""
    d = photo.data  # what PhotoFacts leaves untyped: file size, camera, profile
    rows: list[tuple[str, str]] = [("Original file name", str(photo.source_name or "—"))]
    if photo.format:
        master = str(d.get("master_format") or "").upper()
        kept = f" (kept as {master})" if master and master != str(photo.format).upper() else ""
        rows.append(("Format", f"{photo.format}{kept}"))
    if photo.width and photo.height:
        w, h = photo.width, photo.height
        rows.append(("Pixels", f"{w} × {h} ({w * h / 1e6:.1f} MP)"))
    if d.get("bytes"):
        rows.append(("File size", size(int(d["bytes"]))))
    if photo.captured_at:
        rows.append(("Taken", str(photo.captured_at).replace("T", " ")))
    camera = " ".join(str(d[k]) for k in ("camera_make", "camera_model") if d.get(k))
    if camera:
        rows.append(("Camera", camera))
    if photo.gps:
        g = photo.gps
        rows.append(("Location", f"{float(g.get('lat', 0)):.5f}, {float(g.get('lon', 0)):.5f}"))
    if d.get("icc_profile"):
        rows.append(("Colour profile", str(d["icc_profile"])))
    if d.get("alpha"):
        rows.append(("Transparency", "yes (kept as PNG)"))
    return rows


def size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def faces(photo: PhotoFacts) -> list[Face]:
    """Face boxes in master pixels (the tagger's `faces`, [x, y, w, h]), numbered as stored."""
    return photo.faces


@dataclass
class TagRow:
    label: str
    value: str
    words: str = ""
    level: str = ""  # "" | good | warn | bad
    meter: float | None = None  # 0..1 for a bar


def tag_rows(photo: PhotoFacts) -> list[TagRow]:
    t = photo.tags
    if not t:
        return []
    printable = t.get("printable") or {}
    reasons = list(printable.get("reasons") or [])
    rows = []
    if "sharpness" in t:
        blurred = "blurred" in reasons
        rows.append(TagRow("Sharpness", f"{float(t['sharpness']):.0f}",
                           "blurred" if blurred else "sharp", "bad" if blurred else "good"))
    if isinstance(t.get("exposure"), dict):
        e = t["exposure"]
        mean = float(e.get("mean", 0))
        look = "very dark" if "too_dark" in reasons else "very bright" if "too_bright" in reasons \
            else "well exposed"
        rows.append(TagRow(
            "Exposure",
            f"brightness {mean:.0%} · {float(e.get('clipped_dark', 0)):.1f}% black · "
            f"{float(e.get('clipped_bright', 0)):.1f}% white",
            look, "good" if look == "well exposed" else "warn",
        ))
    if isinstance(t.get("screenshot"), dict):
        s = float(t["screenshot"].get("score", 0))
        shot = "screenshot" in reasons or s >= 0.5
        rows.append(TagRow("Screenshot score", f"{s:.2f}",
                           "looks like a screenshot or document" if shot else "a camera photo",
                           "bad" if shot else "good"))
    if "quality" in t:
        q = float(t["quality"])
        rows.append(TagRow("Quality", f"{q:.2f}", "good" if q >= 0.6 else "fair" if q >= 0.35
                           else "poor", "good" if q >= 0.6 else "warn" if q >= 0.35 else "bad",
                           meter=max(0.0, min(1.0, q))))
    if printable:
        ok = bool(printable.get("ok", True))
        rows.append(TagRow("Printable", "yes" if ok else "no",
                           "; ".join(printable_reason(r) for r in reasons),
                           "good" if ok else "warn"))
    if "faces" in t:
        n = len(t.get("faces") or [])
        detector = t.get("face_detector") or ""
        rows.append(TagRow("Faces", str(n), f"found by {detector}" if detector else ""))
    return rows


def colours(photo: PhotoFacts) -> list[tuple[str, float]]:
    out = []
    for c in photo.tags.get("colours") or []:
        hex_ = str(c.get("hex", ""))
        if HEX_COLOUR.match(hex_):
            out.append((hex_, float(c.get("share", 0))))
    return out


class Lookalikes:
    """Near-duplicates and bursts of one photo among the newest uploads, by the same rule as
    curation (pHash distance <= near, or <= burst within burst_seconds of capture time)."""

    def __init__(self, catalogue: Catalogue, options: CurateOptions | None = None) -> None:
        self.catalogue = catalogue
        self.options = options or CurateOptions()
        self._lock = threading.Lock()
        self._pool: list[tuple[str, str, float | None]] = []
        self._until = 0.0

    def pool(self) -> list[tuple[str, str, float | None]]:
        with self._lock:
            if time.monotonic() >= self._until:
                recs = self.catalogue.list("uploaded", limit=LOOKALIKE_POOL)
                self._pool = list(_hashed(recs))
                self._until = time.monotonic() + LOOKALIKE_TTL
            return self._pool

    def of(self, photo: PhotoFacts) -> list[tuple[str, int]]:
        """[(photo id, pHash distance)], closest first."""
        phash = photo.tags.get("phash")
        if not phash:
            return []
        ts, o = photo.timestamp, self.options
        out = []
        for pid, other, other_ts in self.pool():
            if pid == photo.id:
                continue
            d = hamming(phash, other)
            close = None not in (ts, other_ts) and abs(ts - other_ts) <= o.burst_seconds  # type: ignore[operator]
            if d <= o.near or (d <= o.burst and close):
                out.append((pid, d))
        return sorted(out, key=lambda x: (x[1], x[0]))


def _hashed(recs: Iterable[PhotoRecord]) -> Iterable[tuple[str, str, float | None]]:
    for r in recs:
        photo = PhotoFacts.from_record(r)
        if photo.tags.get("phash"):
            yield r.id, str(photo.tags["phash"]), photo.timestamp


def summary(rec: PhotoRecord) -> dict[str, Any]:
    """The rejection or waiting story of a record, in plain words."""
    if rec.state == "rejected":
        what, advice = upload_reason(rec.reason, rec.message)
        return {"what": what, "advice": advice, "detail": str(rec.data.get("detail") or "")}
    return {}
