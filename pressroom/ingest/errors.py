"""Why an upload is refused: a stable code for machines, one public line for people."""

from __future__ import annotations

from ..reasons import Rejected, codes

__all__ = ["REASONS", "Rejected", "decode_failure"]

# The codes and their words live in the one registry (pressroom/reasons.toml, "upload").
REASONS: dict[str, str] = {code: r.public for code, r in codes("upload").items()}


_TRUNCATION_HINTS = (
    "premature end",
    "truncated",
    "unexpected end",
    "outside of file bounds",
    "insufficient input",
    "not enough data",
    "end of file",
    "eof",
)


# A decoder that ran out of its memory budget (pressroom.batch's RLIMIT_DATA) says so in
# its own words; like MemoryError, that means the image needs more than a file may take.
_MEMORY_HINTS = ("out of memory", "memory allocation", "cannot allocate memory", "bad_alloc")


def decode_failure(exc: BaseException) -> Rejected:
    """Classify a decoder's complaint: a cut-off file, damaged data, or out of memory."""
    text = str(exc).strip().splitlines()
    detail = " | ".join(line.strip() for line in text if line.strip())[:300]
    lowered = detail.lower()
    if any(h in lowered for h in _MEMORY_HINTS):
        return Rejected("too_many_pixels", detail)
    reason = "truncated" if any(h in lowered for h in _TRUNCATION_HINTS) else "corrupt"
    return Rejected(reason, detail or type(exc).__name__)
