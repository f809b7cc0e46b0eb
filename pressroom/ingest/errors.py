"""Why an upload is refused: a stable code for machines, one public line for people."""

from __future__ import annotations

# code -> what the user is told. Codes are an API: add, never rename.
REASONS: dict[str, str] = {
    "empty": "The file is empty.",
    "not_an_image": "The file is not an image.",
    "unsupported_format": "This format is not accepted; upload JPEG, PNG, WebP, HEIC or AVIF.",
    "truncated": "The image file is incomplete (cut off before its end).",
    "corrupt": "The image data is damaged and cannot be decoded cleanly.",
    "too_many_pixels": "The image has too many pixels.",
    "too_large": "The file is too large.",
    "decompression_bomb": "The file expands to far more data than an image of its size may.",
    "timeout": "The image took too long to process.",
}


class Rejected(Exception):
    """An upload that fails the policy. `detail` is for logs, never for the public message."""

    def __init__(self, reason: str, detail: str = "") -> None:
        assert reason in REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def message(self) -> str:
        return REASONS[self.reason]


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
