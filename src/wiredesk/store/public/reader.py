"""Every query a public channel makes, and nothing else: each goes through the gate.

Channels (pages, feeds, and anything added later) hold a `PublicReader` and nothing of the
write side. Every method takes `now`: what the public may see is decided by the gate's
columns compared with that moment (store/public/gate.py), which is how an embargo lifts, or a
story's next copy takes a killed lead's place, with no job running.

No query's cost grows with the archive: lists walk an index in page order from a cursor
(keyset pagination, no OFFSET, no count), the navigation reads the small `sections` table,
and everything about one copy is found by its short id or its story. A public list is one
edition's (`Scope.language`), and its index leads with the language, so the other
editions' copies cost it nothing either.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    bindparam,
    func,
    literal,
    or_,
    select,
)

from wiredesk.model import Signal, utcnow
from wiredesk.store.public import search
from wiredesk.store.public.gate import (
    DuplicatePolicy,
    best_first,
    lead_clause,
    listed_clause,
    public_clause,
    visible_clause,
)
from wiredesk.store.public.views import (
    EVERYTHING,
    Copy,
    CopyDetail,
    CopyPage,
    Correction,
    Cursor,
    OtherCopy,
    Scope,
    SearchPage,
    SearchQuery,
    SitemapEntry,
    VersionLine,
    copy_from_row,
    copy_path,
    normalize_name,
    version_times,
)
from wiredesk.store.schema import changes, item_versions, items, sections
from wiredesk.store.schema import stories as story_rows

# The connection of `PublicReader.one_connection` in force, once taken (an empty list before).
_pinned: contextvars.ContextVar[list[Connection] | None] = contextvars.ContextVar(
    "wiredesk_reader_connection", default=None
)

# Rows per `IN (...)` list: well under SQLite's 32,766 bound parameters, and a plan stays cheap.
_IN_CHUNK = 500
# The most match ids one statement of a PostgreSQL search reads (`PublicReader._pg_search`).
SEARCH_BATCH_MOST = 5000
# The largest item id PostgreSQL's `integer` column holds: a page "below" a larger one (a
# hand-edited link) starts from the newest match.
_MAX_ITEM_ID = 2**31 - 1
# Changes read per catch-up; a reader further behind than this drops its whole cache.
_CHANGES_BATCH = 1000

# Fields of a copy as the public sees it: items joined with the current version.
COPY_COLUMNS = (
    items.c.id.label("item_id"),
    items.c.short_id,
    items.c.source_id,
    items.c.guid,
    items.c.slug,
    items.c.section,
    items.c.state,
    items.c.language,
    items.c.version_count,
    items.c.published_at,
    items.c.updated_at,
    item_versions.c.version,
    item_versions.c.headline,
    item_versions.c.summary,
    item_versions.c.body_html,
    item_versions.c.body_text,
    item_versions.c.byline,
    item_versions.c.link,
    item_versions.c.categories,
    item_versions.c.credit_line,
    item_versions.c.originator,
    item_versions.c.upstream_disclaimer,
    item_versions.c.upstream_source,
    item_versions.c.dateline_place,
    item_versions.c.dateline_date,
    item_versions.c.subheadline,
    item_versions.c.slugline,
    item_versions.c.urgency,
    item_versions.c.subjects,
    item_versions.c.keywords,
    item_versions.c.copyright,
    item_versions.c.usage_terms,
    item_versions.c.provenance,
    item_versions.c.images,
    items.c.story_id,
    items.c.pictures,
)
_CURRENT = items.join(item_versions, item_versions.c.id == items.c.current_version_id)
# A list reads the copies' own columns and which version is current; the versions' columns
# (headline, body, …: most of a list's bytes) come from `CopyCache` where it has them.
_VERSION_PART = (
    item_versions.c.id,
    *(c for c in COPY_COLUMNS if getattr(c, "table", None) is item_versions),
)
_LISTED = (
    *(c for c in COPY_COLUMNS if getattr(c, "table", None) is not item_versions),
    items.c.current_version_id,
)

# The statements of a page's every render, built once with their values as parameters.
# Building a statement and computing its key for SQLAlchemy's compiled cache cost about as
# much CPU as the round trip to the server; a prebuilt one computes its key once.
_NOW: BindParameter[datetime] = bindparam("now", type_=items.c.published_at.type)


Shape = tuple[bool, bool, bool, bool]


def _shape(scope: Scope) -> Shape:
    """Which of a list's scope filters are set: one prebuilt statement per shape."""
    return (
        scope.section is not None,
        scope.source_id is not None,
        scope.originator is not None,
        scope.language is not None,
    )


def _scope_params(now: datetime, scope: Scope) -> dict[str, Any]:
    params: dict[str, Any] = {"now": now}
    if scope.section is not None:
        params["section"] = scope.section
    if scope.source_id is not None:
        params["source_id"] = scope.source_id
    if scope.originator is not None:
        params["originator"] = normalize_name(scope.originator)
    if scope.language is not None:
        params["language"] = scope.language
    return params


def _filters(mode: str, shape: Shape) -> list[ColumnElement[bool]]:
    """The gate's listing clause (one copy per story unless the policy is "publish"), then
    the list's own scope. An agency's own list shows every public copy of that agency, so
    "Also reported by" leads to the agency's copy under "link"."""
    section, source, originator, language = shape
    gate = listed_clause if not source else public_clause
    # A public copy was published by now: a bound the index's first column can use.
    clauses = [gate(_NOW, DuplicatePolicy(mode=mode)), items.c.published_at <= _NOW]
    if language:
        clauses.append(items.c.language == bindparam("language"))
    if section:
        clauses.append(items.c.section == bindparam("section"))
    if source:
        clauses.append(items.c.source_id == bindparam("source_id"))
    if originator:
        clauses.append(items.c.originator == bindparam("originator"))
    return clauses


@functools.cache
def _list_query(mode: str, shape: Shape, after: bool) -> Select[Any]:
    clauses = _filters(mode, shape)
    if after:
        t = bindparam("after_time", type_=items.c.published_at.type)
        i: BindParameter[int] = bindparam("after_id", type_=items.c.id.type)
        clauses += [items.c.published_at <= t, or_(items.c.published_at < t, items.c.id < i)]
    return (
        select(*_LISTED)
        .where(*clauses)
        .order_by(items.c.published_at.desc(), items.c.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


@functools.cache
def _newer_query(mode: str, shape: Shape) -> Select[Any]:
    """A section's listed copies after a cursor, oldest first: its own index, walked forward
    from the cursor (an article's related stories look both ways in time)."""
    t = bindparam("after_time", type_=items.c.published_at.type)
    i: BindParameter[int] = bindparam("after_id", type_=items.c.id.type)
    clauses = _filters(mode, shape)
    clauses += [items.c.published_at >= t, or_(items.c.published_at > t, items.c.id > i)]
    return (
        select(*_LISTED)
        .where(*clauses)
        .order_by(items.c.published_at.asc(), items.c.id.asc())
        .limit(bindparam("limit", type_=Integer))
    )


@functools.cache
def _probe_query(mode: str, shape: Shape) -> Select[Any]:
    """Does a list have a first copy: its own index, walked newest first, as its page reads it."""
    return (
        select(literal(1))
        .select_from(items)
        .where(*_filters(mode, shape))
        .order_by(items.c.published_at.desc())
        .limit(1)
    )


_VERSIONS = select(*_VERSION_PART).where(item_versions.c.id.in_(bindparam("ids", expanding=True)))
_MEMBERS = select(
    items.c.id,
    items.c.story_id,
    items.c.short_id,
    items.c.source_id,
    items.c.section,
    items.c.slug,
    items.c.published_at,
    items.c.language,
).where(items.c.story_id.in_(bindparam("stories", expanding=True)), visible_clause(_NOW))
_OTHER_MEMBERS = _MEMBERS.where(items.c.id.not_in(bindparam("shown", expanding=True)))
# both in one statement: each is one probe of its own index
_NEXT_CHANGE = select(
    select(func.min(items.c.public_from)).where(items.c.public_from > _NOW).scalar_subquery(),
    select(func.min(items.c.outranked_at)).where(items.c.outranked_at > _NOW).scalar_subquery(),
)

# --- sitemaps: the same gate, other orders -------------------------------------------------

_SITEMAP_COLUMNS = (
    items.c.short_id,
    items.c.section,
    items.c.slug,
    items.c.language,
    items.c.published_at,
    items.c.updated_at,
    items.c.public_from,
)


def _in_language(by_language: bool) -> list[ColumnElement[bool]]:
    """An edition's sitemaps name its language's copies only: each copy is in one edition's."""
    return [items.c.language == bindparam("language")] if by_language else []


def _sitemap_filters(mode: str, by_language: bool) -> list[ColumnElement[bool]]:
    """What every sitemap lists: the copies lists and feeds list (the gate's listing clause:
    never a killed, withheld, held, still embargoed or suppressed copy)."""
    return [
        listed_clause(_NOW, DuplicatePolicy(mode=mode)),
        items.c.published_at <= _NOW,
        *_in_language(by_language),
    ]


def _in_month(mode: str, by_language: bool) -> list[ColumnElement[bool]]:
    """A month's listed copies. The month's own bounds are the index's only bounds: with
    `published_at <= now` beside them SQLite took that one for the range and walked back
    from now to the month (0.1 s for a month a year old, at a million copies); the gate's
    `public_from <= now` already implies it."""
    return [
        listed_clause(_NOW, DuplicatePolicy(mode=mode)),
        items.c.published_at >= bindparam("start", type_=items.c.published_at.type),
        items.c.published_at < bindparam("end", type_=items.c.published_at.type),
        *_in_language(by_language),
    ]


@functools.cache
def _news_query(mode: str, by_language: bool) -> Select[Any]:
    # Ordered by `public_from` alone: its index walks back from `now` and stops at `since`
    # (an order with a second column would sort the window on PostgreSQL). The language is
    # compared as an expression, which no index serves: with a plain `language = ?` beside
    # the window, SQLite took the language's listing index and sorted that language's whole
    # archive; this way the walk reads the window's copies of every language, never more.
    language = [func.coalesce(items.c.language, "") == bindparam("language")] if by_language else []
    return (
        select(*_SITEMAP_COLUMNS, items.c.current_version_id)
        .where(
            *_sitemap_filters(mode, False),
            *language,
            items.c.public_from >= bindparam("since", type_=items.c.public_from.type),
        )
        .order_by(items.c.public_from.desc())
        .limit(bindparam("limit", type_=Integer))
    )


# The news sitemap's headlines, by version id: a join would have PostgreSQL read the versions
# whole while it thinks them few.
_HEADLINES = select(item_versions.c.id, item_versions.c.headline).where(
    item_versions.c.id.in_(bindparam("ids", expanding=True))
)


@functools.cache
def _month_query(mode: str, ordered: bool, by_language: bool) -> Select[Any]:
    """A month's copies. Only a month that may need several files is read in order (files
    are cut from that order); a whole month is read in the order its rows come, which on
    PostgreSQL spares a sort of the month."""
    q = select(*_SITEMAP_COLUMNS).where(*_in_month(mode, by_language))
    if ordered:
        q = q.order_by(items.c.published_at.desc(), items.c.id.desc()).offset(
            bindparam("skip", type_=Integer)
        )
    return q.limit(bindparam("limit", type_=Integer))


@functools.cache
def _month_probe(mode: str, by_language: bool) -> Select[Any]:
    """Has the month a listed copy: its range of the listing index, walked newest first."""
    return (
        select(literal(1))
        .select_from(items)
        .where(*_in_month(mode, by_language))
        .order_by(items.c.published_at.desc())
        .limit(1)
    )


@functools.cache
def _month_count(mode: str, by_language: bool) -> Select[Any]:
    """The month's listed copies, counted up to `cap`, in the index alone."""
    listed = (
        select(literal(1).label("one"))
        .select_from(items)
        .where(*_in_month(mode, by_language))
        .limit(bindparam("cap", type_=Integer))
        .subquery()
    )
    return select(func.count()).select_from(listed)


_LAST_ID = select(func.max(items.c.id))


def month_start(when: datetime) -> datetime:
    """The first moment (UTC) of the month `when` falls in."""
    at = when.astimezone(UTC)
    return datetime(at.year, at.month, 1, tzinfo=UTC)


def next_month(month: datetime) -> datetime:
    """The first moment of the month after `month` (a `month_start`)."""
    if month.month == 12:
        return month.replace(year=month.year + 1, month=1)
    return month.replace(month=month.month + 1)


def _sitemap_entry(r: Any, headline: str | None = None) -> SitemapEntry:
    public = r.public_from or r.published_at
    modified = max(t for t in (r.published_at, r.updated_at, public) if t is not None)
    return SitemapEntry(
        path=copy_path(r.section, r.slug, r.short_id),
        language=r.language,
        published=public,
        modified=modified,
        headline=headline,
    )


# What `copy_status` answers for a short id.
PUBLIC = "public"
KILLED = "killed"  # by the agency: the URL answers 410
TAKEN_DOWN = "taken down"  # this copy, by an editor: 410 with the editor's notice
WITHDRAWN = "withdrawn"  # its whole story, by the editors: 410 saying so
HIDDEN = "hidden"  # withheld, embargoed, held: 404 for now
DUPLICATE = "duplicate"  # suppressed under duplicates = "suppress": redirect to the lead


class DatabaseHandle(Protocol):
    """What the reader needs of `store.database.Database` (named here, not imported: the
    public side depends on nothing of the rest of the store but the schema)."""

    engine: Engine
    policy: DuplicatePolicy
    writer_id: str
    write_outage: str | None  # set while this process's writes fail (a full disk)

    @property
    def reader_engine(self) -> Engine: ...

    def on_change(self, listener: Callable[[frozenset[str]], object]) -> None: ...


class PublicReader:
    """The public read side of one database."""

    def __init__(self, db: DatabaseHandle) -> None:
        self.db = db
        self.engine = db.reader_engine
        self.copies = CopyCache()

    @contextlib.contextmanager
    def one_connection(self) -> Iterator[None]:
        """Every read of this reader in the block (in this thread or context) goes through
        one connection, taken from the pool at the first read and given back at the end.

        A page reads in several steps (its list, the other copies of its stories, when it
        next changes); each taken on its own costs, on PostgreSQL, a check that the pooled
        connection is alive and a BEGIN and ROLLBACK, round trips that were most of a small
        page's render. One transaction also gives the page one snapshot of the database.
        """
        if _pinned.get() is not None:
            yield
            return
        held: list[Connection] = []
        token = _pinned.set(held)
        try:
            yield
        finally:
            _pinned.reset(token)
            for conn in held:
                conn.close()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection for reading, in autocommit: the reader only reads, and under
        PostgreSQL's default isolation each statement sees the database as of its own start
        whether or not it is in a transaction, so a BEGIN and a ROLLBACK would be two round
        trips for nothing (on SQLite, a read transaction held open also holds back the
        log's checkpoints)."""
        held = _pinned.get()
        if held is None:
            with self.engine.connect() as conn:
                yield conn.execution_options(isolation_level="AUTOCOMMIT")
            return
        if not held:
            held.append(self.engine.connect().execution_options(isolation_level="AUTOCOMMIT"))
        try:
            yield held[0]
        except BaseException:
            held.pop().close()  # a failed statement can leave its transaction unusable
            raise

    @property
    def policy(self) -> DuplicatePolicy:
        return self.db.policy

    # --- lists and feeds -------------------------------------------------------------------

    def page(
        self,
        now: datetime,
        scope: Scope = EVERYTHING,
        *,
        size: int = 20,
        after: Cursor | None = None,
    ) -> CopyPage:
        """A page of a list: `size` copies after `after` (from the newest when None)."""
        rows = self._list(now, scope, size + 1, after)
        older = None
        if len(rows) > size:
            rows = rows[:size]
            older = Cursor(rows[-1].published_at, rows[-1].item_id)
        return CopyPage(rows, older)

    def list_copies(
        self,
        now: datetime | None = None,
        *,
        section: str | None = None,
        source_id: str | None = None,
        originator: str | None = None,
        language: str | None = None,
        limit: int = 20,
    ) -> list[Copy]:
        """The newest `limit` copies of a list (feeds, and anyone who wants one page)."""
        scope = Scope(section, source_id, originator, language)
        return self._list(now or utcnow(), scope, limit, None)

    def has_copies(self, now: datetime, scope: Scope) -> bool:
        """Whether a list has anything to show at `now` (one index probe)."""
        q = _probe_query(self.policy.mode, _shape(scope))
        with self._connect() as conn:
            return conn.execute(q, _scope_params(now, scope)).first() is not None

    def _list(self, now: datetime, scope: Scope, limit: int, after: Cursor | None) -> list[Copy]:
        q = _list_query(self.policy.mode, _shape(scope), after is not None)
        params = _scope_params(now, scope)
        params["limit"] = limit
        if after is not None:
            params["after_time"], params["after_id"] = after.published_at, after.item_id
        with self._connect() as conn:
            return self.copies.complete(conn, conn.execute(q, params).all())

    def search(
        self, now: datetime, query: SearchQuery, *, size: int = 20, after: int | None = None
    ) -> SearchPage:
        """A page of the copies whose current version has every word of `query` (and each
        phrase), newest arrival first, below item id `after` when given: the copies the lists
        show (the gate's listing clause; an agency's filter, like its page, shows every public
        copy of that agency), filtered as the query says. Nothing when it has no words."""
        if not query.terms:
            return SearchPage([], None)
        scope = Scope(query.section, query.source_id, query.originator)
        gate = _filters(self.policy.mode, _shape(scope))
        with self._connect() as conn:
            if conn.dialect.name == "sqlite":
                q, params = search.sqlite_statement(query, _LISTED, gate, after)
                params |= _scope_params(now, scope)
                params["limit"] = size + 1
                rows = list(conn.execute(q, params).all())
            else:
                rows = self._pg_search(conn, now, query, scope, gate, size + 1, after)
            more = None
            if len(rows) > size:
                rows = rows[:size]
                more = int(rows[-1].item_id)
            return SearchPage(self.copies.complete(conn, rows), more)

    def _pg_search(
        self,
        conn: Connection,
        now: datetime,
        query: SearchQuery,
        scope: Scope,
        gate: list[ColumnElement[bool]],
        wanted: int,
        after: int | None,
    ) -> list[Any]:
        """PostgreSQL: the matches' ids a batch at a time, newest first, then their copies
        that pass the gate, until `wanted` copies are found or the matches run out. A batch is
        twice the page; when the gate drops many (kills, say) the next batch is four times
        bigger, up to SEARCH_BATCH_MOST. Whether the batches walk the keys or come from the
        GIN index is decided once, on the planner's estimates (`search.walk_length`); a walk
        that finds fewer matches than estimated hands over to the GIN index below it."""
        copies_q, params = search.pg_copies_statement(query, _LISTED, gate)
        params |= _scope_params(now, scope)
        below = min(after, _MAX_ITEM_ID) if after is not None else None
        batch = 2 * wanted
        walk, estimate = None, (0.0, 0.0)
        if not search.month_tokens(query):
            explained = conn.exec_driver_sql(search.pg_estimate_statement(query, below)).scalar()
            estimate = search.estimates(explained)
            walk = search.walk_length(*estimate, batch)
        rows: list[Any] = []
        while len(rows) < wanted:
            ids, walk = self._pg_match_ids(conn, query, below, batch, walk, estimate)
            if not ids:
                break
            rows += conn.execute(copies_q, {**params, "ids": ids}).all()
            if len(ids) < batch:
                break
            below = ids[-1]
            grown = min(batch * 4, SEARCH_BATCH_MOST)
            walk = walk * grown // batch if walk is not None else None
            batch = grown
        return rows[:wanted]

    @staticmethod
    def _pg_match_ids(
        conn: Connection,
        query: SearchQuery,
        below: int | None,
        batch: int,
        walk: int | None,
        estimate: tuple[float, float],
    ) -> tuple[list[int], int | None]:
        """The next `batch` match ids below `below` (all there are, when fewer), and how far
        the next batch may walk (None: the GIN index's bitmap from now on).

        A walk reads a probe's keys first (`search.walk_probe`); when they hold too few
        matches, it is judged on them (`search.walk_goes_on`) and walks on up to its `walk`
        keys, or the bitmap reads every match below the keys it walked."""
        if walk is None:
            return list(conn.execute(search.pg_match_ids(query, below, batch)).scalars()), None
        matches, keys = estimate
        probe = search.walk_probe(walk, matches, keys, batch)
        ids: list[int] = []
        for length in (probe, walk - probe):
            if length <= 0:
                break
            found = search.pg_match_ids(query, below, batch - len(ids), walk=length)
            new = list(conn.execute(found).scalars())
            ids += new
            if len(ids) >= batch:
                return ids, walk
            floor = conn.execute(search.pg_walk_floor(below, length)).scalar()
            if floor is None:  # no key below
                return ids, walk
            below = int(floor)
            if not search.walk_goes_on(len(new), length, batch - len(ids), keys):
                break
        ids += conn.execute(search.pg_match_ids(query, below, batch - len(ids))).scalars()
        return ids, None

    def section_lists(
        self, now: datetime, sizes: Mapping[str, int], language: str | None = None
    ) -> dict[str, list[Copy]]:
        """The newest `sizes[section]` listed copies of each section in `language` (an
        edition's; None: in any), newest first: a front page's blocks. One query per section
        along that section's own index (as its page reads it: led by the language), and the
        versions not already cached read once for all of them."""
        q = _list_query(self.policy.mode, _shape(Scope(section="", language=language)), False)
        found: dict[str, Sequence[Any]] = {}
        with self._connect() as conn:
            for section, size in sizes.items():
                if size > 0:
                    params = _scope_params(now, Scope(section=section, language=language))
                    found[section] = conn.execute(q, {**params, "limit": size}).all()
            complete = self.copies.complete(conn, [r for rows in found.values() for r in rows])
        by_id = {c.item_id: c for c in complete}
        return {
            section: [by_id[r.item_id] for r in rows if r.item_id in by_id]
            for section, rows in found.items()
        }

    def around(self, now: datetime, copy: Copy, *, older: int, newer: int) -> list[Copy]:
        """The listed copies of `copy`'s section nearest it in time, newest first: up to
        `older` published before it and `newer` after it, never `copy` itself. Two walks of
        the section's index from the copy's place, whatever the archive's size: what an
        article's related stories are chosen from. They are in `copy`'s own language, the
        edition its page is in: its section's index in that language."""
        scope = Scope(section=copy.section, language=copy.language)
        params = _scope_params(now, scope)
        params |= {"after_time": copy.published_at, "after_id": copy.item_id}
        shape = _shape(scope)
        with self._connect() as conn:
            before = conn.execute(
                _list_query(self.policy.mode, shape, True), {**params, "limit": older}
            ).all()
            after = conn.execute(
                _newer_query(self.policy.mode, shape), {**params, "limit": newer}
            ).all()
            return self.copies.complete(conn, [*reversed(after), *before])

    def section_names(self) -> list[str]:
        """Every section that has ever had a copy, by name (the small `sections` table)."""
        with self._connect() as conn:
            return list(conn.execute(select(sections.c.name).order_by(sections.c.name)).scalars())

    def nav_sections(
        self, now: datetime, language: str | None = None, *, among: Iterable[str] | None = None
    ) -> list[str]:
        """Sections that list something in `language` at `now` (None: in any), by name: those
        of `among`, else of every section that ever had a copy; one index probe each."""
        probe = _probe_query(self.policy.mode, _shape(Scope(section="", language=language)))
        names = self.section_names() if among is None else list(among)
        with self._connect() as conn:
            return [
                name
                for name in names
                if conn.execute(
                    probe, _scope_params(now, Scope(section=name, language=language))
                ).first()
                is not None
            ]

    # --- one copy --------------------------------------------------------------------------

    def copy_detail(self, short_id: str, now: datetime | None = None) -> CopyDetail | None:
        """The copy with its history and corrections, if the public may open it at `now`."""
        q = (
            select(*COPY_COLUMNS)
            .select_from(_CURRENT)
            .where(items.c.short_id == short_id, public_clause(now or utcnow(), self.policy))
        )
        with self._connect() as conn:
            row = conn.execute(q).first()
            if row is None:
                return None
            copy = copy_from_row(row._mapping)
            history = conn.execute(
                select(
                    item_versions.c.version,
                    item_versions.c.headline,
                    item_versions.c.received_at,
                    item_versions.c.source_published_at,
                    item_versions.c.source_updated_at,
                    item_versions.c.signals,
                    item_versions.c.correction_note,
                )
                # Each statement may see a newer database than the copy row above (no shared
                # snapshot across statements); versions are numbered in arrival order, so the
                # ones the copy row counts are exactly the history that goes with it.
                .where(
                    item_versions.c.item_id == copy.item_id,
                    item_versions.c.version <= copy.version_count,
                )
                .order_by(item_versions.c.version.desc())
            ).all()
        oldest_first = list(reversed(history))
        times = version_times(oldest_first)
        versions = [
            VersionLine(r.version, r.headline, r.received_at, t)
            for r, t in reversed(list(zip(oldest_first, times, strict=True)))
        ]
        corrections = [
            Correction(
                time=r.source_updated_at or r.received_at, note=r.correction_note, version=r.version
            )
            for r in reversed(history)
            if Signal.CORRECTION.value in json.loads(r.signals or "[]")
        ]
        return CopyDetail(copy=copy, versions=versions, corrections=corrections)

    def copy_status(self, short_id: str, now: datetime | None = None) -> str | None:
        """`PUBLIC`, `KILLED`, `TAKEN_DOWN`, `WITHDRAWN`, `HIDDEN` or `DUPLICATE` (module
        constants), or None when no copy has this short id. A story taken down by the
        editors says so on every copy's page, whatever each copy's own state."""
        now = now or utcnow()
        with self._connect() as conn:
            row = conn.execute(
                select(
                    items.c.killed_at,
                    items.c.kill_manual,
                    story_rows.c.taken_down_at,
                    visible_clause(now).label("visible"),
                    lead_clause(now).label("leads"),
                )
                .select_from(items.outerjoin(story_rows, story_rows.c.id == items.c.story_id))
                .where(items.c.short_id == short_id)
            ).first()
        if row is None:
            return None
        if row.taken_down_at is not None:
            return WITHDRAWN
        if row.killed_at is not None:
            return TAKEN_DOWN if row.kill_manual else KILLED
        suppress = self.policy.mode == "suppress"
        if row.leads or (row.visible and not suppress):
            return PUBLIC
        if row.visible and suppress:
            return DUPLICATE
        return HIDDEN

    # --- the other copies of a story -------------------------------------------------------

    def other_copies(self, shown: Sequence[Copy], now: datetime) -> dict[str, list[OtherCopy]]:
        """Short id -> "Also reported by": the other public copies of each copy's story in
        the copy's language, one per agency, best-ranked first, without the copy's own agency.
        (A copy in another language is in another edition: not "also reported" here.)

        A suppressed copy is still a copy the story was reported in, and its agency is named.
        """
        stories = [c.story_id for c in shown if c.story_id is not None]
        # Each shown copy in a story of its own (a list of leads, an article): none is another's
        # other copy, so the database leaves them all out, and a story told by one agency only
        # (most) costs nothing past its index probe.
        leave_out = [c.item_id for c in shown] if len(set(stories)) == len(stories) else []
        members = self._public_members(stories, now, leave_out)
        out: dict[str, list[OtherCopy]] = {}
        for c in shown:
            if c.story_id is None:
                continue
            seen = {c.source_id}
            others: list[OtherCopy] = []
            for m in members.get(c.story_id, []):
                if m.item_id != c.item_id and m.source_id not in seen and m.language == c.language:
                    seen.add(m.source_id)
                    others.append(m)
            out[c.short_id] = others
        return out

    def _public_members(
        self, story_ids: Iterable[int], now: datetime, leave_out: Sequence[int] = ()
    ) -> dict[int, list[OtherCopy]]:
        """Story id -> its copies public at `now` but those of `leave_out`, best-ranked first."""
        wanted = sorted(set(story_ids))
        rows: list[Any] = []
        with self._connect() as conn:
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                if leave_out and len(leave_out) <= _IN_CHUNK:
                    params = {"stories": chunk, "now": now, "shown": list(leave_out)}
                    rows += conn.execute(_OTHER_MEMBERS, params).all()
                else:
                    rows += conn.execute(_MEMBERS, {"stories": chunk, "now": now}).all()
        out: dict[int, list[OtherCopy]] = {}
        for r in best_first(rows, self.policy):
            out.setdefault(int(r.story_id), []).append(
                OtherCopy(
                    int(r.id),
                    r.short_id,
                    r.source_id,
                    copy_path(r.section, r.slug, r.short_id),
                    r.language,
                )
            )
        return out

    def lead_path(self, short_id: str, now: datetime) -> str | None:
        """Where a suppressed copy's URL redirects: its story's lead, public at `now`."""
        lead = self.lead_of(short_id, now)
        return lead.path if lead is not None else None

    def lead_of(self, short_id: str, now: datetime) -> OtherCopy | None:
        """A suppressed copy's story's lead in its language, public at `now` (None: the copy
        leads, or no copy does)."""
        with self._connect() as conn:
            row = conn.execute(
                select(items.c.story_id, items.c.language).where(items.c.short_id == short_id)
            ).first()
        if row is None or row.story_id is None:
            return None
        sid = int(row.story_id)
        members = [
            m for m in self._public_members([sid], now).get(sid, []) if m.language == row.language
        ]
        if not members or members[0].short_id == short_id:
            return None
        return members[0]

    # --- what changes when -------------------------------------------------------------------

    def next_change_after(self, now: datetime) -> datetime | None:
        """The next moment something becomes public or stops leading with no write (an
        embargo's end, a scheduled copy, a preferred copy taking over): cached pages hold
        until then at most."""
        with self._connect() as conn:
            times = conn.execute(_NEXT_CHANGE, {"now": now}).one()
        found = [t for t in times if t is not None]
        return min(found) if found else None

    def changes_since(self, last_id: int | None) -> tuple[int, set[str]]:
        """(newest change id, tags written since `last_id` by other processes). The first call
        (None) only learns where the log stands; a reader too far behind gets {"*"}."""
        with self._connect() as conn:
            if last_id is None:
                newest = conn.execute(select(func.max(changes.c.id))).scalar()
                return int(newest or 0), set()
            rows = conn.execute(
                select(changes.c.id, changes.c.writer, changes.c.tags)
                .where(changes.c.id > last_id)
                .order_by(changes.c.id)
                .limit(_CHANGES_BATCH)
            ).all()
        if not rows:
            return last_id, set()
        tags: set[str] = set()
        for r in rows:
            if r.writer != self.db.writer_id:
                tags.update(json.loads(r.tags))
        if len(rows) == _CHANGES_BATCH:
            tags = {"*"}
        return int(rows[-1].id), tags

    # --- sitemaps ---------------------------------------------------------------------------

    def recent_for_news(
        self, now: datetime, since: datetime, limit: int, language: str | None = None
    ) -> list[SitemapEntry]:
        """Listed copies (in `language`, if given) that became public in [`since`, `now`],
        newest first, at most `limit`, with their headlines: the Google News sitemap. Walks the
        `public_from` index back from `now` (an embargoed copy counts from its embargo's end,
        when the public first saw it), so its cost is the window's copies, never the
        archive's."""
        q = _news_query(self.policy.mode, language is not None)
        headlines: dict[int, str] = {}
        params = {"now": now, "since": since, "limit": limit, "language": language}
        with self._connect() as conn:
            rows = conn.execute(q, params).all()
            wanted = [r.current_version_id for r in rows]
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                headlines.update((int(i), h) for i, h in conn.execute(_HEADLINES, {"ids": chunk}))
        return [
            _sitemap_entry(r, headlines[r.current_version_id])
            for r in rows
            if r.current_version_id in headlines
        ]

    def sitemap_months(self, now: datetime, language: str | None = None) -> list[datetime]:
        """The months (their first moment, UTC) with a listed copy (in `language`, if given)
        at `now`, oldest first: one probe for the oldest listed copy, then one index probe
        per month."""
        by_language = language is not None
        first = (
            select(items.c.published_at)
            .where(*_sitemap_filters(self.policy.mode, by_language))
            .order_by(items.c.published_at.asc())
            .limit(1)
        )
        probe = _month_probe(self.policy.mode, by_language)
        out: list[datetime] = []
        with self._connect() as conn:
            oldest = conn.execute(first, {"now": now, "language": language}).scalar()
            if oldest is None:
                return out
            month = month_start(oldest)
            while month <= now:
                following = next_month(month)
                params = {"now": now, "start": month, "end": following, "language": language}
                if conn.execute(probe, params).first():
                    out.append(month)
                month = following
        return out

    def month_files(
        self,
        now: datetime,
        month: datetime,
        per_file: int,
        most: int,
        language: str | None = None,
    ) -> int:
        """How many files of `per_file` copies the listed copies of the month starting at
        `month` fill at `now` (at most `most`). Ids are distinct positive numbers, so on a
        site whose largest id is at most `per_file` no month fills more than one, and the
        answer costs one probe; otherwise the month is counted, which reads its range of the
        listing index (the index alone, no table row) up to `per_file * most` entries: the
        caller had better remember the answer."""
        params = {"now": now, "start": month, "end": next_month(month), "language": language}
        by_language = language is not None
        with self._connect() as conn:
            if (conn.execute(_LAST_ID).scalar() or 0) <= per_file:
                found = conn.execute(_month_probe(self.policy.mode, by_language), params).first()
                return 0 if found is None else 1
            q = _month_count(self.policy.mode, by_language)
            size = int(conn.execute(q, {**params, "cap": per_file * most}).scalar() or 0)
        return -(-size // per_file)

    def sitemap_month(
        self,
        now: datetime,
        month: datetime,
        *,
        skip: int,
        limit: int,
        language: str | None = None,
    ) -> list[SitemapEntry]:
        """The listed copies published in the month starting at `month` (UTC), newest first,
        `limit` of them after the first `skip`: one file of a month's sitemap. Reads the
        listing index over that month only; headlines are not read (a sitemap of a month
        names addresses and times)."""
        params = {
            "now": now,
            "start": month,
            "end": next_month(month),
            "limit": limit,
            "language": language,
        }
        with self._connect() as conn:
            # as in `month_files`: on a site of no more than `limit` copies, a month is one
            # file, read whole
            ordered = skip > 0 or (conn.execute(_LAST_ID).scalar() or 0) > limit
            q = _month_query(self.policy.mode, ordered, language is not None)
            rows = conn.execute(q, {**params, "skip": skip} if ordered else params).all()
        entries = [_sitemap_entry(r) for r in rows]
        if not ordered:
            entries.sort(key=lambda e: (e.published, e.path), reverse=True)
        return entries


__all__ = [
    "COPY_COLUMNS",
    "DUPLICATE",
    "HIDDEN",
    "KILLED",
    "PUBLIC",
    "TAKEN_DOWN",
    "WITHDRAWN",
    "CopyPage",
    "Cursor",
    "DatabaseHandle",
    "PublicReader",
    "Scope",
    "normalize_name",
]


class CopyCache:
    """Lists' copies as last read, so that a list read again fetches only what changed.

    A version row is never changed once written, so a copy is fully known from its own
    row's columns (state, times, section, current version, …) and its current version's:
    keyed by the first, a cached `Copy` is right for as long as that row reads the same, and
    any change to the copy (a new version, a kill, a move to another story) reads as a
    different key. A list then reads its copies' rows along an index (small rows) and only
    the versions not seen before: after a push, a feed of a hundred copies re-reads one
    body, not a hundred — most of what making a page visible cost on PostgreSQL.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[Any, ...], Copy] = OrderedDict()
        self._lock = threading.Lock()

    def complete(self, conn: Connection, rows: Sequence[Any]) -> list[Copy]:
        """The copies of `rows` (of `_LISTED`), in order; versions not cached are read in
        one query per 500. A copy whose version cannot be read (deleted meanwhile) is left
        out."""
        found: list[Copy | None] = []
        missing: dict[int, list[int]] = {}  # version id -> positions in `rows`
        with self._lock:
            for position, row in enumerate(rows):
                copy = self._kept.get(tuple(row))
                if copy is not None:
                    self._kept.move_to_end(tuple(row))
                else:
                    missing.setdefault(row.current_version_id, []).append(position)
                found.append(copy)
        if missing:
            wanted = list(missing)
            versions: dict[int, Mapping[Any, Any]] = {}
            for start in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[start : start + _IN_CHUNK]
                versions.update(
                    (int(v.id), v._mapping) for v in conn.execute(_VERSIONS, {"ids": chunk})
                )
            made: list[tuple[tuple[Any, ...], Copy]] = []
            for version_id, positions in missing.items():
                version = versions.get(version_id)
                if version is None:
                    continue
                for position in positions:
                    row = rows[position]
                    data = dict(row._mapping)
                    del data["current_version_id"]
                    data.update(version)
                    del data["id"]
                    copy = copy_from_row(data)
                    found[position] = copy
                    made.append((tuple(row), copy))
            with self._lock:
                for key, copy in made:
                    self._kept[key] = copy
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return [c for c in found if c is not None]
