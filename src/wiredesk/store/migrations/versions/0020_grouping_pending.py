"""Copies waiting to be grouped: saved while the syndication index was still loading.

A process loads its syndication index in the background when it starts
(ingest/grouping.py); a copy saved before the index is ready is saved without grouping and
named here, in the same transaction, so that it is grouped once the index is ready, by this
process or, should it stop first, by the next one to start. A new table: nothing to fill.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grouping_pending",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name="fk_grouping_pending_item_id_items",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name="pk_grouping_pending"),
    )


def downgrade() -> None:
    op.drop_table("grouping_pending")
