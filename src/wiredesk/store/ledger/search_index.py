"""Search keys kept in step with copies: written with a new copy, rewritten with every change
of a copy's current version (an update, a correction, a kill notice that carries text), in the
caller's transaction.

The key is what `wiredesk.text.search_keys.story_key` makes of the current version's headline,
subheadline, summary and body, with filter tokens for the copy's section, agency, language and
originator. Visibility is not in the key: search applies the gate's columns of `items` as the
lists do, so a kill, a withheld version or an embargo changes results with no write here.

The database's own index follows the key table: on SQLite, a new key enters the FTS5 table
from here, in the same transaction (migration 0016 says why not by a trigger), while changed
and deleted keys are followed by triggers; on PostgreSQL the index is a generated tsvector
column (migration 0010).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, update

from wiredesk.store.bulk import insert_many
from wiredesk.store.schema import SEARCH_INDEX, search_keys
from wiredesk.text.search_keys import keyed_with, story_words

# The version's texts that are searched, in the order they enter the key.
KEY_TEXTS = ("headline", "subheadline", "summary", "body_text")


def key_of(
    texts: Mapping[str, Any] | Any,
    *,
    section: str | None,
    source_id: str | None,
    language: str | None,
    originator: str | None,
    published_at: datetime,
    words: str | None = None,
) -> str:
    """The search key of a copy: its version's texts (a row or an `Item`, read by the names
    of KEY_TEXTS) and its facts, which become filter tokens. `originator` as `items` keeps it
    (normalized), so a query's filter names the same token; `published_at` as `items` keeps
    it (its month, in UTC, is a token: `month_of`). `words`: `words_of(texts)`, when it was
    made already (by ingest's worker)."""
    if words is None:
        words = words_of(texts)
    facts = {
        "section": section,
        "source": source_id,
        "language": language,
        "originator": originator,
        "month": month_of(published_at),
    }
    return keyed_with(words, facts)


def words_of(texts: Mapping[str, Any] | Any) -> str:
    """The folded words of a version's texts (a row or an `Item`), the costly part of a key."""
    if isinstance(texts, Mapping):
        return story_words(texts.get(name) for name in KEY_TEXTS)
    return story_words(getattr(texts, name, None) for name in KEY_TEXTS)


def month_of(when: datetime) -> str:
    """The month token's value of a publication time: `YYYY-MM` in UTC."""
    return f"{when.astimezone(UTC):%Y-%m}"


def add(conn: Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Keys of new copies: (item id, key) each, in one statement (two on SQLite: the key
    and its FTS5 entry)."""
    rows = list(rows)
    insert_many(conn, search_keys, [{"item_id": i, "key": k} for i, k in rows])
    _index_new(conn, rows)


def replace(conn: Connection, item_id: int, key: str) -> None:
    """The key of a copy whose current version changed (a copy stored before its key existed
    gets one)."""
    done = conn.execute(
        update(search_keys).where(search_keys.c.item_id == item_id).values(key=key)
    ).rowcount
    if not done:
        conn.execute(insert(search_keys).values(item_id=item_id, key=key))
        _index_new(conn, [(item_id, key)])


def _index_new(conn: Connection, rows: list[tuple[int, str]]) -> None:
    """SQLite: the FTS5 entries of keys just inserted (PostgreSQL's index is a column of the
    key's own row)."""
    if rows and conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT INTO {SEARCH_INDEX} (rowid, key) VALUES (?, ?)", rows)
