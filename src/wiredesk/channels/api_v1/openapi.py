"""The OpenAPI 3.1 document of the subscribers' API, served at `/api/openapi.json`.

Written by hand, as data, beside the handlers it describes: the test suite runs schemathesis
against the running API with this document (tests/channels/api_v1), so a handler that answers
a status or a shape the document does not name fails there. The `Ninjs` schema is the subset
of ninjs 2.1 this API writes (channels/api_v1/ninjs.py), closed to other properties as ninjs
2.x itself is.
"""

from __future__ import annotations

from typing import Any

from wiredesk.config import Settings
from wiredesk.version import __version__

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

_TEXT = {"type": "string"}
_TIME = {"type": "string", "format": "date-time"}


def _role_values(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props = {"role": _TEXT, "contenttype": _TEXT, "value": _TEXT, **(extra or {})}
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["value"],
            "additionalProperties": False,
            "properties": props,
        },
    }


def _named(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": props}
    if required:
        item["required"] = required
    return {"type": "array", "items": item}


def _ninjs_properties() -> dict[str, Any]:
    return {
        "uri": {"type": "string", "format": "uri"},
        "type": {"type": "string", "enum": ["text", "picture", "composite"]},
        "representationtype": {"type": "string", "enum": ["full", "partial"]},
        "version": _TEXT,
        "firstcreated": _TIME,
        "versioncreated": _TIME,
        "embargoed": _TIME,
        "pubstatus": {"type": "string", "enum": ["usable", "canceled"]},
        "urgency": {"type": "integer", "minimum": 1, "maximum": 9},
        "copyrightnotice": _TEXT,
        "usageterms": _TEXT,
        "language": _TEXT,
        "headlines": _role_values(),
        "descriptions": _role_values(),
        "bodies": _role_values({"charcount": {"type": "number"}, "wordcount": {"type": "number"}}),
        "by": _TEXT,
        "slugline": _TEXT,
        "located": _TEXT,
        "subjects": _named(
            {
                "name": _TEXT,
                "rel": _TEXT,
                "uri": {"type": "string", "format": "uri"},
                "literal": _TEXT,
            }
        ),
        "infosources": _named(
            {
                "name": _TEXT,
                "role": _TEXT,
                "uri": {"type": "string", "format": "uri"},
                "literal": _TEXT,
            }
        ),
        "altids": _named({"role": _TEXT, "value": _TEXT}),
        "renditions": _named(
            {
                "name": _TEXT,
                "href": {"type": "string", "format": "uri"},
                "contenttype": _TEXT,
                "width": {"type": "number"},
                "height": {"type": "number"},
            },
            ["name"],
        ),
        "standard": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"name": _TEXT, "version": _TEXT, "schema": _TEXT},
        },
    }


def _schemas() -> dict[str, Any]:
    ninjs = _ninjs_properties()
    association = {
        "type": "object",
        "required": ["name", "uri"],
        "additionalProperties": False,
        "properties": {"name": _TEXT, **ninjs},
    }
    problem = {
        "type": "object",
        "required": ["status", "title", "detail"],
        "properties": {"status": {"type": "integer"}, "title": _TEXT, "detail": _TEXT},
    }
    next_link = {"type": ["string", "null"], "description": "The next page's path, or null."}
    return {
        "Ninjs": {
            "type": "object",
            "description": "A copy, a version or a story as an IPTC ninjs 2.1 object.",
            "required": ["uri", "type", "pubstatus", "headlines", "firstcreated", "versioncreated"],
            "additionalProperties": False,
            "properties": {
                **ninjs,
                "associations": {"type": "array", "items": association},
            },
        },
        "ItemList": {
            "type": "object",
            "required": ["items", "next"],
            "additionalProperties": False,
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Ninjs"}},
                "next": next_link,
            },
        },
        "StoryList": {
            "type": "object",
            "required": ["stories", "next"],
            "additionalProperties": False,
            "properties": {
                "stories": {"type": "array", "items": {"$ref": "#/components/schemas/Ninjs"}},
                "next": next_link,
            },
        },
        "VersionList": {
            "type": "object",
            "required": ["versions"],
            "additionalProperties": False,
            "properties": {
                "versions": {"type": "array", "items": {"$ref": "#/components/schemas/Ninjs"}}
            },
        },
        "Problem": problem,
    }


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    if headers:
        out["headers"] = headers
    return out


_ETAG = {"ETag": {"schema": {"type": "string"}, "required": True}}


def _ok(schema: str, description: str, paged: bool = False) -> dict[str, Any]:
    headers = dict(_ETAG)
    if paged:
        headers["Link"] = {
            "description": 'The next page, `<path>; rel="next"`, when there is one.',
            "schema": {"type": "string"},
        }
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _keyed_responses(ok: dict[str, Any], *extra: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "200": ok,
        "304": {"description": "Not modified: the `If-None-Match` ETag is current."},
        "401": _problem(
            "No key, or an unknown or revoked one.",
            {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
        ),
        "429": _problem(
            "Over the key's budget of requests a minute.",
            {"Retry-After": {"schema": {"type": "integer", "minimum": 1}, "required": True}},
        ),
        "503": _problem(
            "The database cannot answer now (away, or the request ran out of time).",
            {"Retry-After": {"schema": {"type": "integer", "minimum": 1}, "required": True}},
        ),
    }
    texts = {
        "400": "A parameter is malformed (the detail says which and how).",
        "403": "The key asked for a source outside its scope.",
        "404": "No such copy or story is public (for this key).",
        "410": "The copy was taken down; its versions are not served.",
    }
    for status in extra:
        out[status] = _problem(texts[status])
    return out


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _list_parameters(with_state: bool) -> list[dict[str, Any]]:
    params = [
        _query(
            "limit",
            f"Objects a page (default {DEFAULT_LIMIT}).",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        ),
        _query(
            "cursor", "Where the page starts: the `cursor` of a `next` link.", {"type": "string"}
        ),
        _query("since", "First published at or after this time.", _TIME),
        _query(
            "updated_since",
            "Published, updated, released from embargo or taken down at or after this time.",
            _TIME,
        ),
        _query(
            "source",
            "Comma-separated source ids; each must be in the key's scope (else 403).",
            {"type": "string", "minLength": 1, "pattern": "[^,\\s]"},
        ),
        _query("section", "A section's slug.", {"type": "string", "minLength": 1, "maxLength": 64}),
        _query(
            "language",
            "A BCP 47 tag, as stored (`hi`, `en`).",
            {"type": "string", "minLength": 1, "maxLength": 64},
        ),
    ]
    if with_state:
        params.append(
            _query(
                "state",
                "`usable` (public copies) or `canceled` (taken down); both when absent.",
                {"type": "string", "enum": ["usable", "canceled"]},
            )
        )
    return params


def openapi_document(settings: Settings) -> dict[str, Any]:
    """The document, with the site's own address as its server."""
    short_id = {
        "name": "short_id",
        "in": "path",
        "required": True,
        "description": "The copy's short id (its `altids` entry with role `shortid`).",
        "schema": {"type": "string", "pattern": "^[a-z2-7]{8,16}$"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.site.name}: subscribers' API",
            "version": __version__,
            "description": (
                "Copies and stories as IPTC ninjs 2.1. Copies taken down after publication "
                "are listed with pubstatus `canceled` and no text. See docs/api.md."
            ),
        },
        "servers": [{"url": settings.site.base_url}],
        "security": [{"apiKey": []}],
        "paths": {
            "/api/v1/items": {
                "get": {
                    "summary": "Copies, newest first",
                    "operationId": "listItems",
                    "parameters": _list_parameters(True),
                    "responses": _keyed_responses(
                        _ok("ItemList", "A page of copies.", True), "400", "403"
                    ),
                }
            },
            "/api/v1/items/{short_id}": {
                "get": {
                    "summary": "One copy",
                    "operationId": "getItem",
                    "parameters": [short_id],
                    "responses": _keyed_responses(_ok("Ninjs", "The copy."), "403", "404"),
                }
            },
            "/api/v1/items/{short_id}/versions": {
                "get": {
                    "summary": "A copy's versions the public could read, oldest first",
                    "operationId": "getItemVersions",
                    "parameters": [short_id],
                    "responses": _keyed_responses(
                        _ok("VersionList", "The versions."), "403", "404", "410"
                    ),
                }
            },
            "/api/v1/stories": {
                "get": {
                    "summary": "Stories by their lead copy, newest first",
                    "operationId": "listStories",
                    "parameters": _list_parameters(False),
                    "responses": _keyed_responses(
                        _ok("StoryList", "A page of stories.", True), "400", "403"
                    ),
                }
            },
            "/api/v1/stories/{story_id}": {
                "get": {
                    "summary": "One story and its copies",
                    "operationId": "getStory",
                    "parameters": [
                        {
                            "name": "story_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 10**17},
                        }
                    ],
                    "responses": _keyed_responses(_ok("Ninjs", "The story."), "404"),
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "getOpenApi",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "headers": dict(_ETAG),
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "304": {"description": "Not modified."},
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A key made with `wiredesk apikey add NAME`.",
                }
            },
            "schemas": _schemas(),
        },
    }
