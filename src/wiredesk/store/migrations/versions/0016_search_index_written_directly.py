"""SQLite: a new copy's search key enters the FTS5 index from the writer's own statement, not
from a trigger on `search_keys`.

FTS5 writes out the terms it holds in memory whenever a statement inside a transaction ends
a savepoint, and every firing of a trigger is such a statement: with the insert trigger of
migration 0010, each copy became a segment of its own in the index, merged again and again
as a batch of a hundred went in. Measured on 10,000 Hindi copies of ~4 KB
(bench/ingest_cli.py --phases 4k), the index cost ~350 µs a copy through the trigger and
~65 µs from one `INSERT … SELECT`-free executemany on the index itself (bench/RESULTS.md).
So `store.ledger.search_index.add` inserts into both tables; the delete and update triggers
stay (a deleted copy's key leaves the index however it is deleted, by the cascade from
`items` too, and a changed key is rare: one per new version).

PostgreSQL has no trigger here (its index is a generated column): nothing changes there.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_INSERT_TRIGGER = (
    "CREATE TRIGGER search_keys_added AFTER INSERT ON search_keys BEGIN "
    "INSERT INTO search_index (rowid, key) VALUES (new.item_id, new.key); END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS search_keys_added")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_INSERT_TRIGGER)
