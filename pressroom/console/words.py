"""Plain words for the codes the system records, for someone answering a customer.

Each explanation says what happened and what the customer can do. Codes without an entry here
fall back to the public message recorded with them (and the code itself).
"""

from __future__ import annotations

from ..ingest.errors import REASONS as UPLOAD_MESSAGES
from ..printjobs import JOB_REASONS

# Upload rejections (ingest/errors.py): (what happened, what the customer can do).
UPLOAD: dict[str, tuple[str, str]] = {
    "empty": (
        "The upload arrived with no data at all (0 bytes).",
        "Ask them to upload the photo again; the transfer was probably interrupted.",
    ),
    "not_an_image": (
        "The file is not a picture: it is a document, an archive or some other kind of file.",
        "Ask them to choose the photo itself (JPEG, PNG, WebP, HEIC or AVIF).",
    ),
    "unsupported_format": (
        "The file is a picture, but in a format we do not print from (for example GIF, TIFF "
        "or BMP).",
        "Ask them to save or export it as JPEG (or PNG) and upload it again.",
    ),
    "truncated": (
        "The file is cut off before its end, so part of the picture is missing.",
        "Usually an interrupted upload or copy: ask them to upload the original again.",
    ),
    "corrupt": (
        "The picture data inside the file is damaged and cannot be read cleanly.",
        "Ask them to open the photo on their device; if it looks fine there, export a new copy "
        "and upload that.",
    ),
    "too_many_pixels": (
        "The picture has more pixels than we accept.",
        "Ask them to upload a smaller version (any modern phone photo fits).",
    ),
    "too_large": (
        "The file is bigger than the upload size limit.",
        "Ask them to upload a smaller version, or a JPEG instead of an uncompressed format.",
    ),
    "decompression_bomb": (
        "The file claims to unpack into far more data than a real photo of its size would: it "
        "looks crafted to overload servers.",
        "Do not ask for it again; ask which photo they meant and have them upload that.",
    ),
    "timeout": (
        "Reading the picture took longer than we allow, which real photos never need.",
        "Ask them to export the photo again as JPEG and upload that copy.",
    ),
}

# Print jobs (jobs/__init__.py).
JOB: dict[str, tuple[str, str]] = {
    "invalid_book": (
        "The order's book description could not be printed as it is (bad page or layout data).",
        "This needs the product team: the order will not print by itself.",
    ),
    "missing_photo": (
        "A photo used in the book is no longer available in storage.",
        "Ask the customer to upload the photo again, then re-order or re-submit the book.",
    ),
    "render_error": (
        "Producing the print files failed.",
        "It was retried automatically; if it stays failed, pass the job id to engineering.",
    ),
    "timeout": (
        "Producing the print files took longer than allowed.",
        "Very large books can hit this; pass the job id to engineering.",
    ),
}

# The tagger's printable verdict (tags/steps/printable.py).
PRINTABLE: dict[str, str] = {
    "too_small": "too few pixels for a sharp print (the short side is under 800 px)",
    "blurred": "looks blurred or out of focus",
    "too_dark": "very dark",
    "too_bright": "very bright / washed out",
    "screenshot": "looks like a screenshot or a document, not a photo",
}

# Why the book designer left a photo out (templates/designer).
DROPPED: dict[str, str] = {
    "blurred": "left out: blurred",
    "duplicate": "left out: a near-duplicate of a better photo",
    "screenshot": "left out: a screenshot or document",
    "missing": "left out: not uploaded yet",
    "not_uploaded": "left out: not uploaded yet",
    "not_found": "left out: no such photo",
}

# Preflight findings (preflight/checks): what each means for the printed book.
PREFLIGHT: dict[str, str] = {
    "low_ppi": "A photo prints below the target resolution: it may look soft up close.",
    "bleed": "The page has less bleed than the printer needs: a white edge may show.",
    "size": "The page size does not match the product.",
    "page_count": "The number of pages does not suit the product.",
    "spine": "The cover's spine width does not match the page count.",
    "font_not_embedded": "A font is missing from the file: text may print wrongly.",
    "colour_space": "A colour space the printer does not accept.",
    "no_trimbox": "The page has no trim box (the printer cannot tell where to cut).",
    "no_bleedbox": "The page has no bleed box.",
    "boxes": "The page boxes are inconsistent.",
    "not_pdfx": "The file is not PDF/X, which the printer requires.",
}

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


def upload_reason(code: str | None, message: str | None = None) -> tuple[str, str]:
    """(what happened, what to tell the customer) for an upload rejection code."""
    if code in UPLOAD:
        return UPLOAD[code]
    said = message or UPLOAD_MESSAGES.get(code or "", "")
    return (said or f"Rejected ({code or 'no reason recorded'}).", "")


def job_reason(code: str | None, message: str | None = None) -> tuple[str, str]:
    if code in JOB:
        return JOB[code]
    said = message or JOB_REASONS.get(code or "", "")
    return (said or f"Failed ({code or 'no reason recorded'}).", "")


def state(code: str | None) -> str:
    return _STATE_WORDS.get(code or "", code or "")


def dropped(code: str) -> str:
    """Why the designer left a photo out; upload rejection codes say so."""
    if code in DROPPED:
        return DROPPED[code]
    if code in UPLOAD_MESSAGES:
        return f"left out: the upload was rejected ({reason_label(code)})"
    return f"left out: {reason_label(code)}"


def reason_label(code: str) -> str:
    """A short label for a rejection code in a filter list."""
    return code.replace("_", " ")
