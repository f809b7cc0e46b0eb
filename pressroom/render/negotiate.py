"""`f:auto`: the best format the client accepts, from its Accept header. Pure Python; content
types and extensions are in pressroom.formats."""

from __future__ import annotations


def accepted(accept: str | None) -> set[str]:
    """Media types the header accepts explicitly (q > 0). Wildcards say nothing about AVIF."""
    out: set[str] = set()
    for item in (accept or "").split(","):
        media, *params = (p.strip() for p in item.split(";"))
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            out.add(media.lower())
    return out


def choose_format(requested: str, accept: str | None, alpha: bool) -> str:
    """AVIF, then WebP (both keep alpha), else JPEG, or PNG when the master has alpha."""
    if requested != "auto":
        return requested
    types = accepted(accept)
    if "image/avif" in types:
        return "avif"
    if "image/webp" in types:
        return "webp"
    return "png" if alpha else "jpeg"


def accept_key(accept: str | None) -> str:
    """The normalised Accept a CDN should key on: only what changes the answer."""
    types = accepted(accept)
    return "image/avif" if "image/avif" in types else "image/webp" if "image/webp" in types else ""
