"""A check's findings: stable codes of the `design_check` domain in pressroom/reasons.toml,
each about the whole document, a page, one of its slots or one of its texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pressroom.reasons import reason

DOMAIN = "design_check"
Level = Literal["fail", "warn"]
Where = int | Literal["cover"] | None  # interior page number (1-based), the cover, or none


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    message: str  # what is wrong with this design, in its own terms
    page: Where = None
    slot: int | None = None  # 1-based, in the layout's frame order
    text: int | None = None  # 1-based

    def __post_init__(self) -> None:
        assert reason(DOMAIN, self.code) is not None, f"unregistered finding {self.code}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "page": self.page,
            "slot": self.slot,
            "text": self.text,
        }

    def where(self) -> str:
        parts = []
        if self.page is not None:
            parts.append("cover" if self.page == "cover" else f"page {self.page}")
        if self.slot is not None:
            parts.append(f"slot {self.slot}")
        if self.text is not None:
            parts.append(f"text {self.text}")
        return ", ".join(parts) or "document"


@dataclass
class Findings:
    items: list[Finding] = field(default_factory=list)

    def add(
        self,
        level: Level,
        code: str,
        message: str,
        page: Where = None,
        slot: int | None = None,
        text: int | None = None,
    ) -> None:
        self.items.append(Finding(level, code, message, page, slot, text))

    @property
    def ok(self) -> bool:
        return not any(f.level == "fail" for f in self.items)

    @property
    def status(self) -> str:
        if not self.ok:
            return "fail"
        return "warn" if self.items else "pass"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "findings": [f.to_dict() for f in self.items]}
