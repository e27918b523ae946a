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

Each page is one edition's (render.py): its lists hold only copies in the edition's language,
and a copy in a language no edition publishes answers 404 like a hidden one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
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
from wiredesk.config import Edition
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
        tags: set[str] | None = None,
        edition: Edition | None = None,
    ) -> Response:
        """A list, newest first, a page at a time from a cursor ("older stories"): no page
        number, so no count of the archive, and the same cost on page 1 and page 1,000.

        `path` is the list's path in the site's own edition ("/desh/"); in another edition
        the page lives under the edition's prefix and lists only its language."""
        edition = edition or self.site.main_edition
        scope = replace(scope, language=edition.language)
        alternates = self.alternates(path, edition) if scope.originator is None else []
        path = edition.prefix + path
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
        ages = self.ages(now, edition)
        response = self.render(
            "list.html",
            edition=edition,
            heading=heading,
            heading_is_title=heading_is_title,
            copies=page.copies,
            also={sid: self.also_links(others, edition) for sid, others in also.items()},
            older_url=older,
            newest_url=path if after is not None else None,
            canonical=self.site.base_url + here,
            alternates=alternates,
            nav=self.nav(now, edition),
            active=active,
            feeds=self.feed_links(scope.section, edition),
            ago=ages,
        )
        self.cacheable(request, {scope.tag(), *(tags or ())}, now, until=ages.next_change)
        return response

    def home(self, request: Request) -> Response:
        """The front page (channels/web/front_page.py) of the request's edition, from its
        language's copies only, every link under its prefix; its rail's "more" link, and any
        `?older=` or old `?page=` address, is the plain list of the latest stories."""
        if "older" in request.query_params or "page" in request.query_params:
            return self.latest(request)
        edition = self.edition(request)
        now = self.clock()
        nav = self.nav(now, edition)
        front = front_page.build(self.reader, now, nav, edition.language)
        home = edition.prefix + "/"
        older = f"{home}?{urlencode({'older': front.older.token()})}" if front.older else None
        ages = self.ages(now, edition)
        response = self.render(
            "home.html",
            edition=edition,
            front=front,
            also={sid: self.also_links(others, edition) for sid, others in front.also.items()},
            older_url=older,
            canonical=self.site.base_url + home,
            alternates=self.alternates("/", edition),
            nav=nav,
            active="",
            ago=ages,
        )
        # its blocks are the edition's sections: any change to its language's lists says
        # the edition's whole-list tag ("home@hi")
        self.cacheable(request, {Scope(language=edition.language).tag()}, now, ages.next_change)
        return response

    def latest(self, request: Request) -> Response:
        edition = self.edition(request)
        return self.listing(
            request,
            heading=self.strings(edition)["latest"],
            heading_is_title=False,
            path="/",
            active="",
            scope=Scope(),
            edition=edition,
        )

    def section(self, request: Request) -> Response:
        section = request.path_params["section"]
        edition = self.edition(request)
        if not self.known_section(section, self.clock(), edition):
            raise HTTPException(status_code=404)
        return self.listing(
            request,
            heading=self.site.section_name(section, edition.language),
            heading_is_title=True,
            path=f"/{section}/",
            active=section,
            scope=Scope(section=section),
            edition=edition,
        )

    def source(self, request: Request) -> Response:
        source_id = request.path_params["source_id"]
        edition = self.edition(request)
        scope = Scope(source_id=source_id, language=edition.language)
        configured = self.settings.source(source_id) is not None
        if not configured and not self.reader.has_copies(self.clock(), scope):
            raise HTTPException(status_code=404)
        name = self.source_name(source_id)
        return self.listing(
            request,
            heading=f"{self.strings(edition)['stories_from']} {name}",
            heading_is_title=True,
            path=f"/source/{source_id}/",
            active=None,
            scope=scope,
            edition=edition,
        )

    def originator(self, request: Request) -> Response:
        """Copies whose originator (credit line or agency provenance) is this name."""
        name = normalize_name(request.path_params["name"])
        edition = self.edition(request)
        scope = Scope(originator=name, language=edition.language)
        if not name or not self.reader.has_copies(self.clock(), scope):
            raise HTTPException(status_code=404)
        return self.listing(
            request,
            heading=f"{self.strings(edition)['originator']}: {name}",
            heading_is_title=True,
            path=originator_href(name),
            active=None,
            scope=scope,
            edition=edition,
        )

    # --- one copy ------------------------------------------------------------------------

    def article(self, request: Request) -> Response:
        section = request.path_params["section"]
        rest = request.path_params["rest"]
        edition = self.edition(request)
        if edition.prefix and section == edition.prefix[1:]:
            # `/en/desh`: the site's own article route took another edition's section without
            # its slash; the router's slash redirect never saw it
            query = request.url.query
            target = request.url.path + "/" + ("?" + query if query else "")
            return RedirectResponse(target, status_code=307)
        slug, _, short_id = rest.rpartition("-")
        now = self.clock()
        detail = self.reader.copy_detail(short_id, now) if short_id else None
        if detail is None:
            status = self.reader.copy_status(short_id, now) if short_id else None
            if status in _GONE:
                ages = self.ages(now, edition)
                gone = self.gone(notice=_GONE[status], now=now, ago=ages, edition=edition)
                # it lists the edition's latest stories: any change to them says its tag
                tags = {f"copy:{short_id}", Scope(language=edition.language).tag()}
                self.cacheable(request, tags, now, ages.next_change)
                return gone
            if status == public.DUPLICATE:  # duplicates = "suppress": the story's lead tells it
                leader = self.reader.lead_of(short_id, now)
                lead_edition = self.site.edition(leader.language) if leader is not None else None
                if leader is not None and lead_edition is not None:
                    return RedirectResponse(lead_edition.prefix + leader.path, status_code=301)
            raise HTTPException(status_code=404)
        copy = detail.copy
        home = self.site.edition(copy.language)
        if home is None:  # a language the site does not publish: stored, never shown
            raise HTTPException(status_code=404)
        if home != edition or section != copy.section or slug != copy.slug:
            return RedirectResponse(home.prefix + copy.path, status_code=301)
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
        canonical = self.site.base_url + edition.prefix + copy.path
        description = _shorten(copy.teaser, 200)
        lang = copy.language or self.site.language
        mode = self.picture_mode(copy.source_id)
        lead = lead_picture(copy, mode)
        t = self.strings(edition)
        facts = ArticleFacts(
            copy=copy,
            canonical=canonical,
            description=description,
            language=lang,
            section_name=self.site.section_name(copy.section, edition.language),
            source_name=source,
            updated=updated,
            corrections=detail.corrections,
            correction_texts=[
                correction_text(c, self.site, t, edition.language) for c in detail.corrections
            ],
            picture=lead,
        )
        return self.render(
            "article.html",
            edition=edition,
            structured=article_structured(facts, self.site),
            also=self.also_links(also.get(copy.short_id, []), edition),
            related=more,
            copy=copy,
            versions=detail.versions,
            corrections=detail.corrections,
            chain=provenance_steps(copy, source, self.site.name, self.aliases(copy.source_id)),
            originator=normalize_name(copy.originator or "") or None,
            topics=topic_names(copy),
            images=image_links(copy, t["image"]) if mode == "link" else [],
            lead=lead,
            picture_sizes=ARTICLE_SIZES,
            body=article_body(copy, mode, lead, self.picture_element, t["image"]),
            updated=updated,
            dateline=", ".join(place_date),
            source=source,
            disclaimer=disclaimer(self.settings, copy.source_id),
            description=description,
            lang=lang,
            canonical=canonical,
            nav=self.nav(now, edition),
            active=copy.section,
            feeds=self.feed_links(copy.section, edition),
        )

    def gone(
        self, *, notice: str, now: datetime, ago: Ages, edition: Edition | None = None
    ) -> HTMLResponse:
        """410 with a notice in the edition's language (`notice` names its text): who took it
        down, the edition's latest stories (a reader who followed a shared link still finds
        the news), no copy."""
        edition = edition or self.site.main_edition
        return self.render(
            "gone.html",
            status=410,
            edition=edition,
            notice=self.strings(edition)[notice],
            latest=self.reader.list_copies(now, language=edition.language, limit=GONE_LATEST),
            nav=self.nav(now, edition),
            ago=ago,
        )

    # --- feeds ---------------------------------------------------------------------------

    def feed(self, request: Request) -> Response:
        kind = request.url.path.rsplit("/", 1)[1]
        section = request.path_params.get("section")
        edition = self.edition(request)
        now = self.clock()
        if section is not None and not self.known_section(section, now, edition):
            raise HTTPException(status_code=404)
        serialize, media_type, _ = FORMATS[kind]
        title = self.site.name
        if section is not None:
            title = f"{title} · {self.site.section_name(section, edition.language)}"
        where = edition.prefix + (f"/{section}/" if section else "/")
        info = FeedInfo(
            title=title,
            description=self.strings(edition)["latest"],
            home_path=where,
            feed_dir=where,
            now=now,
            language=edition.language,
        )
        scope = Scope(section=section, language=edition.language)
        copies = self.reader.list_copies(
            now, section=section, language=edition.language, limit=FEED_SIZE
        )
        also = self.reader.other_copies(copies, now)
        self.cacheable(request, {scope.tag()}, now)
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
        self.reader.page(now, Scope(language=self.site.language), size=self.site.page_size)
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
        bring the address to life is a new copy or one made public, and each says its
        edition's "home" tag (any edition's: the address may be a copy's in another)."""
        now = self.clock()
        edition = self.edition(request)
        try:
            nav = self.nav(now, edition)
            self.cacheable(request, self.home_tags(), now)
        except Exception:  # the 404 page must render even when the database is down
            nav = [(s, self.site.section_name(s, edition.language)) for s in self.site.sections]
        return self.render("not_found.html", status=404, edition=edition, nav=nav)

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
