"""The app API as an OpenAPI 3.1 document, served at /openapi.json.

The design document's JSON Schema (designs/schema/design-v1.json, the one definition) is
embedded under components/schemas: its `$defs` become `Design_<name>` schemas and its
references are rewritten to them, so every OpenAPI tool resolves them without fetching
anything. Each operation's `operationId` is the name of the route that serves it
(tests/test_api_designs.py checks the document against the app's routes both ways).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from ..reasons import codes

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _design_schemas() -> dict[str, Any]:
    from ..designs import schema

    root = copy.deepcopy(schema())
    defs = root.pop("$defs", {})
    for k in ("$schema", "$id"):
        root.pop(k, None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: rewrite(v) for k, v in node.items()}
            ref = out.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                out["$ref"] = f"#/components/schemas/Design_{ref.rsplit('/', 1)[1]}"
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    out = {"Design": rewrite(root)}
    out.update({f"Design_{name}": rewrite(d) for name, d in defs.items()})
    return out


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    known = [*codes("api").values(), *codes("design").values()]  # auto-design's refusals
    out = {}
    for status in statuses:
        names = sorted(r.code for r in known if r.status == status)
        out[str(status)] = _json(_ref("Error"), "Error codes: " + ", ".join(names) + ".")
    return out


_IMAGE = {t: {"schema": {"type": "string", "contentEncoding": "binary"}}
          for t in ("image/jpeg", "image/webp", "image/avif", "image/png")}  # fmt: skip
_PREVIEWS = {
    "type": "array",
    "description": "Signed page-preview URLs of the stored design (`?width=` sets their width).",
    "items": {
        "type": "object",
        "properties": {
            "page": {"oneOf": [{"const": "cover"}, {"type": "integer", "minimum": 1}]},
            "url": {"type": "string"},
        },
    },
}
_WIDTH = {"name": "width", "in": "query", "required": False,
          "schema": {"type": "integer", "minimum": 1, "maximum": 4096, "default": 600},
          "description": "CSS px of the preview URLs (on the size allow-list)."}  # fmt: skip


def _path(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"},
            "description": description}  # fmt: skip


def _schemas() -> dict[str, Any]:
    finding = {
        "type": "object",
        "properties": {
            "level": {"enum": ["fail", "warn"]},
            "code": {"enum": list(codes("design_check"))},
            "message": {"type": "string"},
            "page": {"oneOf": [{"type": "integer"}, {"const": "cover"}, {"type": "null"}]},
            "slot": {"type": ["integer", "null"]},
            "text": {"type": ["integer", "null"]},
        },
        "required": ["level", "code", "message"],
    }
    return {
        **_design_schemas(),
        "Error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"enum": list(codes("api")) + list(codes("design"))},
                "message": {"type": "string"},
                "findings": {"type": "array", "items": _ref("Finding")},
            },
        },
        "Finding": finding,
        "Check": {
            "type": "object",
            "properties": {
                "hash": {"type": ["string", "null"]},
                "status": {"enum": ["pass", "warn", "fail"]},
                "findings": {"type": "array", "items": _ref("Finding")},
                "score": {
                    "type": ["object", "null"],
                    "description": "The document's layout score as it stands (total 0-100, "
                    "weights, terms, goodness, every page); null when it makes no book.",
                },
                "previews": _PREVIEWS,
            },
        },
        "AutoDesignRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["product", "photos"],
            "properties": {
                "product": {"type": "string"},
                "photos": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "title": {"type": "string", "maxLength": 200},
                "pad": {"type": "boolean", "description": "Blank pages to reach the minimum."},
            },
        },
        "Designed": {
            "type": "object",
            "properties": {
                "hash": {"type": "string"},
                "design": _ref("Design"),
                "previews": _PREVIEWS,
                "dropped": {"type": "array", "items": {"type": "object"}},
                "warnings": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Stored": {
            "type": "object",
            "properties": {"hash": {"type": "string"}, "previews": _PREVIEWS},
        },
        "PrintJobRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["order_id", "design"],
            "properties": {"order_id": {"type": "string"}, "design": _ref("Design")},
        },
        "PrintJob": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "order_id": {"type": "string"},
                "state": {"enum": ["queued", "rendering", "ready", "failed"]},
                "attempts": {"type": "integer"},
                "reason": {"type": ["string", "null"]},
                "message": {"type": ["string", "null"]},
                "design": {"type": ["string", "null"], "description": "The design's hash."},
                "book_id": {"type": ["string", "null"]},
                "pages": {"type": ["integer", "null"]},
                "files": {"type": "array", "items": {"type": "string"}},
                "preflight": {"type": ["object", "null"]},
                "created_at": {"type": "number"},
                "updated_at": {"type": "number"},
            },
        },
    }


def _paths() -> dict[str, Any]:
    auth_errors = _errors(401, 400, 413)
    design_body = {"required": True, "content": {"application/json": {"schema": _ref("Design")}}}
    return {
        "/v1/designs": {"post": {
            "operationId": "create_design",
            "summary": "Auto-design a product from photo ids",
            "parameters": [_WIDTH],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("AutoDesignRequest")}}},
            "responses": {"200": _json(_ref("Designed"), "The design, stored."),
                          **auth_errors, **_errors(404, 422)},
        }},
        "/v1/designs/check": {"post": {
            "operationId": "check_design",
            "summary": "Check a design (the codes of `pressroom check`); stored when schema-valid",
            "parameters": [_WIDTH],
            "requestBody": design_body,
            "responses": {"200": _json(_ref("Check"), "The findings."), **auth_errors},
        }},
        "/v1/designs/store": {"post": {
            "operationId": "store_design",
            "summary": "Store a design by its hash, for page previews",
            "parameters": [_WIDTH],
            "requestBody": design_body,
            "responses": {"201": _json(_ref("Stored"), "Stored."), **auth_errors,
                          **_errors(422)},
        }},
        "/v1/designs/{design_hash}": {"get": {
            "operationId": "get_design",
            "summary": "A stored design",
            "parameters": [_path("design_hash", "The design's hash.")],
            "responses": {"200": _json(_ref("Design"), "The design document."),
                          **_errors(401, 404)},
        }},
        "/v1/print-jobs": {"post": {
            "operationId": "submit_print_job",
            "summary": "Print an order's design (idempotent on order_id)",
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("PrintJobRequest")}}},
            "responses": {
                "202": _json(_ref("PrintJob"), "Recorded and queued."),
                "200": _json(_ref("PrintJob"), "The order's job, already recorded."),
                **auth_errors, **_errors(409, 422, 503),
            },
        }},
        "/v1/print-jobs/{job_id}": {"get": {
            "operationId": "get_print_job",
            "summary": "A print job's state, attempts, files, preflight and reason",
            "parameters": [_path("job_id", "The order id.")],
            "responses": {"200": _json(_ref("PrintJob"), "The job."), **_errors(401, 404)},
        }},
        "/{signature}/page/{options}/{design_hash}/{page}": {"get": {
            "operationId": "page_preview",
            "summary": "One page of a stored design as an image (signed like thumbnails)",
            "security": [],
            "parameters": [
                _path("signature", "base64url HMAC-SHA256 of the path after it."),
                _path("options", "w:800 (more segments may follow: h:, dpr:, f:, q:, exp:)."),
                _path("design_hash", "The design's hash."),
                _path("page", "cover, or the interior page 1..N."),
            ],
            "responses": {
                "200": {"description": "The page's trim.", "content": _IMAGE},
                "304": {"description": "Not modified (If-None-Match)."},
                **_errors(400, 403, 404),
            },
        }},
        "/{signature}/{options}/{photo_id}": {"get": {
            "operationId": "thumbnail",
            "summary": "A thumbnail of a photo (see the README's Thumbnails)",
            "security": [],
            "parameters": [
                _path("signature", "base64url HMAC-SHA256 of the path after it."),
                _path("options", "w:400 (more segments may follow)."),
                _path("photo_id", "The photo's id."),
            ],
            "responses": {
                "200": {"description": "The thumbnail.", "content": _IMAGE},
                "304": {"description": "Not modified (If-None-Match)."},
                **_errors(400, 403, 404, 422),
            },
        }},
        "/health": {"get": {
            "operationId": "health", "summary": "Liveness", "security": [],
            "responses": {"200": {"description": "ok"}},
        }},
        "/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document", "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1"}},
        }},
    }  # fmt: skip


@cache
def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "pressroom app API",
            "version": VERSION,
            "description": "Designs, print jobs and live page previews for a photo-printing "
            "app (docs/design-document.md). Off unless PRESSROOM_API_TOKENS is set.",
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(),
        },
    }
