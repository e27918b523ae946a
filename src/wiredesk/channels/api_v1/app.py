"""The subscribers' API: `/api/v1/` (copies, stories, versions as ninjs) and
`/api/openapi.json` (its description), mounted into the site by channels/web/app.py.

Every request under `/api/v1/` shows a key (`Authorization: Bearer wd_...`, made with
`wiredesk apikey add`): none, an unknown or a revoked one answers 401 with
`WWW-Authenticate`; a key asking by name for a source outside its scope answers 403, and its
lists hold only its sources; past its budget a key gets 429 with `Retry-After`
(channels/api_v1/limits.py). Every GET answers with an `ETag` (the body's hash) and a
matching `If-None-Match` gets 304. Errors are RFC 9457 problem documents. No CORS headers: a
subscriber's server calls the API, not a browser on another site.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Receive, Scope, Send

from wiredesk.channels.api_v1.limits import RateLimits
from wiredesk.channels.api_v1.ninjs import copy_ninjs, story_ninjs, version_ninjs
from wiredesk.channels.api_v1.openapi import DEFAULT_LIMIT, MAX_LIMIT, openapi_document
from wiredesk.config import Settings
from wiredesk.store.public.api_keys import ApiKey, find_key
from wiredesk.store.public.deadline import QueryInterrupted
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.subscriptions import STATES, Filters, SubscriberReader
from wiredesk.store.public.views import Cursor

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
REALM = 'Bearer realm="wiredesk"'


class Refused(Exception):
    """A request the API answers with a problem document instead of data."""

    def __init__(self, status: int, title: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.headers = headers or {}


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    body = json.dumps({"status": status, "title": title, "detail": detail}, ensure_ascii=False)
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


@dataclass(frozen=True, slots=True)
class Answer:
    """What a handler found: the JSON body, and the next page's link if there is one."""

    body: Any
    next_link: str | None = None


class SubscribersApi:
    """The API's handlers over one reader; `routes()` is what the site mounts."""

    def __init__(
        self,
        settings: Settings,
        reader: PublicReader,
        clock: Callable[[], datetime],
        limits: RateLimits | None = None,
    ) -> None:
        self.settings = settings
        self.reader = reader
        self.reads = SubscriberReader(reader)
        self.clock = clock
        self.limits = limits or RateLimits()
        self._document = json.dumps(openapi_document(settings), ensure_ascii=False).encode()

    def routes(self) -> list[BaseRoute]:
        v1: Sequence[BaseRoute] = [
            Route("/openapi.json", self.openapi, name="api_openapi"),
            Route("/v1/items", self._keyed(self.items), name="api_items"),
            Route("/v1/items/{short_id}", self._keyed(self.item), name="api_item"),
            Route("/v1/items/{short_id}/versions", self._keyed(self.versions), name="api_versions"),
            Route("/v1/stories", self._keyed(self.stories), name="api_stories"),
            Route("/v1/stories/{story_id}", self._keyed(self.story), name="api_story"),
        ]
        return [Mount("/api", app=Router(v1, redirect_slashes=False, default=_not_found))]

    # --- the frame every keyed request goes through ----------------------------------------

    def _keyed(self, handler: Callable[[Request, ApiKey], Answer]) -> Callable[[Request], Response]:
        def endpoint(request: Request) -> Response:
            try:
                key = self._key(request)
                wait = self.limits.take(key.id, key.rate_per_minute)
                if wait:
                    raise Refused(
                        429,
                        "Too many requests",
                        f"this key may make {key.rate_per_minute} requests a minute; "
                        f"try again in {wait} s",
                        {"Retry-After": str(wait)},
                    )
                answer = handler(request, key)
            except Refused as e:
                return problem(e.status, e.title, e.detail, e.headers)
            except (DBAPIError, QueryInterrupted):
                # the database is away or the request ran out of time (channels/web/limits.py)
                log.warning("API request %s could not be answered", request.url.path, exc_info=True)
                return problem(
                    503,
                    "Unavailable",
                    "the news database cannot answer right now; try again shortly",
                    {"Retry-After": "10"},
                )
            body = json.dumps(answer.body, ensure_ascii=False, separators=(",", ":")).encode()
            headers = {}
            if answer.next_link:
                headers["Link"] = f'<{answer.next_link}>; rel="next"'
            return _conditional(request, body, headers)

        return endpoint

    def _key(self, request: Request) -> ApiKey:
        header = request.headers.get("authorization", "")
        scheme, _, secret = header.partition(" ")
        if not header:
            raise Refused(
                401,
                "API key required",
                "send your key as `Authorization: Bearer <key>` (`wiredesk apikey add` makes one)",
                {"WWW-Authenticate": REALM},
            )
        key = find_key(self.reader.engine, secret.strip()) if scheme.lower() == "bearer" else None
        if key is None or key.revoked_at is not None:
            raise Refused(
                401,
                "Invalid API key",
                "the key is unknown or revoked; ask the site's operators for a new one",
                {"WWW-Authenticate": REALM + ', error="invalid_token"'},
            )
        return key

    # --- handlers --------------------------------------------------------------------------

    def openapi(self, request: Request) -> Response:
        return _conditional(request, self._document, {})

    def items(self, request: Request, key: ApiKey) -> Answer:
        flt, limit, after = _list_params(request, key, with_state=True)
        found, cursor = self.reads.copies(self.clock(), flt, limit=limit, after=after)
        next_link = _next_link(request, cursor)
        body = {"items": [copy_ninjs(c, self.settings) for c in found], "next": next_link}
        return Answer(body, next_link)

    def item(self, request: Request, key: ApiKey) -> Answer:
        found = self._copy(request, key)
        return Answer(copy_ninjs(found, self.settings))

    def versions(self, request: Request, key: ApiKey) -> Answer:
        found = self._copy(request, key)
        if found.canceled:
            raise Refused(
                410,
                "Withdrawn",
                "this copy was taken down; its versions are no longer served",
            )
        versions = self.reads.versions(found.copy, self.clock())
        return Answer({"versions": [version_ninjs(found.copy, v, self.settings) for v in versions]})

    def stories(self, request: Request, key: ApiKey) -> Answer:
        flt, limit, after = _list_params(request, key, with_state=False)
        found, cursor = self.reads.stories(self.clock(), flt, limit=limit, after=after)
        next_link = _next_link(request, cursor)
        body = {"stories": [story_ninjs(s, self.settings) for s in found], "next": next_link}
        return Answer(body, next_link)

    def story(self, request: Request, key: ApiKey) -> Answer:
        raw = request.path_params["story_id"]
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise Refused(404, "Not found", "no story has this id")
        found = self.reads.story(int(raw), self.clock(), key.sources)
        if found is None:
            raise Refused(404, "Not found", "no story with this id is public for this key")
        return Answer(story_ninjs(found, self.settings))

    def _copy(self, request: Request, key: ApiKey) -> Any:
        short_id = request.path_params["short_id"]
        found = self.reads.copy(short_id, self.clock()) if len(short_id) <= 16 else None
        if found is None:
            raise Refused(404, "Not found", "no public copy has this id")
        if not key.may_read(found.copy.source_id):
            raise Refused(
                403,
                "Outside this key's sources",
                f"this key may read {', '.join(sorted(key.sources or ()))} only",
            )
        return found


# --- parameters ------------------------------------------------------------------------------


def _list_params(
    request: Request, key: ApiKey, *, with_state: bool
) -> tuple[Filters, int, Cursor | None]:
    q = request.query_params
    limit = DEFAULT_LIMIT
    if "limit" in q:
        raw = q["limit"]
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= MAX_LIMIT):
            raise Refused(400, "Bad parameter", f"limit: a whole number from 1 to {MAX_LIMIT}")
        limit = int(raw)
    after = None
    if "cursor" in q:
        after = Cursor.parse(q["cursor"])
        if after is None:
            raise Refused(400, "Bad parameter", "cursor: not one this API gave; start again")
    sources = key.sources
    if "source" in q:
        asked = frozenset(s.strip() for s in q["source"].split(",") if s.strip())
        if not asked:
            raise Refused(400, "Bad parameter", "source: name one or more source ids")
        outside = sorted(asked - key.sources) if key.sources is not None else []
        if outside:
            raise Refused(
                403,
                "Outside this key's sources",
                f"source: this key may not read {', '.join(outside)}; "
                f"it may read {', '.join(sorted(key.sources or ()))}",
            )
        sources = asked
    state = None
    if with_state and "state" in q:
        state = q["state"]
        if state not in STATES:
            raise Refused(400, "Bad parameter", f"state: one of {', '.join(STATES)}")
    flt = Filters(
        sources=sources,
        section=_word(q, "section"),
        language=_word(q, "language"),
        since=_time(q, "since"),
        updated_since=_time(q, "updated_since"),
        state=state,
    )
    return flt, limit, after


def _word(q: Any, name: str) -> str | None:
    value = q.get(name)
    if value is None:
        return None
    if not value or len(value) > 64:
        raise Refused(400, "Bad parameter", f"{name}: from 1 to 64 characters")
    return str(value)


def _time(q: Any, name: str) -> datetime | None:
    value = q.get(name)
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
        if when.tzinfo is None:
            raise ValueError("no offset")
        return when.astimezone(UTC)
    except (ValueError, OverflowError):
        raise Refused(
            400,
            "Bad parameter",
            f"{name}: an RFC 3339 time with its offset, e.g. 2026-02-05T10:00:00Z",
        ) from None


def _next_link(request: Request, cursor: Cursor | None) -> str | None:
    """The next page's path and query: the same filters, the new cursor. A path, not a URL
    built from the `Host` header, which a client or a proxy may set to anything."""
    if cursor is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    params.append(("cursor", cursor.token()))
    return f"{request.url.path}?{urlencode(params)}"


# --- responses -------------------------------------------------------------------------------


def _conditional(request: Request, body: bytes, headers: dict[str, str]) -> Response:
    """200 with the body and its `ETag`, or 304 when the client has that body already."""
    # weak: the site's compression may send the same JSON as gzip or brotli bytes
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    common = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=common)
    return Response(body, media_type="application/json", headers={**common, **headers})


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # weak comparison (RFC 9110, 13.1.2): the opaque parts alone
    tags = (t.strip().removeprefix("W/") for t in if_none_match.split(","))
    return etag.removeprefix("W/") in tags


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    await problem(404, "Not found", "no such API path; see /api/openapi.json")(scope, receive, send)
