"""WebSub subscriptions to the site's feeds.

The hub (runtime/websub) keeps who asked to be told when a feed changes, until their lease
ends; a table, not memory, so subscriptions survive a restart as the W3C WebSub lease promises.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "websub_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("topic", sa.String(2048), nullable=False),
        sa.Column("callback", sa.String(2048), nullable=False),
        sa.Column("secret", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.UniqueConstraint("topic", "callback", name="uq_websub_topic_callback"),
    )
    op.create_index("ix_websub_expires_at", "websub_subscriptions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_websub_expires_at", table_name="websub_subscriptions")
    op.drop_table("websub_subscriptions")
