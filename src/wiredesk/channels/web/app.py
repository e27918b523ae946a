"""The public website and outbound feeds as one Starlette application.

The pages and feeds only read, through the store's public read side. Whatever writes (the
push transport) is mounted by the runtime as extra routes; this package never imports it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

from wiredesk.channels.api_v1.app import SubscribersApi
from wiredesk.channels.web.assets import static_file
from wiredesk.channels.web.cache import CachedPages, ChangeFollower, PageCache
from wiredesk.channels.web.limits import REQUEST_TIMEOUT, RenderTimes, RequestLimits
from wiredesk.channels.web.media import MediaFiles
from wiredesk.channels.web.metering import Metering
from wiredesk.channels.web.metrics_page import MetricsPage
from wiredesk.channels.web.pages import Pages
from wiredesk.channels.web.search_page import SearchPages
from wiredesk.channels.web.security import SecurityHeaders
from wiredesk.channels.web.sitemaps import SearchEngineFiles
from wiredesk.config import Settings
from wiredesk.model import utcnow
from wiredesk.store.public.deadline import QueryInterrupted
from wiredesk.store.public.media import media_root
from wiredesk.store.public.reader import PublicReader


def create_app(
    settings: Settings,
    reader: PublicReader,
    *,
    clock: Callable[[], datetime] = utcnow,
    extra_routes: Sequence[BaseRoute] = (),
    page_cache: bool = True,
    follow_changes_every: float = 0.5,
    request_timeout: float = REQUEST_TIMEOUT,
) -> Starlette:
    """The public site and its feeds over `reader`.

    `clock()` must return aware UTC "now". `extra_routes` (the runtime's push endpoint) are
    matched before the site's own catch-all article route. With `page_cache`, pages and feeds
    are rendered once per change (channels/web/cache.py): writes through `reader`'s database
    in this process drop what they change at once, other processes' writes within
    `follow_changes_every` seconds. A page whose queries take more than `request_timeout`
    seconds answers 503.
    """
    times = RenderTimes()
    cache = PageCache()
    pages = Pages(settings, reader, clock, times, cache if page_cache else None)
    one = _one_connection(reader)
    files = SearchEngineFiles(pages)
    search = one(SearchPages(pages).page)
    routes: list[BaseRoute] = [
        Route("/", one(pages.home), name="home"),
        Route("/health", pages.health, name="health"),
        Route("/metrics", MetricsPage(settings, reader).page, name="metrics"),
        Route("/search", search, name="search"),
        # files at the root answer here, never through the trailing-slash redirect
        Route("/robots.txt", files.robots, name="robots"),
        Route("/favicon.ico", files.favicon, name="favicon"),
        Route("/sitemap.xml", one(files.index), name="sitemap_index"),
        Route("/sitemap-news.xml", one(files.news), name="news_sitemap"),
        Route("/sitemap-{month}.xml", one(files.month), name="month_sitemap"),
        # the subscribers' API (channels/api_v1): /api/v1/..., /api/openapi.json
        *SubscribersApi(settings, reader, clock).routes(),
        *extra_routes,
        Route("/static/{path:path}", static_file, name="static"),
        Route("/media/{name}", MediaFiles(media_root(settings.site.data_dir)).serve, name="media"),
    ]
    # Another language's edition lives under its path (/en/): the same pages, before the
    # site's own catch-all section and article routes, which would take /en/ for a section.
    for edition in settings.site.other_editions:
        p, suffix = edition.prefix, f"@{edition.language}"
        routes += [
            Route(f"{p}/", one(pages.home), name="home" + suffix),
            Route(f"{p}/search", search, name="search" + suffix),
            Route(f"{p}/sitemap-news.xml", one(files.news), name="news_sitemap" + suffix),
            Route(f"{p}/sitemap-{{month}}.xml", one(files.month), name="month_sitemap" + suffix),
            *_pages(pages, one, p, suffix),
        ]
    routes += _pages(pages, one, "", "")
    # outermost first: the cache answers hits; a miss gets a time limit and security headers
    middleware = [
        Middleware(RequestLimits, times=times, timeout=request_timeout),
        Middleware(SecurityHeaders),
    ]
    if page_cache:
        reader.db.on_change(cache.invalidate)
        follower = ChangeFollower(cache, reader.changes_since, every=follow_changes_every)
        # outermost: a hit is answered before routing, with the headers the page was sent with
        middleware.insert(
            0, Middleware(CachedPages, cache=cache, clock=clock, before=follower.catch_up)
        )
    prefixes = tuple(e.prefix for e in settings.site.other_editions)
    middleware.insert(0, Middleware(Metering, edition_prefixes=prefixes))  # hits counted too
    app = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: pages.http_error,
            DBAPIError: pages.database_error,
            QueryInterrupted: pages.database_error,
        },
        middleware=middleware,
    )
    _redirect_slashes_to_paths(app.router)
    app.state.settings = settings
    app.state.reader = reader
    app.state.page_cache = cache
    return app


def _pages(
    pages: Pages,
    one: Callable[[Callable[[Request], Response]], Callable[[Request], Response]],
    prefix: str,
    suffix: str,
) -> list[BaseRoute]:
    """An edition's feeds, lists and articles under `prefix` ("" or "/en")."""
    return [
        Route(f"{prefix}/feed.xml", one(pages.feed), name="rss" + suffix),
        Route(f"{prefix}/atom.xml", one(pages.feed), name="atom" + suffix),
        Route(f"{prefix}/feed.json", one(pages.feed), name="json_feed" + suffix),
        Route(f"{prefix}/source/{{source_id}}/", one(pages.source), name="source" + suffix),
        Route(
            f"{prefix}/originator/{{name:path}}", one(pages.originator), name="originator" + suffix
        ),
        Route(f"{prefix}/{{section}}/", one(pages.section), name="section" + suffix),
        Route(f"{prefix}/{{section}}/feed.xml", one(pages.feed), name="section_rss" + suffix),
        Route(f"{prefix}/{{section}}/atom.xml", one(pages.feed), name="section_atom" + suffix),
        Route(
            f"{prefix}/{{section}}/feed.json", one(pages.feed), name="section_json_feed" + suffix
        ),
        Route(f"{prefix}/{{section}}/{{rest}}", one(pages.article), name="article" + suffix),
    ]


def _redirect_slashes_to_paths(router: Router) -> None:
    """`/news` → `/news/` (and `/a/b/` → `/a/b`) as Starlette does, but to a path.

    Starlette's own redirect writes an absolute URL built from the request's `Host` header,
    so `Host: evil.example` made the site answer `Location: http://evil.example/news/` — an
    open redirect, and a poisoned entry in any cache in front. A path is right whatever name
    or proxy the reader came through. Only when no route matches does this run (the router's
    fallback), so it costs the pages nothing.
    """
    router.redirect_slashes = False
    not_found = router.default

    async def slash_or_not_found(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else "/"
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        # never `//host` or `/\host`: a browser reads either as another site
        if path != "/" and other.startswith("/") and other[1:2] not in ("/", "\\"):
            trial = {**scope, "path": other}
            if any(route.matches(trial)[0] is not Match.NONE for route in router.routes):
                query = scope.get("query_string", b"").decode("latin-1")
                location = other + ("?" + query if query else "")
                await RedirectResponse(location, status_code=307)(scope, receive, send)
                return
        await not_found(scope, receive, send)

    router.default = slash_or_not_found


def _one_connection(
    reader: PublicReader,
) -> Callable[[Callable[[Request], Response]], Callable[[Request], Response]]:
    """Wraps a page's handler so that its reads share one connection
    (`PublicReader.one_connection`); the handler stays a plain function, which Starlette runs
    in a worker thread, where the reads happen."""

    def wrap(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        @functools.wraps(handler)
        def page(request: Request) -> Response:
            with reader.one_connection():
                return handler(request)

        return page

    return wrap
