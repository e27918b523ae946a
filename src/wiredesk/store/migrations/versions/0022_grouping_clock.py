"""One story index for every process on a database: grouping takes turns and numbers them.

Each ingesting process keeps a syndication index in memory (ingest/grouping.py). So that two
processes group as one, a grouping takes its turn on the one row of `grouping_clock` (its
update is the lock on PostgreSQL; SQLite's writer holds the database anyway) and gets the
next number; every fingerprint it writes, and every fingerprint of a copy a merge moves,
carries that number in `item_fingerprints.grouping_seq`. Numbers follow the order of commit
(a grouping that rolls back gives its number back), so a process catches up on what others
grouped since its last turn with one indexed range query. Existing fingerprints get 0: every
process reads them when it loads its index. A new table and a column with a constant default:
no row is rewritten.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grouping_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("prev_token", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_grouping_clock"),
    )
    with op.batch_alter_table("item_fingerprints") as t:
        t.add_column(sa.Column("grouping_seq", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_index(
        "ix_item_fingerprints_grouping_seq", "item_fingerprints", ["grouping_seq"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_item_fingerprints_grouping_seq", table_name="item_fingerprints")
    with op.batch_alter_table("item_fingerprints") as t:
        t.drop_column("grouping_seq")
    op.drop_table("grouping_clock")
