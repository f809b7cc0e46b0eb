"""Customer designs: the public design document (version 1) that an app edits and pressroom
checks and renders exactly.

    from pressroom.designs import from_book, to_book, check, parse, dumps
    doc = from_book(design(photos, "photobook-21x21"))   # auto-design as a document
    book, findings = check(doc, photos_by_id)            # schema, product, photos, fonts
    # book (the layout model) renders with pressroom.render.print.render_book

The schema is schema/design-v1.json (documented in docs/design-document.md). Photos are
`pressroom.photos.PhotoFacts` by id: the host reads them from its catalogue.
"""

from __future__ import annotations

from .check import check
from .convert import from_book, to_book
from .document import SCHEMA_PATH, DesignInvalid, dumps, parse, schema, schema_errors, validated
from .findings import Finding, Findings

__all__ = [
    "SCHEMA_PATH",
    "DesignInvalid",
    "Finding",
    "Findings",
    "check",
    "dumps",
    "from_book",
    "parse",
    "schema",
    "schema_errors",
    "to_book",
    "validated",
]
