"""The design document, version 1: what a customer designed, as JSON, checked against the
JSON Schema shipped beside this module (schema/design-v1.json, documented in
docs/design-document.md). Plain dicts in and out: the schema is the one definition.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "design-v1.json"
VERSION = 1
# Fractions are written with 6 decimals: 0.004 px on a 4000 px photo, readable by people.
DECIMALS = 6


@cache
def schema() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return doc


@cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(schema())


def where(path: Any) -> str:
    """A JSON path as people read it: pages[3].slots[1].crop."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def schema_errors(doc: Any) -> list[tuple[str, str]]:
    """(where, what) for each way `doc` breaks the schema; empty when it is valid."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.path)))
    return [(where(e.absolute_path), e.message[:300]) for e in errors]


class DesignInvalid(ValueError):
    """A document that breaks the schema (or is not JSON); `errors` lists (where, what)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{w}: {m}" for w, m in errors[:5]))


def parse(text: str | bytes) -> dict[str, Any]:
    """JSON text -> a valid document; DesignInvalid otherwise."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise DesignInvalid([("(document)", f"not JSON: {e}")]) from None
    return validated(doc)


def validated(doc: Any) -> dict[str, Any]:
    errors = schema_errors(doc)
    if errors:
        raise DesignInvalid(errors)
    assert isinstance(doc, dict)  # the schema's top level is an object
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """The document as people edit it: indented, keys in the schema's order, one line for
    each crop and box."""
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    # Short number lists (crops, boxes) on one line.
    import re

    return (
        re.sub(
            r"\[\s+(-?[\d.e-]+),\s+(-?[\d.e-]+),\s+(-?[\d.e-]+),\s+(-?[\d.e-]+)\s+\]",
            r"[\1, \2, \3, \4]",
            text,
        )
        + "\n"
    )


def colour_hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb[:3])


def colour_rgb(value: str) -> tuple[float, float, float]:
    v = value.lstrip("#")
    return (int(v[0:2], 16) / 255, int(v[2:4], 16) / 255, int(v[4:6], 16) / 255)
