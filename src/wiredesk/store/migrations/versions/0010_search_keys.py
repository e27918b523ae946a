"""Search: a key per copy, and each database's own index over the keys.

`search_keys` holds each copy's folded words and filter tokens (wiredesk.text.search_keys,
store/ledger/search_index.py). Over it:

- SQLite: an FTS5 table, `search_index`, with external content (the keys are not stored twice)
  and the tokenizer `unicode61 categories 'L* N* Co M*' remove_diacritics 0`, which keeps a
  Devanagari word whole with its vowel signs and virama (the default tokenizer cuts words at
  every vowel sign); triggers keep it in step with the key table;
- PostgreSQL: a generated column `words`, the key's words as a `tsvector` made without a text
  search parser (`array_to_tsvector(string_to_array(key, ' '))`, so no locale or dictionary
  decides what a word is), with a GIN index.

The keys of an existing archive are made here, in batches of BATCH copies read in id order
(a million copies: a few minutes of folding, see docs/operations.md); the index is built once
after all the keys are in, which is faster than growing it row by row.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiredesk.store.bulk import insert_many
from wiredesk.store.ledger.search_index import key_of
from wiredesk.store.schema import UTCDateTime, search_keys

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 2000

TOKENIZER = "unicode61 categories 'L* N* Co M*' remove_diacritics 0"
_SQLITE_INDEX = (
    "CREATE VIRTUAL TABLE search_index USING fts5("
    f"key, content='search_keys', content_rowid='item_id', tokenize=\"{TOKENIZER}\")"
)
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER search_keys_added AFTER INSERT ON search_keys BEGIN "
    "INSERT INTO search_index (rowid, key) VALUES (new.item_id, new.key); END",
    "CREATE TRIGGER search_keys_removed AFTER DELETE ON search_keys BEGIN "
    "INSERT INTO search_index (search_index, rowid, key) "
    "VALUES ('delete', old.item_id, old.key); END",
    "CREATE TRIGGER search_keys_changed AFTER UPDATE ON search_keys BEGIN "
    "INSERT INTO search_index (search_index, rowid, key) "
    "VALUES ('delete', old.item_id, old.key); "
    "INSERT INTO search_index (rowid, key) VALUES (new.item_id, new.key); END",
)

_COPIES = sa.text(
    "SELECT items.id, items.section, items.source_id, items.language, items.originator, "
    "items.published_at, "
    "item_versions.headline, item_versions.subheadline, item_versions.summary, "
    "item_versions.body_text FROM items "
    "JOIN item_versions ON item_versions.id = items.current_version_id "
    "WHERE items.id > :after ORDER BY items.id LIMIT :batch"
).columns(published_at=UTCDateTime())  # aware UTC, as the ledger passes it


def upgrade() -> None:
    op.create_table(
        "search_keys",
        sa.Column("item_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name="fk_search_keys_item_id_items",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name="pk_search_keys"),
    )
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    if not sqlite:
        op.execute(
            "ALTER TABLE search_keys ADD COLUMN words tsvector "
            "GENERATED ALWAYS AS (array_to_tsvector(string_to_array(key, ' '))) STORED"
        )
    backfill(conn)
    if sqlite:
        op.execute(_SQLITE_INDEX)
        op.execute("INSERT INTO search_index (search_index) VALUES ('rebuild')")
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)
    else:
        op.execute("CREATE INDEX ix_search_keys_words ON search_keys USING gin (words)")
        op.execute("ANALYZE search_keys")


def backfill(conn: sa.Connection) -> int:
    """The key of every stored copy, BATCH copies at a time; returns how many."""
    after, done = 0, 0
    while True:
        rows = conn.execute(_COPIES, {"after": after, "batch": BATCH}).mappings().all()
        if not rows:
            return done
        keys = [
            {
                "item_id": r["id"],
                "key": key_of(
                    r,
                    section=r["section"],
                    source_id=r["source_id"],
                    language=r["language"],
                    originator=r["originator"],
                    published_at=r["published_at"],
                ),
            }
            for r in rows
        ]
        insert_many(conn, search_keys, keys)
        after = rows[-1]["id"]
        done += len(rows)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for name in ("search_keys_added", "search_keys_removed", "search_keys_changed"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_index")
    op.drop_table("search_keys")
