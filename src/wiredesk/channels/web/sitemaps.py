"""What search engines read at the site's root: `robots.txt`, the sitemaps, `favicon.ico`.

- `/sitemap-news.xml`: the Google News sitemap, the stories the public first saw in the last
  48 hours (at most 1,000, newest first), each with the publication's name and the story's
  language, its publication time and headline. Google reads nothing older in a news sitemap.
- `/sitemap.xml`: a sitemap index naming one sitemap per month of stories
  (`/sitemap-2026-11.xml`; a month of more than 50,000 stories, the protocol's limit per file,
  continues in `/sitemap-2026-11-2.xml` and so on), each listing every story of that month
  with its last change as `lastmod`. Months are those of first publication, so a story stays
  in one file for its whole life and an old month's file changes only when one of its stories
  does.
- `/robots.txt`: everything may be crawled but `/health`; it names the index and every
  edition's news sitemap.

Each edition has its own: `/sitemap-news.xml` and `/sitemap-2026-11.xml` list the copies of
the site's language, `/en/sitemap-news.xml` and `/en/sitemap-2026-11.xml` the English
edition's, each copy under its edition's URL; the one index at `/sitemap.xml` names every
edition's month files. So every published copy is in exactly one edition's sitemaps, and a
copy in a language no edition publishes is in none.

Every list here is read through the public reader, whose gate is the lists' and feeds': a
killed, withheld, held, still embargoed or suppressed copy is in no sitemap. They are kept in
the page cache like pages, tagged with their edition's `home` tag — which every change to a
listed copy in that language carries — so a kill drops them with the edition's home page, at
once, and an embargo's end (the cache's `until`) brings the story in.

These files answer at their own routes: the site's trailing-slash redirect runs only when no
route matches, and used to send `/robots.txt` to `/robots.txt/`, a 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from wiredesk.channels.timefmt import iso
from wiredesk.channels.web.assets import STATIC_DIR
from wiredesk.channels.web.render import PAGE_CACHE, Renderer
from wiredesk.config import Edition
from wiredesk.store.public.reader import month_start, next_month
from wiredesk.store.public.views import Scope, SitemapEntry

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_WINDOW = timedelta(hours=48)  # Google News reads no older story from a news sitemap
NEWS_LIMIT = 1000  # Google News's limit per news sitemap
PER_FILE = 50_000  # the sitemaps protocol's limit of URLs per file
MAX_FILES_PER_MONTH = 40  # two million stories a month: more are left out of the sitemaps
SETTLED = timedelta(days=2)  # a month this long over is counted once per COUNTS_KEPT
COUNTS_KEPT = timedelta(hours=6)
XML_TYPE = "application/xml; charset=utf-8"
FAVICON = STATIC_DIR / "favicon.ico"
# The file names of a month's sitemap: sitemap-2026-11.xml, then sitemap-2026-11-2.xml, ...
_MONTH_FILE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])(?:-([1-9]\d{0,5}))?")


class SearchEngineFiles:
    """The handlers of the root files, over the pages' renderer (settings, reader, clock,
    the page cache's tags)."""

    def __init__(self, pages: Renderer) -> None:
        self.pages = pages
        self.site = pages.site
        # (language, month) -> (files, when counted)
        self._counts: dict[tuple[str, datetime], tuple[int, datetime]] = {}

    def url(self, path: str) -> str:
        return self.site.base_url + path

    def robots(self, request: Request) -> Response:
        lines = [
            "User-agent: *",
            "Disallow: /health",
            "",
            f"Sitemap: {self.url('/sitemap.xml')}",
            *(f"Sitemap: {self.url(e.prefix + '/sitemap-news.xml')}" for e in self.site.editions),
            "",
        ]
        self.pages.cacheable(request, set(), self.pages.clock())
        return Response(
            "\n".join(lines),
            media_type="text/plain; charset=utf-8",
            headers={"Cache-Control": PAGE_CACHE},
        )

    def favicon(self, request: Request) -> Response:
        return FileResponse(
            FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
        )

    def news(self, request: Request) -> Response:
        now = self.pages.clock()
        edition = self.pages.edition(request)
        entries = self.pages.reader.recent_for_news(
            now, now - NEWS_WINDOW, NEWS_LIMIT, edition.language
        )
        self.pages.cacheable(request, {Scope(language=edition.language).tag()}, now)
        return _xml(self._news_lines(entries, edition))

    def _news_lines(self, entries: Iterable[SitemapEntry], edition: Edition) -> Iterator[str]:
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield f'<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n'
        name = escape(self.site.name)
        for e in entries:
            language = escape(e.language or edition.language)
            loc = escape(self.url(edition.prefix + e.path))
            yield (
                f"<url><loc>{loc}</loc><news:news><news:publication>"
                f"<news:name>{name}</news:name><news:language>{language}</news:language>"
                f"</news:publication><news:publication_date>{iso(e.published)}"
                f"</news:publication_date><news:title>{escape(e.headline or '')}</news:title>"
                "</news:news></url>\n"
            )
        yield "</urlset>\n"

    def index(self, request: Request) -> Response:
        now = self.pages.clock()
        files = [
            (edition, m, self.files_of(m, now, edition.language))
            for edition in self.site.editions
            for m in self.pages.reader.sitemap_months(now, edition.language)
        ]
        self.pages.cacheable(request, self.pages.home_tags(), now)
        return _xml(self._index_lines((e, m, n) for e, m, n in files if n))

    def files_of(self, month: datetime, now: datetime, language: str) -> int:
        """How many files of PER_FILE copies a month needs. Counting a month reads its range
        of the listing index (on a site of more than PER_FILE copies), so a month that ended
        more than SETTLED ago is counted once per COUNTS_KEPT: its stories change rarely
        then (a kill, a late copy), and a file the count names that turns out empty answers
        404, which crawlers take in their stride. The current month is counted each time."""
        kept = self._counts.get((language, month))
        settled = next_month(month) + SETTLED <= now
        if kept is not None and settled and now - kept[1] < COUNTS_KEPT:
            return kept[0]
        files = self.pages.reader.month_files(now, month, PER_FILE, MAX_FILES_PER_MONTH, language)
        if settled:
            self._counts[(language, month)] = (files, now)
        return files

    def _index_lines(self, months: Iterable[tuple[Edition, datetime, int]]) -> Iterator[str]:
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield f'<sitemapindex xmlns="{SITEMAP_NS}">\n'
        for edition, month, files in months:
            for n in range(1, files + 1):
                path = edition.prefix + month_path(month, n)
                yield f"<sitemap><loc>{escape(self.url(path))}</loc></sitemap>\n"
        yield "</sitemapindex>\n"

    def month(self, request: Request) -> Response:
        found = _MONTH_FILE.fullmatch(request.path_params["month"])
        if found is None:
            raise HTTPException(status_code=404)
        year, month_number, part = found.groups()
        number = int(part or 1)
        if part == "1":  # the first file has one name only
            raise HTTPException(status_code=404)
        now = self.pages.clock()
        edition = self.pages.edition(request)
        month = datetime(int(year), int(month_number), 1, tzinfo=UTC)
        if month > month_start(now):
            raise HTTPException(status_code=404)
        entries = self.pages.reader.sitemap_month(
            now, month, skip=(number - 1) * PER_FILE, limit=PER_FILE, language=edition.language
        )
        if not entries:
            raise HTTPException(status_code=404)
        self.pages.cacheable(request, {Scope(language=edition.language).tag()}, now)
        return _xml(self._month_lines(entries, edition))

    def _month_lines(self, entries: Iterable[SitemapEntry], edition: Edition) -> Iterator[str]:
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield f'<urlset xmlns="{SITEMAP_NS}">\n'
        for e in entries:
            loc = escape(self.url(edition.prefix + e.path))
            yield f"<url><loc>{loc}</loc><lastmod>{iso(e.modified)}</lastmod></url>\n"
        yield "</urlset>\n"


def month_path(month: datetime, n: int = 1) -> str:
    """`/sitemap-2026-11.xml` for a month's first file, `/sitemap-2026-11-2.xml` after."""
    suffix = "" if n == 1 else f"-{n}"
    return f"/sitemap-{month:%Y-%m}{suffix}.xml"


def _xml(lines: Iterable[str]) -> Response:
    return Response(
        "".join(lines).encode("utf-8"),
        media_type=XML_TYPE,
        headers={"Cache-Control": PAGE_CACHE},
    )
