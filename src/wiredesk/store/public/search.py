"""The search statement: a query's words looked up in each database's own index, newest first,
through the same gate and scope clauses as the lists.

Words and filters are both words of a copy's key (`wiredesk.text.search_keys`): the query's
folded words AND-ed, and a filter token for each of section, agency, language and originator
chosen, so the index finds "this word in this section" itself instead of the database reading
every copy that has the word to test its section. Dates and the gate are tested on `items`,
which the index gives in id order: results are newest *arrival* first, which is what lets the
database stop after one page (an index over words cannot also give publication order; ids are
given in arrival order, and a copy's publication time is within minutes of its arrival, save
for archives loaded later). The next page starts below the last id shown (`more_after`), so no
page counts or skips what came before.

- SQLite: `search_index MATCH '"w1" AND "w2" AND "p1 p2" …'` on the FTS5 table, read from
  the highest rowid down (FTS5 walks its lists in that order), each row joined to its copy by
  id, in one statement that stops when the page is full (`sqlite_statement`);
- PostgreSQL: a batch of match ids (`words @@ 'w1' & 'w2' & …` on the generated tsvector
  column, newest first, LIMIT the batch: the planner walks the key table's primary key from
  the top for common words, or takes rarer ones' ids from the GIN index and sorts them), then
  the batch's copies by id through the gate, and another batch while the page is not full
  (`pg_match_ids`, `pg_copies_statement`, `PublicReader._pg_search`). One statement left the
  join to the planner, which read every copy down to the last match shown (a merge join) or
  joined every match of a rarer word before sorting them. Phrases are checked on the stored
  key, where the words stand in order, for the batch's copies only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    column,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join

from wiredesk.store.public.views import SearchQuery, normalize_name
from wiredesk.store.schema import SEARCH_INDEX, SEARCH_WORDS, items, search_keys
from wiredesk.text.search_keys import filter_token

# SQLite's FTS5 table as queries name it: its rowid is the copy's id.
_FTS = table(SEARCH_INDEX, column("rowid", Integer))


class _IndexFirst(Join):
    """`search_index CROSS JOIN items`: SQLite then always reads the word index first, in id
    order, and stops after a page. Left to itself, it sometimes started from a filter's own
    index on `items` (an originator's copies, say) and sorted all its matches."""

    inherit_cache = True


@compiles(_IndexFirst, "sqlite")
def _cross_join(element: _IndexFirst, compiler: Any, **kw: Any) -> str:
    plain: str = compiler.visit_join(element, **kw)
    return plain.replace(" JOIN ", " CROSS JOIN ", 1)


def filter_tokens(query: SearchQuery) -> list[str]:
    """The key words that say a query's filters, as `ledger.search_index.key_of` wrote them."""
    facts = {
        "section": query.section,
        "source": query.source_id,
        "language": query.language,
        "originator": normalize_name(query.originator) if query.originator else None,
    }
    return [filter_token(kind, value) for kind, value in facts.items() if value]


# A date range of at most this many months is also looked up in the index, as "any of these
# months' tokens"; a longer one only on `items`.
MONTH_TOKENS = 24


def month_tokens(query: SearchQuery) -> list[str]:
    """The month tokens (`ledger.search_index.month_of`) a bounded date range covers, when
    there are at most MONTH_TOKENS of them: the index then finds "these words in these
    months" itself, instead of search reading every newer match to reach an old range."""
    if query.since is None or query.until is None or query.since >= query.until:
        return []
    first = query.since.astimezone(UTC)
    last = (query.until - timedelta(microseconds=1)).astimezone(UTC)
    months: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        if len(months) > MONTH_TOKENS:
            return []
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [filter_token("month", m) for m in months]


def match_expression(query: SearchQuery) -> str:
    """FTS5's query: every word and every phrase, each a quoted string (folded words hold no
    quote, and nothing of the reader's text is read as FTS5 syntax), AND-ed with the filters'
    tokens and any of the months'."""
    in_phrases = {w for phrase in query.terms.phrases for w in phrase}
    parts = [f'"{w}"' for w in query.terms.words if w not in in_phrases]
    parts += ['"' + " ".join(phrase) + '"' for phrase in query.terms.phrases]
    parts += [f'"{token}"' for token in filter_tokens(query)]
    months = month_tokens(query)
    if months:
        parts.append("(" + " OR ".join(f'"{m}"' for m in months) + ")")
    return " AND ".join(parts)


def ts_query(query: SearchQuery) -> str:
    """PostgreSQL's query: every word and filter token as a quoted lexeme, AND-ed with any of
    the months' (a folded word holds no quote or backslash, the two characters a tsquery
    lexeme escapes)."""
    parts = [f"'{w}'" for w in (*query.terms.words, *filter_tokens(query))]
    months = month_tokens(query)
    if months:
        parts.append("(" + " | ".join(f"'{m}'" for m in months) + ")")
    return " & ".join(parts)


def _item_clauses(
    query: SearchQuery, gate: Sequence[ColumnElement[bool]]
) -> tuple[list[ColumnElement[bool]], dict[str, Any]]:
    """The clauses a match's copy must pass besides its words: the lists' gate and scope,
    the language, the exact dates."""
    params: dict[str, Any] = {}
    clauses: list[ColumnElement[bool]] = list(gate)
    if query.language is not None:
        clauses.append(items.c.language == bindparam("language"))
        params["language"] = query.language
    if query.since is not None:
        clauses.append(items.c.published_at >= bindparam("since", type_=items.c.published_at.type))
        params["since"] = query.since
    if query.until is not None:
        clauses.append(items.c.published_at < bindparam("until", type_=items.c.published_at.type))
        params["until"] = query.until
    return clauses, params


def sqlite_statement(
    query: SearchQuery,
    columns: Sequence[Any],
    gate: Sequence[ColumnElement[bool]],
    after: int | None,
) -> tuple[Select[Any], dict[str, Any]]:
    """SQLite: one page of results in one statement (its LIMIT a parameter, `limit`), and its
    parameters besides the gate's: FTS5 gives the matches from the highest id down, each
    copy is probed by id and tested, and the statement stops when the page is full."""
    clauses, params = _item_clauses(query, gate)
    found = (
        select(*columns)
        .select_from(_IndexFirst(_FTS, items, items.c.id == _FTS.c.rowid))
        .where(text(f"{SEARCH_INDEX} MATCH :match"), *clauses)
    )
    params["match"] = match_expression(query)
    if after is not None:
        found = found.where(_FTS.c.rowid < bindparam("after", type_=Integer))
        params["after"] = after
    return found.order_by(_FTS.c.rowid.desc()).limit(bindparam("limit", type_=Integer)), params


def pg_match_ids(query: SearchQuery, below: int | None, batch: int) -> Select[Any]:
    """PostgreSQL: the ids of the next `batch` matches below id `below` (None: from the
    newest), newest first. With
    the LIMIT in the statement the planner walks the key table's primary key from the top for
    a common word and stops, or takes a rarer word's ids from the GIN index and sorts those
    integers; either way it reads no copy.

    Everything is written into the statement, nothing bound: the driver prepares a statement
    run five times on a connection, and PostgreSQL then plans it once for any words and any
    LIMIT, which here meant walking the whole key table in id order for a word in no copy
    (50 ms at 10,000 copies, growing with the archive, against 0.1 ms planned for the word).
    Folded words and tokens hold letters, digits, marks and private-use characters only; the
    one quote a tsquery has around each is doubled as SQL's quoting asks."""
    literal_query = ts_query(query).replace("'", "''")
    found = select(search_keys.c.item_id).where(
        text(f"search_keys.{SEARCH_WORDS} @@ CAST('{literal_query}' AS tsquery)")
    )
    if below is not None:
        found = found.where(text(f"search_keys.item_id < {int(below)}"))
    return found.order_by(search_keys.c.item_id.desc()).limit(
        literal_column(str(int(batch)), Integer)
    )


def pg_copies_statement(
    query: SearchQuery,
    columns: Sequence[Any],
    gate: Sequence[ColumnElement[bool]],
) -> tuple[Select[Any], dict[str, Any]]:
    """PostgreSQL: of a batch of matches (parameter `ids`, expanding), the copies that pass
    the gate, the filters and every phrase (tested on the stored key, where the words stand
    in order), newest first: one primary-key probe per id."""
    clauses, params = _item_clauses(query, gate)
    found = select(*columns).where(items.c.id.in_(bindparam("ids", expanding=True)), *clauses)
    if query.terms.phrases:
        found = found.join_from(items, search_keys, search_keys.c.item_id == items.c.id)
        for n, phrase in enumerate(query.terms.phrases):
            spaced = literal(" ") + search_keys.c.key + literal(" ")
            found = found.where(spaced.like(bindparam(f"phrase{n}")))
            params[f"phrase{n}"] = "% " + " ".join(phrase) + " %"
    return found.order_by(items.c.id.desc()), params
