"""One handler per page type: lists (home, section, agency, originator), article, feeds,
health, and the error pages.

Every handler asks `clock()` for "now" and reads only through the `PublicReader`, which
applies the visibility gate; so a page, a feed and a health check all agree on what the
public may see at that moment, and tests can move time by passing their own clock. Handlers
are plain functions: Starlette runs them in its thread pool, so blocking database calls never
stall the event loop.

A killed copy's URL answers 410 Gone with a short notice and nothing of the copy; the notice
says who took it down (the agency, the editors, or the editors for the whole story). A copy
that is hidden for now (withheld, embargoed, held) answers the ordinary 404, so its existence
is not revealed before its time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from wiredesk.channels.copy_extras import (
    correction_text,
    image_links,
    provenance_steps,
    topic_names,
)
from wiredesk.channels.feeds import FORMATS
from wiredesk.channels.feeds.entry import FEED_SIZE, FeedInfo, disclaimer
from wiredesk.channels.health import health_report
from wiredesk.channels.pictures import ARTICLE_SIZES, article_body, lead_picture
from wiredesk.channels.timefmt import Ages
from wiredesk.channels.web import front_page, related
from wiredesk.channels.web.render import PAGE_CACHE, Renderer, originator_href
from wiredesk.channels.web.structured import ArticleFacts, article_structured
from wiredesk.store.public import reader as public
from wiredesk.store.public.reader import Cursor, Scope
from wiredesk.store.public.views import Copy, Correction, normalize_name

# `/health` says "degraded" when recent pages' 99th percentile, or the home page's query, take
# longer than these (seconds): readers notice, even if every source is fine.
SLOW_PAGE = 1.0
SLOW_QUERY = 0.5
GONE_LATEST = 8  # the latest stories a 410 page lists
# A copy that is gone for good -> the text of its 410's notice: who took it down.
_GONE = {
    public.KILLED: "gone_text",
    public.TAKEN_DOWN: "gone_text_editor",
    public.WITHDRAWN: "gone_text_story",
}


class Pages(Renderer):
    """The handlers, sharing settings, reader, clock and templates."""

    # --- lists ---------------------------------------------------------------------------

    def listing(
        self,
        request: Request,
        *,
        heading: str,
        heading_is_title: bool,
        path: str,
        active: str | None,
        scope: Scope,
        tags: set[str],
    ) -> Response:
        """A list, newest first, a page at a time from a cursor ("older stories"): no page
        number, so no count of the archive, and the same cost on page 1 and page 1,000."""
        if "page" in request.query_params:  # a numbered page from before cursors
            return RedirectResponse(path, status_code=301)
        after = None
        if "older" in request.query_params:
            after = Cursor.parse(request.query_params["older"])
            if after is None:
                raise HTTPException(status_code=404)
        now = self.clock()
        page = self.reader.page(now, scope, size=self.site.page_size, after=after)
        if after is not None and not page.copies:
            raise HTTPException(status_code=404)
        also = self.reader.other_copies(page.copies, now)
        here = path if after is None else f"{path}?{urlencode({'older': after.token()})}"
        older = f"{path}?{urlencode({'older': page.older.token()})}" if page.older else None
        ages = self.ages(now)
        response = self.render(
            "list.html",
            heading=heading,
            heading_is_title=heading_is_title,
            copies=page.copies,
            also={sid: self.also_links(others) for sid, others in also.items()},
            older_url=older,
            newest_url=path if after is not None else None,
            canonical=self.site.base_url + here,
            nav=self.nav(now),
            active=active,
            feeds=self.feed_links(scope.section),
            ago=ages,
        )
        self.cacheable(request, tags, now, until=ages.next_change)
        return response

    def home(self, request: Request) -> Response:
        """The front page (channels/web/front_page.py); its rail's "more" link, and any
        `?older=` or old `?page=` address, is the plain list of the latest stories."""
        if "older" in request.query_params or "page" in request.query_params:
            return self.latest(request)
        now = self.clock()
        nav = self.nav(now)
        front = front_page.build(self.reader, now, nav)
        older = f"/?{urlencode({'older': front.older.token()})}" if front.older else None
        ages = self.ages(now)
        response = self.render(
            "home.html",
            front=front,
            also={sid: self.also_links(others) for sid, others in front.also.items()},
            older_url=older,
            canonical=self.site.base_url + "/",
            nav=nav,
            active="",
            ago=ages,
        )
        self.cacheable(request, {"home"}, now, until=ages.next_change)
        return response

    def latest(self, request: Request) -> Response:
        return self.listing(
            request,
            heading=self.t["latest"],
            heading_is_title=False,
            path="/",
            active="",
            scope=Scope(),
            tags={"home"},
        )

    def section(self, request: Request) -> Response:
        section = request.path_params["section"]
        if not self.known_section(section, self.clock()):
            raise HTTPException(status_code=404)
        return self.listing(
            request,
            heading=self.site.section_name(section),
            heading_is_title=True,
            path=f"/{section}/",
            active=section,
            scope=Scope(section=section),
            tags={f"section:{section}"},
        )

    def source(self, request: Request) -> Response:
        source_id = request.path_params["source_id"]
        scope = Scope(source_id=source_id)
        configured = self.settings.source(source_id) is not None
        if not configured and not self.reader.has_copies(self.clock(), scope):
            raise HTTPException(status_code=404)
        name = self.source_name(source_id)
        return self.listing(
            request,
            heading=f"{self.t['stories_from']} {name}",
            heading_is_title=True,
            path=f"/source/{source_id}/",
            active=None,
            scope=scope,
            tags={f"source:{source_id}"},
        )

    def originator(self, request: Request) -> Response:
        """Copies whose originator (credit line or agency provenance) is this name."""
        name = normalize_name(request.path_params["name"])
        scope = Scope(originator=name)
        if not name or not self.reader.has_copies(self.clock(), scope):
            raise HTTPException(status_code=404)
        return self.listing(
            request,
            heading=f"{self.t['originator']}: {name}",
            heading_is_title=True,
            path=originator_href(name),
            active=None,
            scope=scope,
            tags={f"originator:{name}"},
        )

    # --- one copy ------------------------------------------------------------------------

    def article(self, request: Request) -> Response:
        section = request.path_params["section"]
        rest = request.path_params["rest"]
        slug, _, short_id = rest.rpartition("-")
        now = self.clock()
        detail = self.reader.copy_detail(short_id, now) if short_id else None
        if detail is None:
            status = self.reader.copy_status(short_id, now) if short_id else None
            if status in _GONE:
                ages = self.ages(now)
                gone = self.gone(notice=_GONE[status], now=now, ago=ages)
                # it lists the latest stories: any change to a list says "home"
                self.cacheable(request, {f"copy:{short_id}", "home"}, now, ages.next_change)
                return gone
            if status == public.DUPLICATE:  # duplicates = "suppress": the story's lead tells it
                lead_path = self.reader.lead_path(short_id, now)
                if lead_path is not None:
                    return RedirectResponse(lead_path, status_code=301)
            raise HTTPException(status_code=404)
        copy = detail.copy
        if section != copy.section or slug != copy.slug:
            return RedirectResponse(copy.path, status_code=301)
        updated = _updated(copy, detail.versions)
        place_date = [p for p in (copy.dateline_place, copy.dateline_date) if p]
        source = self.source_name(copy.source_id)
        also = self.reader.other_copies([copy], now)
        neighbours = self.reader.around(now, copy, older=related.OLDER, newer=related.NEWER)
        more = related.related_stories(copy, neighbours)
        tags = set()
        for shown in (copy, *more):  # a related story killed or changed drops the page too
            tags.add(f"copy:{shown.short_id}")
            if shown.story_id is not None:
                tags.add(f"story:{shown.story_id}")
        self.cacheable(request, tags, now)
        canonical = self.site.base_url + copy.path
        description = _shorten(copy.teaser, 200)
        lang = copy.language or self.site.language
        mode = self.picture_mode(copy.source_id)
        lead = lead_picture(copy, mode)
        facts = ArticleFacts(
            copy=copy,
            canonical=canonical,
            description=description,
            language=lang,
            section_name=self.site.section_name(copy.section),
            source_name=source,
            updated=updated,
            corrections=detail.corrections,
            correction_texts=[correction_text(c, self.site, self.t) for c in detail.corrections],
            picture=lead,
        )
        return self.render(
            "article.html",
            structured=article_structured(facts, self.site),
            also=self.also_links(also.get(copy.short_id, [])),
            related=more,
            copy=copy,
            versions=detail.versions,
            corrections=detail.corrections,
            chain=provenance_steps(copy, source, self.site.name, self.aliases(copy.source_id)),
            originator=normalize_name(copy.originator or "") or None,
            topics=topic_names(copy),
            images=image_links(copy, self.t["image"]) if mode == "link" else [],
            lead=lead,
            picture_sizes=ARTICLE_SIZES,
            body=article_body(copy, mode, lead, self.picture_element, self.t["image"]),
            updated=updated,
            dateline=", ".join(place_date),
            source=source,
            disclaimer=disclaimer(self.settings, copy.source_id),
            description=description,
            lang=lang,
            canonical=canonical,
            nav=self.nav(now),
            active=copy.section,
            feeds=self.feed_links(copy.section),
        )

    def gone(self, *, notice: str, now: datetime, ago: Ages) -> HTMLResponse:
        """410 with a notice in the site's language (`notice` names its text): who took it
        down, the latest stories (a reader who followed a shared link still finds the news),
        no copy."""
        return self.render(
            "gone.html",
            status=410,
            notice=self.t[notice],
            latest=self.reader.list_copies(now, limit=GONE_LATEST),
            nav=self.nav(now),
            ago=ago,
        )

    # --- feeds ---------------------------------------------------------------------------

    def feed(self, request: Request) -> Response:
        kind = request.url.path.rsplit("/", 1)[1]
        section = request.path_params.get("section")
        now = self.clock()
        if section is not None and not self.known_section(section, now):
            raise HTTPException(status_code=404)
        serialize, media_type, _ = FORMATS[kind]
        title = self.site.name
        if section is not None:
            title = f"{title} · {self.site.section_name(section)}"
        info = FeedInfo(
            title=title,
            description=self.t["latest"],
            home_path=f"/{section}/" if section else "/",
            feed_dir=f"/{section}/" if section else "/",
            now=now,
        )
        copies = self.reader.list_copies(now, section=section, limit=FEED_SIZE)
        also = self.reader.other_copies(copies, now)
        self.cacheable(request, {f"section:{section}" if section else "home"}, now)
        views = self.entry_cache.entries(
            copies,
            self.corrections(copies, now),
            {sid: [m.source_id for m in ms] for sid, ms in also.items()},
        )
        body = serialize(self.settings, info, views)
        headers = {"Cache-Control": PAGE_CACHE}
        if self.settings.websub.enabled:  # WebSub discovery in HTTP too (WebSub 4)
            hub = self.site.base_url + self.settings.websub.path
            headers["Link"] = (
                f'<{hub}>; rel="hub", <{self.site.base_url}{request.url.path}>; rel="self"'
            )
        return Response(body, media_type=media_type, headers=headers)

    def corrections(self, copies: Sequence[Copy], now: datetime) -> dict[str, list[Correction]]:
        """Correction notes for a feed's copies; only a copy with several versions can have
        one, so most feeds cost no extra query."""
        out: dict[str, list[Correction]] = {}
        for copy in copies:
            if copy.version_count > 1:
                detail = self.reader.copy_detail(copy.short_id, now)
                if detail is not None and detail.corrections:
                    out[copy.short_id] = detail.corrections
        return out

    # --- health and errors ---------------------------------------------------------------

    def health(self, request: Request) -> JSONResponse:
        """For monitors: 200 "ok" or "degraded" (sources failing, pages or queries slow),
        503 "down" (no database, or one that refuses this process's writes).

        Fields are documented in docs/operations.md ("Source health")."""
        now = self.clock()
        body, status = health_report(
            self.reader.engine, self.settings, now, write_outage=self.reader.db.write_outage
        )
        if status == 200:
            body["pages"] = self._page_health(now)
            if body["pages"]["slow"]:
                body["status"] = "degraded"
        return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})

    def _page_health(self, now: datetime) -> dict[str, object]:
        """Recent render times, and how long the home page's query takes right now."""
        renders, p99 = self.times.p99()
        started = time.perf_counter()
        self.reader.page(now, size=self.site.page_size)
        query = time.perf_counter() - started
        slow = (p99 is not None and p99 > SLOW_PAGE) or query > SLOW_QUERY
        return {
            "renders_5min": renders,
            "render_p99_ms": None if p99 is None else round(p99 * 1000, 1),
            "home_query_ms": round(query * 1000, 1),
            "slow": slow,
        }

    def database_error(self, request: Request, exc: Exception) -> Response:
        """A query that ran out of time or lost its database: 503, try again shortly."""
        return Response(
            "The site is busy; please try again in a few seconds.\n",
            status_code=503,
            media_type="text/plain; charset=utf-8",
            headers={"Retry-After": "10", "Cache-Control": "no-store"},
        )

    def not_found(self, request: Request, exc: Exception) -> Response:
        """404, kept like a page: a dead link many readers follow costs one render. What could
        bring the address to life is a new copy or one made public, and each says "home"."""
        now = self.clock()
        try:
            nav = self.nav(now)
            self.cacheable(request, {"home"}, now)
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


def _updated(copy: Copy, versions: Sequence[Any]) -> datetime | None:
    """The "Updated" time: only copies that really have more than one version show one."""
    if copy.version_count <= 1 and len(versions) <= 1:
        return None
    return copy.updated_at or (versions[0].time if versions else None)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
