"""An index on items.first_seen_at.

The syndication index a process builds at start holds the copies that arrived within the
grouping window (`store.ledger.stories.load_fingerprints`), found by arrival: by their own
dates, a copy dated years ago that arrived today was left out, and its copies arriving after a
restart were not grouped with it. Without an index the start would read every copy.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_items_first_seen_at", "items", ["first_seen_at"])


def downgrade() -> None:
    op.drop_index("ix_items_first_seen_at", table_name="items")
