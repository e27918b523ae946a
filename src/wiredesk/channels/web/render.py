"""Templates and what every page shares: the navigation, feed links, times in the site's zone.

One Jinja environment per site, with the helpers templates may call; autoescaping is on for
every template, and the only markup a template prints unescaped is a copy's body, which was
sanitized when it arrived.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from wiredesk.channels.copy_extras import correction_text, safe_href
from wiredesk.channels.feeds import FORMATS
from wiredesk.channels.feeds.entry import EntryCache, source_name
from wiredesk.channels.i18n import strings
from wiredesk.channels.timefmt import Ages, iso, local_date, local_time
from wiredesk.channels.web.assets import css_url, font_url
from wiredesk.channels.web.cache import TAGS, UNTIL, Entry, PageCache
from wiredesk.channels.web.limits import RenderTimes
from wiredesk.config import Settings
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import OtherCopy, Picture, normalize_name

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Pages change when the wire does; a short cache keeps kills and updates prompt.
PAGE_CACHE = "public, max-age=60"
# However precise invalidation is, a rendered page is rendered again at least this often:
# what no write announces (an operator's SQL, a clock that moved) is shown within minutes.
MAX_AGE = timedelta(minutes=10)
NAV_KEY = " nav"  # a page cache key no request path can have (paths start with "/")
# A picture inside a story's body: the article column's width (channels/pictures.py).
BODY_PICTURE_SIZES = "(min-width: 48rem) 624px, calc(100vw - 2rem)"


@dataclass(frozen=True, slots=True)
class FeedLink:
    type: str
    title: str
    href: str


def originator_href(name: str) -> str:
    """/originator/<name>, the name percent-encoded (Devanagari, commas and spaces too)."""
    return "/originator/" + quote(normalize_name(name), safe="")


class Renderer:
    """The site's templates and the parts every page shares."""

    def __init__(
        self,
        settings: Settings,
        reader: PublicReader,
        clock: Callable[[], datetime],
        times: RenderTimes | None = None,
        cache: PageCache | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.entry_cache = EntryCache(settings)  # feeds' entries, reused while unchanged
        # (cache generation, asked at, answer) of the last `next_change_after`
        self._next_change: tuple[int, datetime, datetime | None] | None = None
        self.times = times or RenderTimes()
        self.site = settings.site
        self.reader = reader
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
            font_url=font_url(),
            iso=iso,
            when=self.when,
            section_name=self.site.section_name,
            source_name=self.source_name,
            safe_href=safe_href,
            correction_text=lambda c: correction_text(c, self.site, self.t),
            originator_href=originator_href,
        )

    def picture_mode(self, source_id: str) -> str:
        """What the site does with a source's pictures: "host", "link" or "none" (an agency
        no longer in the settings: "link", the default)."""
        src = self.settings.source(source_id)
        return src.images if src else "link"

    def picture_element(self, picture: Picture) -> Markup:
        """A hosted picture of a story's body as `<picture>` (templates/_picture.html), lazy:
        the body is below the fold."""
        macros = self.env.get_template("_picture.html").module
        return Markup(macros.picture_element(picture, BODY_PICTURE_SIZES, False))  # type: ignore[attr-defined]

    def when(self, dt: datetime) -> str:
        return local_time(dt, self.site.timezone, self.site.language)

    def ages(self, now: datetime) -> Ages:
        """Relative times for one page ("2 घंटे पहले"), as of `now`; once the page is
        rendered, pass its `next_change` to `cacheable`, so that no label is kept past the
        moment it stops being true."""
        return Ages(now, self.site.timezone, self.site.language, self.t)

    def aliases(self, source_id: str) -> tuple[str, ...]:
        src = self.settings.source(source_id)
        return src.aliases if src else ()

    def source_name(self, source_id: str) -> str:
        return source_name(self.settings, source_id)

    def also_links(self, others: Sequence[OtherCopy]) -> list[tuple[str, str]]:
        """ "Also reported by" as (agency name, href): each agency's page, or under
        `duplicates = "publish"` the copy itself (it is listed and public there)."""
        publish = self.site.duplicates == "publish"
        return [
            (self.source_name(m.source_id), m.path if publish else f"/source/{m.source_id}/")
            for m in others
        ]

    def nav(self, now: datetime) -> list[tuple[str, str]]:
        """Configured sections in their configured order, then any others that list copies."""
        return [(s, self.site.section_name(s)) for s in self.nav_slugs(now)]

    def known_section(self, section: str, now: datetime) -> bool:
        return section in self.site.sections or section in self.nav_slugs(now)

    def nav_slugs(self, now: datetime) -> list[str]:
        """The navigation's sections, kept in the page cache like a page: every page not yet
        cached (and every 404) needs it, and it costs a query per section."""
        entry = self.cache.get(NAV_KEY, now) if self.cache is not None else None
        if entry is not None:
            return json.loads(entry.body)  # type: ignore[no-any-return]
        generation = self.cache.generation if self.cache is not None else 0
        slugs = list(self.site.sections)
        listed = [s for s in self.reader.nav_sections(now) if s not in self.site.sections]
        slugs += listed
        if self.cache is not None:
            # a new section says "nav"; one listed only while it has copies goes with them
            tags = frozenset({"nav", *(f"section:{s}" for s in listed)})
            body = json.dumps(slugs).encode()
            entry = Entry(200, (), body, b"", now, tags, self.cache_until(now))
            self.cache.put(NAV_KEY, entry, generation)
        return slugs

    def cacheable(
        self, request: Request, tags: set[str], now: datetime, until: datetime | None = None
    ) -> None:
        """Let the page cache keep this response (channels/web/cache.py): until a change with
        one of `tags` (or to the navigation every page shows), and at most until the next
        moment the gate changes by itself, local midnight (the masthead's date), MAX_AGE, or
        `until` (when the page's first relative time reads differently: `Ages.next_change`).
        The response is kept once it is sent, so this may be called after rendering."""
        setattr(request.state, TAGS, {*tags, "nav"})
        limit = self.cache_until(now)
        setattr(request.state, UNTIL, limit if until is None else min(limit, until))

    def cache_until(self, now: datetime) -> datetime:
        """The latest moment a page rendered at `now` may be kept without a change."""
        until = [now + MAX_AGE, self._next_midnight(now)]
        change = self._next_change_after(now)
        if change is not None:
            until.append(change)
        return min(until)

    def _next_change_after(self, now: datetime) -> datetime | None:
        """The reader's `next_change_after`, asked again only after a write (the page cache's
        generation moves with every change it hears of, this process's and others') or once
        that moment has come: a page rendered after a push then makes one query fewer."""
        if self.cache is None:
            return self.reader.next_change_after(now)
        known = self._next_change
        generation = self.cache.generation
        if (
            known is not None
            and known[0] == generation
            and known[1] <= now
            and (known[2] is None or now < known[2])
        ):
            return known[2]
        change = self.reader.next_change_after(now)
        self._next_change = (generation, now, change)
        return change

    def _next_midnight(self, now: datetime) -> datetime:
        local = now.astimezone(self.site.timezone)
        tomorrow = datetime.combine(local.date() + timedelta(days=1), time(), self.site.timezone)
        return tomorrow.astimezone(now.tzinfo)

    def feed_links(self, section: str | None = None) -> list[FeedLink]:
        """`<link rel="alternate">` targets: the section's own feeds first, then the site's."""
        scopes = [("/", self.site.name)]
        if section is not None:
            named = f"{self.site.name} · {self.site.section_name(section)}"
            scopes.insert(0, (f"/{section}/", named))
        return [
            FeedLink(media.split(";")[0], f"{title} ({label})", f"{self.site.base_url}{d}{kind}")
            for d, title in scopes
            for kind, (_, media, label) in FORMATS.items()
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
