"""Stories: every item belongs to one; near-duplicate fingerprints of current versions.

Existing items each become a story of their own (nothing is merged retroactively: the
syndication index only matches items that arrive from now on against the persisted
fingerprints, and items stored before this migration have none).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_item_id", sa.Integer()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stories"),
    )
    op.create_table(
        "item_fingerprints",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("exact", sa.String(64), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("features", sa.LargeBinary(), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name="fk_item_fingerprints_item_id_items",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name="pk_item_fingerprints"),
    )
    op.create_index("ix_item_fingerprints_published_at", "item_fingerprints", ["published_at"])
    with op.batch_alter_table("items") as t:
        t.add_column(sa.Column("story_id", sa.Integer()))
    op.create_index("ix_items_story_id", "items", ["story_id"])
    # One story per existing item, its own lead.
    op.execute(
        "INSERT INTO stories (lead_item_id, created_at) "
        "SELECT id, first_seen_at FROM items ORDER BY id"
    )
    op.execute(
        "UPDATE items SET story_id = "
        "(SELECT stories.id FROM stories WHERE stories.lead_item_id = items.id)"
    )


def downgrade() -> None:
    op.drop_index("ix_items_story_id", table_name="items")
    with op.batch_alter_table("items") as t:
        t.drop_column("story_id")
    op.drop_index("ix_item_fingerprints_published_at", table_name="item_fingerprints")
    op.drop_table("item_fingerprints")
    op.drop_table("stories")
