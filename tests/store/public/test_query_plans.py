"""Query plans pinned: every public query reads an index, never the whole archive.

The database has the shape of a site after months of wire: thousands of copies over time in
two languages, several agencies and sections, stories told by more than one wire, kills, held
copies, pending embargoes, credited originators. Every public list is one edition's (one
language's), and is checked as such: in the site's language and in the other. Each public
query is run as the pages run it, its SQL captured, and the database's own planner asked how
it would run it (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL). A change that
brings back a scan of the copies or a sort of the archive fails here, whatever the timings on
a developer's machine say.

On SQLite the plans are checked with and without statistics (a new site has none until its
first refresh); on PostgreSQL with them, as `Database.open` and big ingests keep them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from wiredesk.model import Envelope, Item, PubStatus, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial, envelopes, stories, takedowns, visibility
from wiredesk.store.ledger.stories import GroupingPlan
from wiredesk.store.public.gate import DuplicatePolicy
from wiredesk.store.public.reader import Cursor, PublicReader, Scope
from wiredesk.store.public.views import Copy, SearchQuery
from wiredesk.text.search_keys import parse_query

T0 = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
COPIES = 6000
SOURCES = ("ians", "pti", "ani", "uni")
SECTIONS = ("desh", "videsh", "khel", "vyapar", "manoranjan")
ORIGINATOR = "चाइना मीडिया ग्रुप"


def build(db: Database) -> None:
    """A site after months of wire, written through the ledger as ingest writes it."""
    visibility.adopt_policy(db, DuplicatePolicy("link", ("pti",)))
    for n, start in enumerate(range(0, COPIES, 500)):
        source = SOURCES[n % len(SOURCES)]
        env, _ = envelopes.record(db, Envelope(source, f"p{n}".encode(), Transport.PUSH, "x"))
        batch = []
        for k in range(start, start + 500):
            when = T0 + timedelta(minutes=k * 30)
            batch.append(
                Item(
                    guid=f"g{k}",
                    headline=f"ख़बर {k}",
                    body_html="<p>पाठ।</p>",
                    body_text="पाठ।",
                    slug=f"khabar-{k}",
                    section=SECTIONS[k % len(SECTIONS)],
                    language="en" if k % 3 == 0 else "hi",
                    published_at=when,
                    originator=ORIGINATOR if k % 40 == 0 else None,
                    embargo_until=NOW + timedelta(days=2) if k % 500 == 7 else None,
                    pub_status=PubStatus.WITHHELD if k % 250 == 3 else PubStatus.USABLE,
                )
            )
        copies.save(db, source, batch, env, auto_publish=n % 7 != 6, now=T0 + timedelta(days=400))
    # every tenth copy retold by the next agency's wire: stories of two copies
    joins = [(k + 501, k + 1) for k in range(0, COPIES - 500, 10)]  # item ids, in order
    stories.apply(db, GroupingPlan(joins=joins), NOW)
    for item_id in range(1, COPIES, 150):
        editorial.kill(db, item_id, reason="legal", actor="editor test", now=NOW)
    # a few stories taken down whole by the editors (the API names their copies as canceled)
    for item_id in range(2, COPIES, 600):
        story = takedowns.story_of_copy(db, item_id)
        takedowns.take_down(db, story, reason="legal", actor="editor test", now=NOW)


@pytest.fixture(scope="module", params=["sqlite", "sqlite, analyzed", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    if request.param.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'site.db'}"
        db = Database.open(url)
        build(db)
        if request.param == "sqlite, analyzed":
            db.refresh_statistics()
        else:  # as a new site that has not yet refreshed them: no statistics at all
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
        yield db
        db.close()
        return
    schema_url = request.getfixturevalue("pg_module_schema_url")
    db = Database.open(schema_url)
    build(db)
    db.refresh_statistics()
    yield db
    db.close()


def captured(db: Database, run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements `run` sends, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(db.reader_engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(db.reader_engine, "before_cursor_execute", note)
    assert seen, "the query ran no SQL"
    return seen


def plan(db: Database, statement: str, params: Any) -> list[str]:
    with db.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if db.dialect == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute("EXPLAIN " + statement, params)
        return [str(row[0]) for row in cursor.fetchall()]


def reads_no_archive(lines: list[str], dialect: str) -> list[str]:
    """The plan's lines that read the copies or versions without an index, or sort them."""
    big = ("items", "item_versions")
    if dialect == "sqlite":
        return [
            line
            for line in lines
            if any(line.startswith(f"SCAN {t}") and "INDEX" not in line for t in big)
            or "TEMP B-TREE" in line
        ]
    bad = [line for line in lines if any(f"Seq Scan on {t}" in line for t in big)]
    # a Sort over the copies (a small table such as `sections` may be sorted)
    sorting = False
    for line in lines:
        if "Sort " in line and "Sort Key" not in line:
            sorting = True
        elif sorting and any(f" on {t} " in line or line.endswith(f" on {t}") for t in big):
            bad.append(line)
            sorting = False
    return bad


def _search(text: str, **filters: Any) -> SearchQuery:
    return SearchQuery(parse_query(text), **filters)


def _copy_of_day(reader: PublicReader, day: int, language: str) -> Copy:
    """A listed copy in `language` of the "vyapar" section published by `day` days into the
    archive."""
    until = Cursor(T0 + timedelta(days=day), 2**31 - 1)
    scope = Scope(section="vyapar", language=language)
    return reader.page(NOW, scope, size=1, after=until).copies[0]


Run = Callable[[PublicReader, str], Any]
QUERIES: dict[str, tuple[Run, tuple[str, ...]]] = {
    # name: (what a page of the edition in a language runs, the indexes its list must walk)
    "home": (
        lambda r, lang: r.page(NOW, Scope(language=lang), size=20),
        ("ix_items_language_listing",),
    ),
    "home, page 3": (
        lambda r, lang: r.page(
            NOW,
            Scope(language=lang),
            size=20,
            after=r.page(NOW, Scope(language=lang), size=40).older,
        ),
        ("ix_items_language_listing",),
    ),
    "section": (
        lambda r, lang: r.page(NOW, Scope(section="khel", language=lang), size=20),
        ("ix_items_language_section_listing", "ix_items_language_listing"),
    ),
    "agency": (
        lambda r, lang: r.page(NOW, Scope(source_id="ani", language=lang), size=20),
        ("ix_items_language_source_listing", "ix_items_language_listing"),
    ),
    "originator": (
        lambda r, lang: r.page(NOW, Scope(originator=ORIGINATOR, language=lang), size=20),
        ("ix_items_language_originator_listing",),
    ),
    "feed": (
        lambda r, lang: r.list_copies(NOW, language=lang, limit=50),
        ("ix_items_language_listing",),
    ),
    "navigation": (
        lambda r, lang: r.nav_sections(NOW, lang),
        ("ix_items_language_section_listing", "ix_items_language_listing"),
    ),
    # the front page: a few copies of each section in the edition's language, one walk of
    # that language's section index each
    "front page's section blocks": (
        lambda r, lang: r.section_lists(NOW, dict.fromkeys(SECTIONS, 6), lang),
        ("ix_items_language_section_listing",),
    ),
    # an article's related stories: its section's index in its language walked both ways from
    # its place. An article months old, with most of its section after it: what must never be
    # sorted. (For a fresh one PostgreSQL may well sort the few rows between it and now.)
    "related stories of an article": (
        lambda r, lang: r.around(NOW, _copy_of_day(r, 40, lang), older=20, newer=10),
        ("ix_items_language_section_listing",),
    ),
    "article": (
        lambda r, lang: r.copy_detail(
            r.page(NOW, Scope(language=lang), size=1).copies[0].short_id, NOW
        ),
        (),
    ),
    "article status (410, 404)": (lambda r, lang: r.copy_status("nothing1", NOW), ()),
    "also reported by": (
        lambda r, lang: r.other_copies(r.page(NOW, Scope(language=lang), size=20).copies, NOW),
        (),
    ),
    "lead of a suppressed copy": (lambda r, lang: r.lead_path("nothing1", NOW), ()),
    "has copies": (
        lambda r, lang: r.has_copies(NOW, Scope(source_id="uni", language=lang)),
        (),
    ),
    "when the cache must expire": (lambda r, lang: r.next_change_after(NOW), ()),
    "changes from other processes": (lambda r, lang: r.changes_since(0), ()),
    # sitemaps: the news sitemap walks `public_from` back from now; the index probes each
    # month's range of the listing index; a month's file reads that range only
    "news sitemap": (
        lambda r, lang: r.recent_for_news(NOW, NOW - timedelta(hours=48), 1000, lang),
        (),
    ),
    "news sitemap, two days of wire": (
        lambda r, lang: r.recent_for_news(
            T0 + timedelta(days=100), T0 + timedelta(days=98), 1000, lang
        ),
        (),
    ),
    "sitemap index": (
        lambda r, lang: r.sitemap_months(NOW, lang),
        ("ix_items_language_listing",),
    ),
    "sitemap index, a month counted": (
        lambda r, lang: r.month_files(NOW, datetime(2025, 2, 1, tzinfo=UTC), 1000, 40, lang),
        (),
    ),
    "a month's sitemap": (
        lambda r, lang: r.sitemap_month(
            NOW, datetime(2025, 2, 1, tzinfo=UTC), skip=0, limit=50_000, language=lang
        ),
        ("ix_items_language_listing",),
    ),
}


@pytest.mark.parametrize("language", ["hi", "en"])
@pytest.mark.parametrize("name", list(QUERIES))
def test_every_public_query_reads_an_index_never_the_archive(
    site: Database, name: str, language: str
) -> None:
    """Each query as one edition runs it: the site's language (two copies in three) and the
    other (one in three), whose copies its index must not make it skip one by one."""
    wanted, walks = QUERIES[name]

    def run(reader: PublicReader) -> Any:
        return wanted(reader, language)

    reader = PublicReader(site)
    result = run(reader)
    assert result is not None or name in ("article status (410, 404)", "lead of a suppressed copy")
    # a fresh reader: one that has read a list keeps its copies, and would not ask again
    for statement, params in captured(site, lambda: run(PublicReader(site))):
        lines = plan(site, statement, params)
        assert not reads_no_archive(lines, site.dialect), (statement, lines)
        if walks and " FROM items" in statement and "ORDER BY items.published_at " in statement:
            assert any(ix in line for line in lines for ix in walks), (statement, lines)


def test_the_site_has_the_shape_the_plans_are_checked_on(site: Database) -> None:
    """Enough copies, stories of several copies, kills and pending embargoes: the cases where a
    wrong plan would read far more than one page."""
    reader = PublicReader(site)
    assert len(reader.list_copies(NOW, limit=COPIES)) > COPIES // 2
    assert len(reader.list_copies(NOW, language="en", limit=COPIES)) > COPIES // 6
    assert reader.next_change_after(NOW) is not None  # embargoes pending
    assert any(reader.other_copies(reader.list_copies(NOW, limit=COPIES), NOW).values())


def test_the_operators_list_of_every_copy_walks_the_index_without_a_language(
    site: Database,
) -> None:
    """`wiredesk items` lists every copy in every language, newest first: the listing index
    without a language is kept for it, and it is walked, not sorted."""
    from wiredesk.store import operator

    seen: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    event.listen(site.engine, "before_cursor_execute", note)
    try:
        rows = operator.copy_statuses(site, NOW, limit=20)
    finally:
        event.remove(site.engine, "before_cursor_execute", note)
    assert {r.language for r in rows} == {"hi", "en"}
    [(statement, params)] = seen
    assert not reads_no_archive(plan(site, statement, params), site.dialect)


def test_the_check_sees_a_scan_when_there_is_one(site: Database) -> None:
    """The checker itself: a list ordered by a column no index has reads the whole archive."""
    statement = "SELECT items.id FROM items ORDER BY items.guid DESC LIMIT 20"
    assert reads_no_archive(plan(site, statement, ()), site.dialect)


# Search: the word index finds the matches, each copy is read by id, newest first.
SEARCHES: dict[str, Callable[[PublicReader], Any]] = {
    "a word every copy has": lambda r: r.search(NOW, _search("खबर")),
    "a rare word": lambda r: r.search(NOW, _search("1234")),
    "page 3": lambda r: r.search(
        NOW, _search("पाठ"), after=r.search(NOW, _search("पाठ"), size=40).more_after
    ),
    "a phrase": lambda r: r.search(NOW, _search('"खबर 77"')),
    "in a section, from an agency": lambda r: r.search(
        NOW, _search("पाठ", section="khel", source_id="ani")
    ),
    "an originator, in dates": lambda r: r.search(
        NOW, _search("पाठ", originator=ORIGINATOR, since=T0, until=T0 + timedelta(days=30))
    ),
    # each edition's search page filters by its language
    "in the site's language": lambda r: r.search(NOW, _search("पाठ", language="hi")),
    "in another edition's language": lambda r: r.search(NOW, _search("पाठ", language="en")),
}
# Words most copies have: the page is the first matches in id order, with no sort.
_COMMON = ("a word every copy has", "page 3")


def _search_statements(site: Database, run: Callable[[PublicReader], Any]) -> list[Any]:
    found = [
        (statement, params)
        for statement, params in captured(site, lambda: run(PublicReader(site)))
        if ("search_index" in statement or "search_keys" in statement or "items.id IN" in statement)
        and not statement.startswith("EXPLAIN")  # the planner's estimate: it reads no row
    ]
    assert found, "no search statement ran"
    return found


def _pg_plan(db: Database, statement: str, params: Any, *, seqscan: bool) -> list[str]:
    with db.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(f"SET enable_seqscan = {'on' if seqscan else 'off'}")
        cursor.execute("EXPLAIN " + statement, params)
        lines = [str(row[0]) for row in cursor.fetchall()]
        cursor.execute("RESET enable_seqscan")
        return lines


@pytest.mark.parametrize("name", list(SEARCHES))
def test_search_reads_the_word_index_and_copies_by_id_never_the_archive(
    site: Database, name: str
) -> None:
    """SQLite: FTS5 gives the matches from the highest id down (no sort), each copy read by
    its primary key. PostgreSQL: a batch of match ids, where a word most copies have walks the
    key table's primary key from the top and stops (no sort) and a rarer one, or a date range,
    is read through the GIN index's bitmap instead (a date range's copies probed by id for
    their dates), then the batch's copies, each by its primary key. The plan site has 6,000
    copies, where PostgreSQL rightly reads a small table whole; the planner is therefore asked
    with sequential scans off whether the query *can* be answered from its indexes (at a
    million copies it chooses them), and with them on whether a common word is read in page
    order."""
    run = SEARCHES[name]
    assert run(PublicReader(site)).copies or name == "an originator, in dates"
    for statement, params in _search_statements(site, run):
        if site.dialect == "sqlite":
            lines = plan(site, statement, params)
            assert lines[0].startswith("SCAN search_index VIRTUAL TABLE"), lines
            assert any("items USING INTEGER PRIMARY KEY" in line for line in lines), lines
            assert not any("TEMP B-TREE" in line or line.startswith("SCAN items") for line in lines)
            continue
        if "items.id IN" in statement:  # a batch's copies: each by its primary key
            lines = _pg_plan(site, statement, params, seqscan=True)
            assert not any("Seq Scan" in line for line in lines), lines
            assert any("Index Scan using" in line or "Index Cond" in line for line in lines), lines
            continue
        lines = _pg_plan(site, statement, params, seqscan=False)  # a batch of match ids
        assert not any("Seq Scan" in line for line in lines), lines
        assert not reads_no_archive(lines, site.dialect), lines
        if "JOIN items" not in statement:  # only a date range's batch reads `items` (by index)
            assert not any(" on items" in line for line in lines), lines
        assert any(
            ix in line for line in lines for ix in ("ix_search_keys_words", "pk_search_keys")
        ), lines
        if name in _COMMON:
            lines = _pg_plan(site, statement, params, seqscan=True)
            assert any("Index Scan Backward using pk_search_keys" in line for line in lines)
            assert not any(line.lstrip("-> ").startswith("Sort") for line in lines), lines


@pytest.mark.parametrize("site", ["postgresql"], indirect=True)  # SQLite caches no plans
def test_postgresql_plans_a_search_for_its_own_words_every_time(site: Database) -> None:
    """The statement that finds a batch of match ids binds nothing: after five runs on a
    connection the driver prepares a statement, and PostgreSQL's plan for "any words, any
    LIMIT" walked the whole key table in id order for a word no copy has (50 ms at 10,000
    copies, against 0.1 ms through the GIN index as planned for the word itself)."""
    from sqlalchemy.dialects import postgresql

    from wiredesk.store.public import search

    dated = _search("कोईनहीं", since=T0, until=T0 + timedelta(days=30))
    for below in (None, 5000):
        for walk in (100, None):
            statement = search.pg_match_ids(dated, below, 42, walk=walk)
            assert statement.compile(dialect=postgresql.dialect()).params == {}
    reader = PublicReader(site)
    with reader.one_connection():
        for _ in range(10):
            assert reader.search(NOW, _search("कोईनहीं")).copies == []
            assert len(reader.search(NOW, _search("1234")).copies) == 1


# A word no copy has, a rare one, and a common word in a date range far below the newest copy.
_BITMAP_SEARCHES: dict[str, SearchQuery] = {
    "a word no copy has": _search("कोईनहीं"),
    "a rare word": _search("1234"),
    "a common word in 30 days long ago": _search(
        "पाठ", since=T0 + timedelta(days=20), until=T0 + timedelta(days=50)
    ),
}


def _pg_plan_as_at_a_million(db: Database, statement: str, params: Any) -> list[str]:
    """The plan with sorting and sequential scans priced out. At a million copies the planner
    took a LIMIT of 42 over a word's estimated 5,000 matches for a few hundred keys to walk,
    and walked the primary key rather than sort, through the whole archive when the word was
    in no copy (6 s) or its matches lay a year back (a date range: 3.6 s). On 6,000 copies it
    would sort these few matches anyway; with sorting priced out it makes the million-copy
    choice wherever the statement leaves it one, deterministically. (PostgreSQL 15, as CI
    runs: a MATERIALIZED CTE hands no order to the statement around it.)"""
    with db.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("EXPLAIN " + statement, params)
        lines = [str(row[0]) for row in cursor.fetchall()]
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
        return lines


@pytest.mark.parametrize("site", ["postgresql"], indirect=True)  # FTS5: newest first anyway
@pytest.mark.parametrize("name", list(_BITMAP_SEARCHES))
def test_postgresql_reads_rare_words_and_date_ranges_from_the_gin_index_never_walking_the_keys(
    site: Database, name: str
) -> None:
    """The GIN index finds a rare word's few matches (none for a word no copy has, from the
    index alone) and a date range's matches (its words AND-ed with its months' tokens), and
    only they are sorted by id: the key table is never walked from the top, whatever the
    planner guesses of how soon a walk would fill the page."""
    query = _BITMAP_SEARCHES[name]
    found = PublicReader(site).search(NOW, query)
    assert bool(found.copies) == (name != "a word no copy has")
    matches = [
        (statement, params)
        for statement, params in _search_statements(site, lambda r: r.search(NOW, query))
        if "items.id IN" not in statement
    ]
    assert matches, "no batch of match ids was read"
    for statement, params in matches:
        lines = _pg_plan_as_at_a_million(site, statement, params)
        assert not any("Index Scan Backward using pk_search_keys" in line for line in lines)
        assert not reads_no_archive(lines, site.dialect), lines
        if "JOIN items" not in statement:
            assert any("Bitmap Index Scan on ix_search_keys_words" in line for line in lines)
        # (the plan site's months hold 40 % of its copies, and the word is in all of them:
        # the planner rightly reads those keys by the primary key in any order, unsorted;
        # at a million copies two months are 8 % of them, and it reads the GIN index)
