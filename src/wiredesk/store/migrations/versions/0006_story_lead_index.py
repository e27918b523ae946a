"""An index on stories.lead_item_id.

Creating a batch of stories sets each new item's story with a subquery on `lead_item_id`;
without an index SQLite builds a temporary one for every batch, so each batch cost grew with
the number of stories ever stored (7 ms per 500 items at 20,000 stories, 1 ms with it).

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_stories_lead_item_id", "stories", ["lead_item_id"])


def downgrade() -> None:
    op.drop_index("ix_stories_lead_item_id", table_name="stories")
