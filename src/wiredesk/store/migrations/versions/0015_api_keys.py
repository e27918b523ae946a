"""The subscribers' API keys, and two indexes for its lists.

`wiredesk apikey add` stores the SHA-256 of a key, never the key, with the sources it may
read and its request budget; `revoke` dates it. Read by the HTTP API (channels/api_v1) through
`store.public.api_keys`.

`items.killed_at` and `items.updated_at` are indexed for the API's lists: take-downs
(`state=canceled`) are found by the first, and `updated_since` reads each of its branches
(published, updated, released, killed since) from an index, so a subscriber's poll costs what
changed since, not the archive (tests/store/public/test_subscription_plans.py).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("sources", sa.Text()),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("name", name="uq_api_keys_name"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
    )
    op.create_index("ix_items_killed_at", "items", ["killed_at"])
    op.create_index("ix_items_updated_at", "items", ["updated_at"])
    # An agency's copies in every language, newest first: the API lists a source across
    # editions, and the language-led listing indexes (0012) cannot give that order.
    op.create_index(
        "ix_items_source_listing",
        "items",
        ["source_id", "published_at", "id", "public_from", "outranked_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_items_source_listing", table_name="items")
    op.drop_index("ix_items_updated_at", table_name="items")
    op.drop_index("ix_items_killed_at", table_name="items")
    op.drop_table("api_keys")
