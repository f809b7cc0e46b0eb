"""Plain words for the codes the system records, for someone answering a customer.

The words for every reason (what happened, what the customer can do) live in the one registry,
pressroom/reasons.toml, under the domain that records the code: upload, print, printable,
dropped, preflight. Codes without staff wording there fall back to the public message recorded
with them (and the code itself). Only the words for states and labels live here.
"""

from __future__ import annotations

from ..reasons import codes, reason

_STATE_WORDS = {
    "missing": "waiting for upload",
    "uploaded": "uploaded",
    "rejected": "rejected",
    "queued": "queued",
    "rendering": "rendering",
    "ready": "ready",
    "failed": "failed",
    "pass": "passed",
    "warn": "passed with warnings",
    "fail": "failed",
}


def _story(domain: str, code: str | None, message: str | None, fallback: str) -> tuple[str, str]:
    r = reason(domain, code)
    if r is not None and r.staff:
        return r.staff, r.tell
    said = message or (r.public if r else "")
    return (said or f"{fallback} ({code or 'no reason recorded'}).", "")


def upload_reason(code: str | None, message: str | None = None) -> tuple[str, str]:
    """(what happened, what to tell the customer) for an upload rejection code."""
    return _story("upload", code, message, "Rejected")


def job_reason(code: str | None, message: str | None = None) -> tuple[str, str]:
    """(what happened, what to do) for a print job's failure code."""
    return _story("print", code, message, "Failed")


def upload_codes() -> list[str]:
    """Every upload rejection code, sorted (the grid's reason filter)."""
    return sorted(codes("upload"))


def printable_reason(code: str) -> str:
    """Why the tagger finds a photo not printable."""
    r = reason("printable", code)
    return r.staff if r is not None and r.staff else code.replace("_", " ")


def preflight_finding(code: str) -> str:
    """What a preflight finding means for the printed book; "" when the registry has no words."""
    r = reason("preflight", code)
    return r.staff if r is not None else ""


def state(code: str | None) -> str:
    return _STATE_WORDS.get(code or "", code or "")


def dropped(code: str) -> str:
    """Why the designer left a photo out; upload rejection codes say so."""
    r = reason("dropped", code)
    if r is not None and r.staff:
        return r.staff
    if reason("upload", code) is not None:
        return f"left out: the upload was rejected ({reason_label(code)})"
    return f"left out: {reason_label(code)}"


def reason_label(code: str) -> str:
    """A short label for a rejection code in a filter list."""
    return code.replace("_", " ")
