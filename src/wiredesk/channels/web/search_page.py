"""`/search?q=`: the site's search page, server-rendered, a plain GET form that works without
JavaScript.

The query and the filters are GET parameters (`q`, `section`, `source`, `language`,
`originator`, `from`, `to`, and `after` for the next page), so a results page is a link. What
the reader typed is folded as stored keys are (`wiredesk.text.search_keys`); matches are
highlighted with `<mark>` on the words as the story writes them, every piece of text escaped.
Nothing a reader types is an error: an empty query shows the form, an overlong one is cut at
`MAX_QUERY_CHARS` (and the page says so), a filter value that names nothing is left out (and
the page says so), a malformed `after` starts from the first page.

Each edition searches its own language: `/search` the site's, `/en/search` the English
edition's (its masthead's search box goes there). The language filter offers the editions'
languages only, and is the page's own edition's unless the reader picks another; a copy in a
language no edition publishes is never a result (its page would answer 404), and each result
links to the copy in its own edition.

Results are not kept in the page cache: each query is its own page, most are asked once, and
a kill must take a copy out of results at once; the page is cheap (one index query). It says
`Cache-Control: no-store` and `noindex`, so neither browsers, proxies nor crawlers keep it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from wiredesk.channels.web.render import Renderer
from wiredesk.config import Edition
from wiredesk.store.public.views import Copy, SearchQuery, normalize_name
from wiredesk.text.search_keys import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    QueryTerms,
    parse_query,
    word_spans,
)

SNIPPET_CHARS = 240
_FILTERS = ("section", "source", "language", "originator", "from", "to")


@dataclass(frozen=True, slots=True)
class Result:
    copy: Copy
    headline: Markup
    snippet: Markup


def highlighted(text: str, words: set[str] | frozenset[str]) -> Markup:
    """`text` escaped, each word whose folded form is one of `words` in `<mark>`."""
    out: list[str] = []
    last = 0
    for start, end, folded in word_spans(text):
        if folded in words and start >= last:
            out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end])]
            out.append(Markup("</mark>"))
            last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(texts: list[str], words: set[str] | frozenset[str]) -> Markup:
    """A piece of the first text with a match, around its first match, highlighted; the
    first text's beginning when none has one (the match was in the headline)."""
    for text in texts:
        first = next((s for s in word_spans(text) if s[2] in words), None)
        if first is None:
            continue
        start = max(0, first[0] - SNIPPET_CHARS // 3)
        if start > 0:  # begin at a word
            space = text.find(" ", start, first[0])
            start = space + 1 if space >= 0 else first[0]
        end = min(len(text), start + SNIPPET_CHARS)
        if end < len(text):
            space = text.rfind(" ", first[1], end)
            end = space if space > 0 else max(end, first[1])
        before = "… " if start > 0 else ""
        after = " …" if end < len(text) else ""
        return Markup(before) + highlighted(text[start:end], words) + Markup(after)
    first_text = next((t for t in texts if t), "")
    if len(first_text) > SNIPPET_CHARS:
        first_text = first_text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return highlighted(first_text, words)


class SearchPages:
    """The handler of `/search`, with the site's templates and reader."""

    def __init__(self, renderer: Renderer) -> None:
        self.r = renderer

    def page(self, request: Request) -> Response:
        r = self.r
        edition = r.edition(request)
        t = r.strings(edition)
        here = request.url.path
        params = request.query_params
        typed = params.get("q", "")
        terms = parse_query(typed)
        notes: list[str] = []
        if terms.shortened:
            notes.append(t["query_shortened"].format(chars=MAX_QUERY_CHARS, words=MAX_QUERY_WORDS))
        now = r.clock()
        chosen = {name: params.get(name, "").strip() for name in _FILTERS}
        query, ignored = self._query(terms, chosen, now, edition, t)
        chosen["language"] = query.language or edition.language
        if ignored:
            notes.append(t["filter_ignored"] + ": " + ", ".join(ignored))
        after = _after(params.get("after", ""))
        results: list[Result] = []
        more_url = None
        if terms:
            found = r.reader.search(now, query, size=r.site.page_size, after=after)
            words = frozenset(terms.words)
            results = [
                Result(
                    c,
                    highlighted(c.headline, words),
                    snippet([c.summary, c.body_text], words),
                )
                for c in found.copies
            ]
            if found.more_after is not None:
                kept = [(k, v) for k, v in params.multi_items() if k != "after" and v]
                more_url = here + "?" + urlencode([*kept, ("after", str(found.more_after))])
        response = r.render(
            "search.html",
            edition=edition,
            result_prefix={e.language: e.prefix for e in r.site.editions},
            typed=typed[: MAX_QUERY_CHARS * 2],
            searched=bool(terms),
            results=results,
            more_url=more_url,
            first_url=_first_url(here, params.multi_items()) if after is not None else None,
            notes=notes,
            chosen=chosen,
            sections=r.nav(now, edition),
            sources=[(s.id, s.name) for s in r.settings.sources],
            languages=[
                (e.language, e.label or r.strings(e)["language_name"]) for e in r.site.editions
            ],
            nav=r.nav(now, edition),
            active=None,
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def _query(
        self,
        terms: QueryTerms,
        chosen: dict[str, str],
        now: datetime,
        edition: Edition,
        t: dict[str, str],
    ) -> tuple[SearchQuery, list[str]]:
        """The query with the filters that name something; the names of those left out. The
        language is always one an edition publishes: the edition's own unless another
        edition's is chosen."""
        r = self.r
        ignored: list[str] = []
        section = chosen["section"] or None
        if section is not None and not r.known_section(section, now, edition):
            ignored.append(t["section"])
            section = None
        source = chosen["source"] or None
        if source is not None and r.settings.source(source) is None:
            ignored.append(t["source"])
            source = None
        language = chosen["language"] or edition.language
        if r.site.edition(language) is None:
            ignored.append(t["language"])
            language = edition.language
        originator = normalize_name(chosen["originator"]) or None
        zone = r.site.timezone
        since = _day(chosen["from"])
        until = _day(chosen["to"])
        if chosen["from"] and since is None:
            ignored.append(t["from_date"])
        if chosen["to"] and until is None:
            ignored.append(t["to_date"])
        query = SearchQuery(
            terms,
            section=section,
            source_id=source,
            language=language,
            originator=originator,
            since=None if since is None else _start_of(since, zone),
            until=None if until is None else _start_of(until + timedelta(days=1), zone),
        )
        return query, ignored


def _day(text: str) -> date | None:
    """A `YYYY-MM-DD` date (what `<input type=date>` sends), or None."""
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _start_of(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _after(text: str) -> int | None:
    """The next page's start (an item id), or None for a hand-edited value."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def _first_url(path: str, items: list[tuple[str, str]]) -> str:
    return path + "?" + urlencode([(k, v) for k, v in items if k != "after" and v])
