"""Templates and what every page shares: the navigation, feed links, times in the site's zone.

One Jinja environment per site, with the helpers templates may call; autoescaping is on for
every template, and the only markup a template prints unescaped is a copy's body, which was
sanitized when it arrived.

Every page belongs to one edition (`config.Edition`: `/` for the site's language, `/en/` for
another), found from its path: the edition gives the page its interface strings, its
`<html lang>`, the names of the sections in its navigation, the prefix of every link
(`prefix`), its feeds, and the `hreflang` links to the same page in the other editions.
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
from wiredesk.config import Edition, Settings
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import OtherCopy, Picture, Scope, normalize_name

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


@dataclass(frozen=True, slots=True)
class Alternate:
    """The same page in another edition: `<link rel="alternate" hreflang>`, and the switch."""

    hreflang: str  # a language, or "x-default" (the site's own edition)
    href: str  # absolute
    label: str  # the language's name, in that language
    current: bool  # this page's own edition


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
        self._strings = {e.language: strings(e.language) for e in self.site.editions}
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

    def ages(self, now: datetime, edition: Edition | None = None) -> Ages:
        """Relative times for one page ("2 घंटे पहले", "2 hours ago" in the English
        edition), as of `now`; once the page is rendered, pass its `next_change` to
        `cacheable`, so that no label is kept past the moment it stops being true."""
        language = (edition or self.site.main_edition).language
        return Ages(now, self.site.timezone, language, self.strings(edition))

    # --- editions ------------------------------------------------------------------------

    def edition(self, request: Request) -> Edition:
        """The edition a request's page belongs to, from its path (`/en/...`)."""
        return self.site.edition_at(request.url.path)

    def strings(self, edition: Edition | None) -> dict[str, str]:
        """The interface strings of `edition` (default: the site's own)."""
        if edition is None:
            return self.t
        return self._strings.get(edition.language) or strings(edition.language)

    def home_tags(self) -> set[str]:
        """Every edition's whole-list tag: what a page that any new copy may change waits for."""
        return {Scope(language=e.language).tag() for e in self.site.editions}

    def alternates(self, path: str, edition: Edition) -> list[Alternate]:
        """`path` (as in the site's own edition: "/", "/desh/") in every edition, for
        `hreflang` links and the language switch; none on a site of one edition."""
        if len(self.site.editions) < 2:
            return []
        out = [
            Alternate(
                e.language,
                self.site.base_url + e.prefix + path,
                e.label or self.strings(e)["language_name"],
                e == edition,
            )
            for e in self.site.editions
        ]
        main = self.site.main_edition
        out.append(Alternate("x-default", self.site.base_url + path, main.label or "", False))
        return out

    def aliases(self, source_id: str) -> tuple[str, ...]:
        src = self.settings.source(source_id)
        return src.aliases if src else ()

    def source_name(self, source_id: str) -> str:
        return source_name(self.settings, source_id)

    def switch(self, alternates: Sequence[Alternate], edition: Edition) -> list[Alternate]:
        """The masthead's links to the other editions: this page in each (a list page's
        `alternates`), else each edition's home."""
        others = [a for a in alternates if a.hreflang != "x-default" and not a.current]
        if others or len(self.site.editions) < 2:
            return others
        return [
            a for a in self.alternates("/", edition) if a.hreflang != "x-default" and not a.current
        ]

    def also_links(
        self, others: Sequence[OtherCopy], edition: Edition | None = None
    ) -> list[tuple[str, str]]:
        """ "Also reported by" as (agency name, href): each agency's page in the edition, or
        under `duplicates = "publish"` the copy itself (it is listed and public there)."""
        prefix = (edition or self.site.main_edition).prefix
        publish = self.site.duplicates == "publish"
        return [
            (
                self.source_name(m.source_id),
                prefix + (m.path if publish else f"/source/{m.source_id}/"),
            )
            for m in others
        ]

    def nav(self, now: datetime, edition: Edition | None = None) -> list[tuple[str, str]]:
        """Configured sections in their configured order, then any others that list copies in
        the edition's language; named in that language."""
        language = (edition or self.site.main_edition).language
        return [(s, self.site.section_name(s, language)) for s in self.nav_slugs(now, edition)]

    def known_section(self, section: str, now: datetime, edition: Edition | None = None) -> bool:
        return section in self.site.sections or section in self.nav_slugs(now, edition)

    def nav_slugs(self, now: datetime, edition: Edition | None = None) -> list[str]:
        """The navigation's sections in an edition, kept in the page cache like a page: every
        page not yet cached (and every 404) needs it, and it costs a query per section.

        Configured sections are always there. One that is not (the default `news` section,
        or one taken out of the settings that still has copies) is there while it lists a copy
        in the edition's language."""
        language = (edition or self.site.main_edition).language
        key = f"{NAV_KEY} {language}"
        entry = self.cache.get(key, now) if self.cache is not None else None
        if entry is not None:
            return json.loads(entry.body)  # type: ignore[no-any-return]
        generation = self.cache.generation if self.cache is not None else 0
        slugs = list(self.site.sections)
        others = [s for s in self.reader.section_names() if s not in self.site.sections]
        slugs += self.reader.nav_sections(now, language, among=others)
        if self.cache is not None:
            # a new section says "nav"; one not configured comes and goes with its copies
            tags = frozenset({"nav", *(Scope(section=s, language=language).tag() for s in others)})
            body = json.dumps(slugs).encode()
            entry = Entry(200, (), body, b"", now, tags, self.cache_until(now))
            self.cache.put(key, entry, generation)
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

    def feed_links(
        self, section: str | None = None, edition: Edition | None = None
    ) -> list[FeedLink]:
        """`<link rel="alternate">` targets: the section's own feeds first, then the
        edition's."""
        edition = edition or self.site.main_edition
        scopes = [(edition.prefix + "/", self.site.name)]
        if section is not None:
            named = f"{self.site.name} · {self.site.section_name(section, edition.language)}"
            scopes.insert(0, (f"{edition.prefix}/{section}/", named))
        return [
            FeedLink(media.split(";")[0], f"{title} ({label})", f"{self.site.base_url}{d}{kind}")
            for d, title in scopes
            for kind, (_, media, label) in FORMATS.items()
        ]

    def render(
        self, name: str, status: int = 200, edition: Edition | None = None, **context: Any
    ) -> HTMLResponse:
        """`name` rendered in `edition` (default: the site's own): its strings, its language,
        its links. `alternates` (from `alternates()`) gives the page's `hreflang` links."""
        edition = edition or self.site.main_edition
        language = edition.language
        t = self.strings(edition)
        context.setdefault("t", t)
        context.setdefault("ui_lang", language)
        context.setdefault("lang", language)
        context.setdefault("prefix", edition.prefix)
        context.setdefault("alternates", [])
        context.setdefault("switch", self.switch(context["alternates"], edition))
        context.setdefault("feeds", self.feed_links(edition=edition))
        context.setdefault("canonical", None)
        context.setdefault("active", None)
        context.setdefault("today", local_date(self.clock(), self.site.timezone, language))
        if edition != self.site.main_edition:
            context.setdefault("when", lambda dt: local_time(dt, self.site.timezone, language))
            context.setdefault("section_name", lambda slug: self.site.section_name(slug, language))
            context.setdefault(
                "correction_text", lambda c: correction_text(c, self.site, t, language)
            )
        html = self.env.get_template(name).render(**context)
        headers = {"Cache-Control": PAGE_CACHE} if status == 200 else {"Cache-Control": "no-store"}
        return HTMLResponse(html, status_code=status, headers=headers)
