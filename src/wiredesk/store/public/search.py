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
  column, newest first), then the batch's copies by id through the gate, and another batch
  while the page is not full (`pg_match_ids`, `pg_copies_statement`,
  `PublicReader._pg_search`). A batch is read one of two ways, chosen on the planner's
  estimates (`walk_length`): words many copies have by walking the key table's primary key
  from the top, each key's words tested, until the batch is full (a bounded walk, which
  hands over to the index below it when the words prove rarer); rarer words, a word no copy
  has and a date range from the GIN index's bitmap of their matches, sorted by id. Left to
  itself, the planner walked the whole archive for a word in no copy (6 s at a million
  copies) or for a date range a year back. One statement for matches and copies left the
  join to the planner, which read every copy down to the last match shown (a merge join)
  or joined every match of a rarer word before sorting them. Phrases are checked on the
  stored key, where the words stand in order, for the batch's copies only.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextClause,
    bindparam,
    column,
    literal,
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


def ts_parts(query: SearchQuery) -> list[str]:
    """The AND-ed parts of PostgreSQL's query: every word and filter token as a quoted lexeme,
    and any of the months' as one part (a folded word holds no quote or backslash, the two
    characters a tsquery lexeme escapes)."""
    parts = [f"'{w}'" for w in (*query.terms.words, *filter_tokens(query))]
    months = month_tokens(query)
    if months:
        parts.append("(" + " | ".join(f"'{m}'" for m in months) + ")")
    return parts


def ts_query(query: SearchQuery) -> str:
    """PostgreSQL's query: its parts (`ts_parts`) AND-ed."""
    return " & ".join(ts_parts(query))


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


def _tsquery(text_query: str) -> str:
    """A tsquery as SQL text: the one quote a tsquery has around each lexeme doubled as SQL's
    quoting asks (folded words and tokens hold letters, digits, marks and private-use
    characters only)."""
    return "CAST('" + text_query.replace("'", "''") + "' AS tsquery)"


def _below(below: int | None) -> str:
    return "" if below is None else f" AND search_keys.item_id < {int(below)}"


# How much dearer one key read by the walk is than one match read through the GIN bitmap: the
# walk reads every key's `words` (a TOASTed tsvector, fetched and decompressed: ~8 µs a key on
# the bench machine at 200k copies) where the bitmap reads a match's row for its id (~5 µs,
# most of it the page). The planner counts the first as one cheap operator call, and so
# walked the primary key through a whole archive for a word no copy has.
WALK_COST_RATIO = 2


def pg_estimate_statement(query: SearchQuery, below: int | None) -> str:
    """EXPLAIN of the keys below `below` that have each AND-ed part of the query, and of all
    the keys below it, in one statement: the planner's estimates (from its statistics of the
    `words` column, `Database.refresh_statistics`) without reading a row (`estimates`). A
    date range needs none: it is never walked, since its months' matches may lie far below
    the newest key and the walk would read every key above them (`month_tokens`)."""
    branches = [
        f"SELECT item_id FROM search_keys WHERE words @@ {_tsquery(part)}{_below(below)}"
        for part in ts_parts(query)
    ]
    everything = "SELECT item_id FROM search_keys"
    branches.append(everything + ("" if below is None else f" WHERE item_id < {int(below)}"))
    return "EXPLAIN (FORMAT JSON) " + " UNION ALL ".join(branches)


def estimates(explained: Any) -> tuple[float, float]:
    """(matches, keys) below the search's start, from `pg_estimate_statement`'s plan: the
    matches estimated as the fewest of any one AND-ed part (an upper bound: words that go
    together, such as मौसम and विभाग, are in many more copies than the product of their
    shares says, and a bitmap read for a product's few would read all their many)."""
    plan = json.loads(explained) if isinstance(explained, str) else explained
    rows = [float(child["Plan Rows"]) for child in plan[0]["Plan"]["Plans"]]
    *parts, keys = rows
    return min(parts), keys


def walk_length(matches: float, keys: float, batch: int) -> int | None:
    """How many keys a walk of the key table's primary key from the top (testing each key's
    words) may read to find `batch` matches, when it should find them sooner than the GIN
    index's bitmap of every match sorted by id; None when the bitmap should be read.

    The walk reads about batch × keys / matches keys, the bitmap reads every match: the walk
    wins when matches² > WALK_COST_RATIO × batch × keys. It may then read as many keys as
    would cost what the bitmap costs (matches / WALK_COST_RATIO), and the bitmap reads on
    below it: a walk misled by the estimate (two names each in 5 % of the copies and
    together in a third of a per cent of them; a run of a thousand English copies before
    the next Hindi one) costs at most about twice the bitmap. A word the statistics do not
    know (one no copy has, or a rare one) is estimated at a fraction of a per cent, so at a
    million copies it is read through the bitmap, which reads nothing when the word is in no
    copy."""
    matches = max(1.0, matches)
    if matches * matches <= WALK_COST_RATIO * batch * keys:
        return None
    return max(batch, math.ceil(matches / WALK_COST_RATIO))


# A walk first reads at most this many keys (or twice those the estimate says a batch needs,
# if more), then is judged on what it found (`walk_goes_on`): more than a run of one agency's
# English copies between two Hindi ones, which would otherwise look like a rare word.
WALK_PROBE = 2000


def walk_probe(walk: int, matches: float, keys: float, batch: int) -> int:
    """The keys a walk of at most `walk` keys reads before it is judged (`walk_goes_on`)."""
    expected = batch * keys / max(1.0, matches)
    return min(walk, max(WALK_PROBE, math.ceil(2 * expected)))


def walk_goes_on(found: int, walked: int, wanted: int, keys: float) -> bool:
    """After a walk of `walked` keys found `found` matches, too few: whether walking on should
    find the `wanted` still missing sooner than the bitmap reads every match below. Judged on
    a generous guess of the share of keys that match ((found + 3) / walked: three more than
    seen), so that a word is taken for rare only when even that guess says so; the bitmap
    reads it then, at the cost of its true matches."""
    return walk_length((found + 3) / walked * keys, keys, wanted) is not None


def pg_match_ids(
    query: SearchQuery, below: int | None, batch: int, *, walk: int | None = None
) -> TextClause:
    """PostgreSQL: the ids of the next `batch` matches below id `below` (None: from the
    newest), newest first, read one of two ways (`walk_length` chooses):

    - `walk` keys at most, walked from the top of the key table's primary key, each key's
      words tested, until the batch is full: for words most copies have. A batch not full
      then may only mean the walk stopped (`pg_walk_floor`);
    - through the GIN index (`walk` None): the bitmap of every match (the words, filter
      tokens and months AND-ed inside the index), their rows read for their ids, the ids
      sorted: for rarer words, a date range, and a word no copy has, which reads the index
      and nothing else. The matches are a MATERIALIZED CTE, which keeps the LIMIT out of the
      planner's sight: with it, the planner took a rare word's few matches for many and
      walked the archive (it prices testing a key's words, a TOASTed tsvector fetched and
      decompressed, like comparing two integers). A date range's copies are also tested for
      their dates here, on `items` by id, so that the batch holds copies of the range and
      not the rest of its months.

    Everything is written into the statement, nothing bound: the driver prepares a statement
    run five times on a connection, and PostgreSQL then plans it once for any words and any
    LIMIT, which here meant walking the whole key table in id order for a word in no copy
    (50 ms at 10,000 copies, growing with the archive, against 0.1 ms planned for the word)."""
    words = f"search_keys.{SEARCH_WORDS} @@ {_tsquery(ts_query(query))}"
    if walk is not None:
        return text(
            f"SELECT item_id FROM (SELECT search_keys.item_id, search_keys.{SEARCH_WORDS} "
            f"FROM search_keys WHERE true{_below(below)} "
            f"ORDER BY search_keys.item_id DESC LIMIT {int(walk)}) AS search_keys "
            f"WHERE {words} ORDER BY item_id DESC LIMIT {int(batch)}"
        )
    join, dates = "", ""
    if query.since is not None or query.until is not None:
        join = " JOIN items ON items.id = search_keys.item_id"
        if query.since is not None:
            dates += f" AND items.published_at >= '{_utc(query.since)}'"
        if query.until is not None:
            dates += f" AND items.published_at < '{_utc(query.until)}'"
    return text(
        f"WITH matches AS MATERIALIZED (SELECT search_keys.item_id FROM search_keys{join} "
        f"WHERE {words}{_below(below)}{dates}) "
        f"SELECT item_id FROM matches ORDER BY item_id DESC LIMIT {int(batch)}"
    )


def pg_walk_floor(below: int | None, walk: int) -> TextClause:
    """The lowest id a walk of `walk` keys below `below` read (the primary key's entries
    only): the GIN index's bitmap reads on below it."""
    return text(
        f"SELECT min(item_id) FROM (SELECT search_keys.item_id FROM search_keys "
        f"WHERE true{_below(below)} ORDER BY search_keys.item_id DESC LIMIT {int(walk)}) AS walked"
    )


def _utc(when: datetime) -> str:
    """A time as a literal PostgreSQL reads as timestamptz (digits and `-:.+T` only)."""
    if when.tzinfo is None:
        raise ValueError(f"search dates must be aware (UTC or an offset), got {when!r}")
    return when.astimezone(UTC).isoformat()


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
