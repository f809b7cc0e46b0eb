"""The console's pages and static files, read from the package: HTML templates under
templates/ (Jinja2, autoescaped), the stylesheet, script and icon under static/. Package data,
so wheels and the Lambda image carry them (pyproject.toml: console/templates/*, static/*)."""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from urllib.parse import quote

import jinja2

from .words import reason_label, state

PACKAGE = "pressroom.console"

# name -> media type of what /static/ serves
STATIC_TYPES = {
    "console.css": "text/css",
    "console.js": "text/javascript",
    "icon.svg": "image/svg+xml",
}


@dataclass(frozen=True)
class StaticFile:
    name: str
    data: bytes
    media_type: str

    @property
    def csp_hash(self) -> str:
        """The CSP source that allows this file's text inlined (`'sha256-…'` without quotes)."""
        return "sha256-" + base64.b64encode(hashlib.sha256(self.data).digest()).decode()


@cache
def static_files() -> dict[str, StaticFile]:
    """Every static file, read once (hashes are computed from what is actually served)."""
    folder = files(PACKAGE) / "static"
    return {
        name: StaticFile(name, (folder / name).read_bytes(), media_type)
        for name, media_type in STATIC_TYPES.items()
    }


def _utc(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(float(ts), UTC) if ts else None


def when(ts: float | None) -> str:
    t = _utc(ts)
    return t.strftime("%d %b %Y, %H:%M UTC") if t else "—"


def iso(ts: float | None) -> str:
    t = _utc(ts)
    return t.isoformat(timespec="seconds") if t else ""


def ago(ts: float | None, now: float | None = None) -> str:
    if not ts:
        return "—"
    s = (now or time.time()) - float(ts)
    if s < 0:
        return when(ts)
    for unit, size in (("day", 86400), ("hour", 3600), ("min", 60)):
        if s >= size:
            n = int(s // size)
            return f"{n} {unit}{'s' if n != 1 and unit != 'min' else ''} ago"
    return "just now"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(PACKAGE, "templates"),
        autoescape=True,  # every page, every value: input is never reflected raw
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=when,
        iso=iso,
        ago=ago,
        seg=lambda s: quote(str(s), safe=""),  # a URL path segment
        state=state,
        reason=reason_label,
        basename=lambda s: str(s).replace("\\", "/").rsplit("/", 1)[-1],  # a file's name only
    )
    return env


def render(template: str, /, **context: object) -> str:
    return environment().get_template(template).render(**context)
