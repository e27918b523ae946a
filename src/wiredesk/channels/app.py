"""The public website and outbound feeds as one Starlette application.

Every handler asks `clock()` for "now" and reads only through the store's public methods,
which apply the visibility gate; so a page, a feed and a health check all agree on what
the public may see at that moment, and tests can move time by passing their own clock.
Handlers are plain functions: Starlette runs them in its thread pool, so blocking database
calls never stall the event loop.

The pages and feeds only read. The one writer is the push endpoint (`channels/push.py`), which
hands payloads to the same ingest path the poller uses, under a write lock the process shares.

A killed story's URL answers 410 Gone with a short notice and nothing of the story; a story
that is hidden for now (withheld, embargoed, held) answers the ordinary 404, so its existence
is not revealed before its time.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiredesk.channels import feeds_out
from wiredesk.channels.assets import FONT_URL, css_url, static_file
from wiredesk.channels.i18n import strings
from wiredesk.channels.push import PushEndpoint
from wiredesk.channels.story_extras import (
    correction_text,
    image_links,
    provenance_steps,
    safe_href,
    topic_names,
)
from wiredesk.channels.timefmt import iso, local_date, local_time
from wiredesk.config import Settings
from wiredesk.model import utcnow
from wiredesk.store import Correction, Store, Story
from wiredesk.store import stories as story_groups
from wiredesk.store.health import health_report
from wiredesk.store.visibility import policy_for

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Pages change when the wire does; a short cache keeps kills and updates prompt.
PAGE_CACHE = "public, max-age=60"
FEED_KINDS = {
    "feed.xml": (feeds_out.rss, feeds_out.RSS_TYPE),
    "atom.xml": (feeds_out.atom, feeds_out.ATOM_TYPE),
    "feed.json": (feeds_out.json_feed, feeds_out.JSON_TYPE),
}
_FEED_LABELS = {
    "feed.xml": ("RSS", feeds_out.RSS_TYPE),
    "atom.xml": ("Atom", feeds_out.ATOM_TYPE),
    "feed.json": ("JSON Feed", feeds_out.JSON_TYPE),
}


@dataclass(frozen=True, slots=True)
class FeedLink:
    type: str
    title: str
    href: str


class _Site:
    """The handlers, sharing settings, store, clock and templates."""

    def __init__(self, settings: Settings, store: Store, clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.site = settings.site
        self.store = store
        self.clock = clock
        self.t = strings(self.site.language)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            site=self.site,
            t=self.t,
            css_url=css_url(),
            font_url=FONT_URL,
            iso=iso,
            when=self.when,
            section_name=self.site.section_name,
            source_name=self.source_name,
            safe_href=safe_href,
            correction_text=lambda c: correction_text(c, self.site, self.t),
            originator_href=originator_href,
        )

    # --- helpers ---------------------------------------------------------------------

    def when(self, dt: datetime) -> str:
        return local_time(dt, self.site.timezone, self.site.language)

    def source_name(self, source_id: str) -> str:
        return feeds_out.source_name(self.settings, source_id)

    def also_links(self, members: Sequence[story_groups.Member]) -> list[tuple[str, str]]:
        """ "Also reported by" as (agency name, href): each agency's page, or under
        `duplicates = "publish"` the copy itself (it is listed and public there)."""
        publish = self.site.duplicates == "publish"
        return [
            (self.source_name(m.source_id), m.path if publish else f"/source/{m.source_id}/")
            for m in members
        ]

    def nav(self, now: datetime) -> list[tuple[str, str]]:
        """Configured sections in their configured order, then any others that have stories."""
        slugs = list(self.site.sections)
        slugs += [s for s, _ in self.store.sections(now) if s not in self.site.sections]
        return [(s, self.site.section_name(s)) for s in slugs]

    def feed_links(self, section: str | None = None) -> list[FeedLink]:
        """`<link rel="alternate">` targets: the section's own feeds first, then the site's."""
        scopes = [("/", self.site.name)]
        if section is not None:
            named = f"{self.site.name} · {self.site.section_name(section)}"
            scopes.insert(0, (f"/{section}/", named))
        return [
            FeedLink(media.split(";")[0], f"{title} ({label})", f"{self.site.base_url}{d}{kind}")
            for d, title in scopes
            for kind, (label, media) in _FEED_LABELS.items()
        ]

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("lang", self.site.language)
        context.setdefault("feeds", self.feed_links())
        context.setdefault("canonical", None)
        context.setdefault("active", None)
        context.setdefault(
            "today", local_date(self.clock(), self.site.timezone, self.site.language)
        )
        html = self.env.get_template(name).render(**context)
        headers = {"Cache-Control": PAGE_CACHE} if status == 200 else {"Cache-Control": "no-store"}
        return HTMLResponse(html, status_code=status, headers=headers)

    def known_section(self, section: str, now: datetime) -> bool:
        if section in self.site.sections:
            return True
        return any(s == section for s, _ in self.store.sections(now))

    # --- pages -----------------------------------------------------------------------

    def listing(
        self,
        request: Request,
        *,
        heading: str,
        heading_is_title: bool,
        path: str,
        active: str | None,
        section: str | None = None,
        source_id: str | None = None,
        originator: str | None = None,
    ) -> HTMLResponse:
        now = self.clock()
        page = _page_number(request)
        size = self.site.page_size
        scope = {"section": section, "source_id": source_id, "originator": originator}
        total = self.store.count_stories(now, **scope)
        pages = max(1, math.ceil(total / size))
        if page > pages:
            raise HTTPException(status_code=404)
        stories = self.store.list_stories(now, **scope, limit=size, offset=(page - 1) * size)
        also = story_groups.also_reported_many(self.store, stories, now)

        def page_url(n: int) -> str:
            return path if n == 1 else f"{path}?{urlencode({'page': n})}"

        return self.render(
            "list.html",
            heading=heading,
            heading_is_title=heading_is_title,
            stories=stories,
            also={sid: self.also_links(members) for sid, members in also.items()},
            page=page,
            pages=pages,
            page_url=page_url,
            canonical=self.site.base_url + page_url(page),
            nav=self.nav(now),
            active=active,
            feeds=self.feed_links(section),
        )

    def home(self, request: Request) -> HTMLResponse:
        return self.listing(
            request, heading=self.t["latest"], heading_is_title=False, path="/", active=""
        )

    def section(self, request: Request) -> HTMLResponse:
        section = request.path_params["section"]
        if not self.known_section(section, self.clock()):
            raise HTTPException(status_code=404)
        return self.listing(
            request,
            heading=self.site.section_name(section),
            heading_is_title=True,
            path=f"/{section}/",
            active=section,
            section=section,
        )

    def source(self, request: Request) -> HTMLResponse:
        source_id = request.path_params["source_id"]
        configured = self.settings.source(source_id) is not None
        if not configured and not self.store.count_stories(self.clock(), source_id=source_id):
            raise HTTPException(status_code=404)
        name = self.source_name(source_id)
        return self.listing(
            request,
            heading=f"{self.t['stories_from']} {name}",
            heading_is_title=True,
            path=f"/source/{source_id}/",
            active=None,
            source_id=source_id,
        )

    def originator(self, request: Request) -> HTMLResponse:
        """Stories whose originator (credit line or agency provenance) is this name."""
        name = story_groups.normalize_name(request.path_params["name"])
        if not name or not self.store.count_stories(self.clock(), originator=name):
            raise HTTPException(status_code=404)
        return self.listing(
            request,
            heading=f"{self.t['originator']}: {name}",
            heading_is_title=True,
            path=originator_href(name),
            active=None,
            originator=name,
        )

    def article(self, request: Request) -> Response:
        section = request.path_params["section"]
        rest = request.path_params["rest"]
        slug, _, short_id = rest.rpartition("-")
        now = self.clock()
        article = self.store.get_article(short_id, now) if short_id else None
        if article is None:
            status = self.store.article_status(short_id, now) if short_id else None
            if status == "killed":
                return self.gone(short_id, now)
            if status == "duplicate":  # duplicates = "suppress": the story's lead tells it
                lead = story_groups.lead_path(self.store, short_id, now)
                if lead is not None:
                    return RedirectResponse(lead, status_code=301)
            raise HTTPException(status_code=404)
        story = article.story
        if section != story.section or slug != story.slug:
            return RedirectResponse(story.path, status_code=301)
        updated = _updated(story, article.versions)
        place_date = [p for p in (story.dateline_place, story.dateline_date) if p]
        source = self.source_name(story.source_id)
        also = story_groups.also_reported_many(self.store, [story], now)
        return self.render(
            "article.html",
            also=self.also_links(also.get(story.short_id, [])),
            story=story,
            versions=article.versions,
            corrections=article.corrections,
            chain=provenance_steps(story, source, self.site.name),
            originator=story_groups.normalize_name(story.originator or "") or None,
            topics=topic_names(story),
            images=image_links(story, self.t["image"]),
            updated=updated,
            dateline=", ".join(place_date),
            source=source,
            disclaimer=feeds_out.disclaimer(self.settings, story.source_id),
            description=_shorten(story.teaser, 200),
            lang=story.language or self.site.language,
            canonical=self.site.base_url + story.path,
            nav=self.nav(now),
            active=story.section,
            feeds=self.feed_links(story.section),
        )

    def gone(self, short_id: str, now: datetime) -> HTMLResponse:
        """410 with a notice in the site's language: who took it down, a way home, no story."""
        item_id = self.store.find_item(short_id)
        kills = [e for e in self.store.audit(item_id) if e.action == "kill"] if item_id else []
        by_editor = bool(kills) and kills[-1].actor.startswith("editor")
        return self.render(
            "gone.html",
            status=410,
            notice=self.t["gone_text_editor" if by_editor else "gone_text"],
            nav=self.nav(now),
        )

    # --- feeds -----------------------------------------------------------------------

    def feed(self, request: Request) -> Response:
        kind = request.url.path.rsplit("/", 1)[1]
        section = request.path_params.get("section")
        now = self.clock()
        if section is not None and not self.known_section(section, now):
            raise HTTPException(status_code=404)
        build, media_type = FEED_KINDS[kind]
        title = self.site.name
        if section is not None:
            title = f"{title} · {self.site.section_name(section)}"
        info = feeds_out.FeedInfo(
            title=title,
            description=self.t["latest"],
            home_path=f"/{section}/" if section else "/",
            feed_dir=f"/{section}/" if section else "/",
            now=now,
        )
        stories = self.store.list_stories(now, section=section, limit=feeds_out.FEED_SIZE)
        also = story_groups.also_reported_many(self.store, stories, now)
        body = build(
            self.settings,
            info,
            stories,
            self.corrections(stories, now),
            also={sid: [m.source_id for m in ms] for sid, ms in also.items()},
        )
        return Response(body, media_type=media_type, headers={"Cache-Control": PAGE_CACHE})

    def corrections(self, stories: Sequence[Story], now: datetime) -> dict[str, list[Correction]]:
        """Correction notes for a feed's stories; only a story with several versions can have
        one, so most feeds cost no extra query."""
        out: dict[str, list[Correction]] = {}
        for story in stories:
            if story.version_count > 1:
                article = self.store.get_article(story.short_id, now)
                if article is not None and article.corrections:
                    out[story.short_id] = article.corrections
        return out

    # --- health and errors ------------------------------------------------------------

    def health(self, request: Request) -> JSONResponse:
        """For monitors: 200 "ok" or "degraded" (sources failing), 503 "down" (no database).

        Fields are documented in docs/operations.md ("Source health")."""
        body, status = health_report(self.store, self.settings, self.clock())
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    def not_found(self, request: Request, exc: Exception) -> Response:
        try:
            nav = self.nav(self.clock())
        except Exception:  # the 404 page must render even when the database is down
            nav = [(s, self.site.section_name(s)) for s in self.site.sections]
        return self.render("not_found.html", status=404, nav=nav)

    def http_error(self, request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return self.not_found(request, exc)
        detail = getattr(exc, "detail", "") or ""
        headers = getattr(exc, "headers", None)
        return Response(detail, status_code=status, media_type="text/plain", headers=headers)


def originator_href(name: str) -> str:
    """/originator/<name>, the name percent-encoded (Devanagari, commas and spaces too)."""
    return "/originator/" + quote(story_groups.normalize_name(name), safe="")


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise HTTPException(status_code=404)
    return int(raw)


def _updated(story: Story, versions: Sequence[Any]) -> datetime | None:
    """The "Updated" time: only stories that really have more than one version show one."""
    if story.version_count <= 1 and len(versions) <= 1:
        return None
    return story.updated_at or (versions[0].time if versions else None)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# Defence in depth behind the sanitizer: even if a story body carried a script past nh3, the
# browser would refuse to run it. Everything the pages use (CSS, the font) is same-origin;
# agency pictures are linked over https; the favicon is an empty data: URL.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; "
    "script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)


class SecurityHeaders:
    """Adds the security headers to every HTTP response: pages, feeds, errors, static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    settings: Settings,
    store: Store,
    *,
    clock: Callable[[], datetime] = utcnow,
    write_lock: threading.Lock | None = None,
) -> Starlette:
    """The public site, its feeds and the push endpoint over `store`.

    `clock()` must return aware UTC "now". `write_lock` is held around every write the push
    endpoint makes; pass the one the process's poller uses so SQLite sees one writer.
    """
    store.duplicates = policy_for(settings.site)  # the gate follows the site's policy
    site = _Site(settings, store, clock)
    push = PushEndpoint(settings, store, write_lock or threading.Lock())
    routes = [
        Route("/", site.home, name="home"),
        Route("/health", site.health, name="health"),
        Route("/ingest/{source_id}", push.handle, methods=["POST"], name="ingest"),
        Route("/static/{path:path}", static_file, name="static"),
        Route("/feed.xml", site.feed, name="rss"),
        Route("/atom.xml", site.feed, name="atom"),
        Route("/feed.json", site.feed, name="json_feed"),
        Route("/source/{source_id}/", site.source, name="source"),
        Route("/originator/{name:path}", site.originator, name="originator"),
        Route("/{section}/", site.section, name="section"),
        Route("/{section}/feed.xml", site.feed, name="section_rss"),
        Route("/{section}/atom.xml", site.feed, name="section_atom"),
        Route("/{section}/feed.json", site.feed, name="section_json_feed"),
        Route("/{section}/{rest}", site.article, name="article"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: site.http_error},
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.settings = settings
    app.state.store = store
    return app
