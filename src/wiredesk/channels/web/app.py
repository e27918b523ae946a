"""The public website and outbound feeds as one Starlette application.

The pages and feeds only read, through the store's public read side. Whatever writes (the
push transport) is mounted by the runtime as extra routes; this package never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route

from wiredesk.channels.web.assets import static_file
from wiredesk.channels.web.pages import Pages
from wiredesk.channels.web.security import SecurityHeaders
from wiredesk.config import Settings
from wiredesk.model import utcnow
from wiredesk.store.public.reader import PublicReader


def create_app(
    settings: Settings,
    reader: PublicReader,
    *,
    clock: Callable[[], datetime] = utcnow,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The public site and its feeds over `reader`.

    `clock()` must return aware UTC "now". `extra_routes` (the runtime's push endpoint) are
    matched before the site's own catch-all article route.
    """
    pages = Pages(settings, reader, clock)
    routes: list[BaseRoute] = [
        Route("/", pages.home, name="home"),
        Route("/health", pages.health, name="health"),
        *extra_routes,
        Route("/static/{path:path}", static_file, name="static"),
        Route("/feed.xml", pages.feed, name="rss"),
        Route("/atom.xml", pages.feed, name="atom"),
        Route("/feed.json", pages.feed, name="json_feed"),
        Route("/source/{source_id}/", pages.source, name="source"),
        Route("/originator/{name:path}", pages.originator, name="originator"),
        Route("/{section}/", pages.section, name="section"),
        Route("/{section}/feed.xml", pages.feed, name="section_rss"),
        Route("/{section}/atom.xml", pages.feed, name="section_atom"),
        Route("/{section}/feed.json", pages.feed, name="section_json_feed"),
        Route("/{section}/{rest}", pages.article, name="article"),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: pages.http_error},
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.settings = settings
    app.state.reader = reader
    return app
