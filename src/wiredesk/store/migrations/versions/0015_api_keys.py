"""The subscribers' API keys.

`wiredesk apikey add` stores the SHA-256 of a key, never the key, with the sources it may
read and its request budget; `revoke` dates it. Read by the HTTP API (channels/api_v1) through
`store.public.api_keys`.

Revision ID: 0015
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0015"
down_revision = "0008"
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


def downgrade() -> None:
    op.drop_table("api_keys")
