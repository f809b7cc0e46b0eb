"""One registry of reasons and one error that carries one, as imgproxy's errctx does.

Every code pressroom reports (a refused upload, a failed print job, a design that cannot be
made, an API error, a preflight finding, why a photo was left out) is a `Reason` in
`reasons.toml`: its code, HTTP status, public message, and the staff wording the console
shows. An exception that carries one is a `PressroomError`; its subclasses name the domain.
Dependency-free (tomllib only), so Lambda handlers import it for free.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class Reason:
    domain: str  # upload | print | design | api | config | printable | dropped | preflight
    code: str  # stable: an API, add and never rename
    status: int = 422  # HTTP status when it reaches a client
    public: str = ""  # one line for users and API clients; never internals
    staff: str = ""  # what happened, in plain words (the console)
    tell: str = ""  # what to tell the customer, or what to do
    report: bool = False  # a fault of ours an operator should hear of, not bad input


@cache
def registry() -> dict[tuple[str, str], Reason]:
    raw = tomllib.loads((Path(__file__).parent / "reasons.toml").read_text())
    return {
        (domain, code): Reason(domain, code, **fields)
        for domain, codes in raw.items()
        for code, fields in codes.items()
    }


def codes(domain: str) -> dict[str, Reason]:
    """The reasons of one domain by code, in file order."""
    return {code: r for (d, code), r in registry().items() if d == domain}


def reason(domain: str, code: str | None) -> Reason | None:
    return registry().get((domain, code or ""))


def public(domain: str, code: str | None) -> str:
    r = reason(domain, code)
    return r.public if r else ""


class PressroomError(Exception):
    """An error with a reason from the registry. `detail` is for logs, never for the public
    message; `message` may be given where the public text must name the caller's own input
    (an option it sent), which is never internal."""

    domain: ClassVar[str] = ""

    def __init__(self, code: str, detail: str = "", *, message: str | None = None) -> None:
        info = reason(self.domain, code)
        assert info is not None, f"unregistered reason {self.domain}.{code}"
        super().__init__(f"{code}: {detail}" if detail else code)
        self.info = info
        self.detail = detail
        self._message = message

    @property
    def reason(self) -> str:
        return self.info.code

    @property
    def code(self) -> str:
        return self.info.code

    @property
    def status(self) -> int:
        return self.info.status

    @property
    def message(self) -> str:
        return self._message or self.info.public


class Rejected(PressroomError):
    """An upload that fails the policy."""

    domain = "upload"


class PrintRejected(PressroomError):
    """A print job that can never render (bad spec, photo gone): fail at once, no retry."""

    domain = "print"


class DesignError(PressroomError):
    """A design that cannot be made from these photos for this product."""

    domain = "design"


class ApiError(PressroomError):
    """An HTTP API error: status and public message from the registry."""

    domain = "api"


class ConfigError(PressroomError):
    """A setting that cannot be used (a signing key that is not hex, ...)."""

    domain = "config"
