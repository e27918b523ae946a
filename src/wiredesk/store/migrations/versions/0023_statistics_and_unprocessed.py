"""The copies' statistics kept fresh at any size, and the unprocessed payloads indexed.

- PostgreSQL analyzes a table by itself once a tenth of its rows changed: at a million
  copies, after a hundred thousand writes. Until then a source added to a big site is
  unknown to the planner, which then reads the copies' lookup of its guids (every poll and
  push) along the source's listing index, every copy of the source in turn, instead of by the
  unique (source, guid) key: more work with every copy it sends. `items` is now analyzed
  after every 5,000 changed rows, whatever its size (an ANALYZE samples 30,000 rows: a fraction of
  a second in the background). wiredesk's own refresh every 20,000 copies written by a
  process (`Database.note_new_copies`) starts again at zero with every process.
- Cluster workers look for payloads left unprocessed ("received") every half minute
  (store/job_queue.py): an index of those few rows, so the look reads them and not every
  envelope the site ever stored. SQLite has partial indexes too.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

ANALYZE_EVERY = 5000


def upgrade() -> None:
    op.create_index(
        "ix_envelopes_unprocessed",
        "envelopes",
        ["id"],
        postgresql_where=sa.text("status = 'received'"),
        sqlite_where=sa.text("status = 'received'"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE items SET (autovacuum_analyze_scale_factor = 0, "
            f"autovacuum_analyze_threshold = {ANALYZE_EVERY})"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE items RESET (autovacuum_analyze_scale_factor, "
            "autovacuum_analyze_threshold)"
        )
    op.drop_index("ix_envelopes_unprocessed", table_name="envelopes")
