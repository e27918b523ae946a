"""Initial schema: source state, raw envelopes, items and their versions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_state",
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text()),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("last_polled_at", UTCDateTime()),
        sa.Column("last_success_at", UTCDateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", UTCDateTime()),
        sa.Column("next_poll_at", UTCDateTime()),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source_id", name="pk_source_state"),
    )
    op.create_table(
        "envelopes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("transport", sa.String(16), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text()),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("format", sa.String(16)),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("processed_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_envelopes"),
        sa.UniqueConstraint("source_id", "sha256", name="uq_envelopes_source_id_sha256"),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("short_id", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("guid", sa.Text(), nullable=False),
        sa.Column("slug", sa.String(100), nullable=False),
        sa.Column("section", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("current_version_id", sa.Integer()),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime()),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.UniqueConstraint("short_id", name="uq_items_short_id"),
        sa.UniqueConstraint("source_id", "guid", name="uq_items_source_id_guid"),
    )
    op.create_index("ix_items_state_published_at", "items", ["state", "published_at"])
    op.create_index(
        "ix_items_section_state_published_at", "items", ["section", "state", "published_at"]
    )
    op.create_index(
        "ix_items_source_id_state_published_at", "items", ["source_id", "state", "published_at"]
    )
    op.create_table(
        "item_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_version", sa.Integer()),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("byline", sa.Text()),
        sa.Column("link", sa.Text()),
        sa.Column("language", sa.String(16)),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("source_published_at", UTCDateTime()),
        sa.Column("source_updated_at", UTCDateTime()),
        sa.Column("credit_line", sa.Text()),
        sa.Column("originator", sa.Text()),
        sa.Column("upstream_disclaimer", sa.Text()),
        sa.Column("upstream_source", sa.Text()),
        sa.Column("dateline_place", sa.Text()),
        sa.Column("dateline_date", sa.Text()),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_item_versions_item_id_items", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["envelope_id"], ["envelopes.id"], name="fk_item_versions_envelope_id_envelopes"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_item_versions"),
        sa.UniqueConstraint("item_id", "version", name="uq_item_versions_item_id_version"),
        sa.UniqueConstraint(
            "item_id", "content_hash", name="uq_item_versions_item_id_content_hash"
        ),
    )


def downgrade() -> None:
    op.drop_table("item_versions")
    op.drop_index("ix_items_source_id_state_published_at", table_name="items")
    op.drop_index("ix_items_section_state_published_at", table_name="items")
    op.drop_index("ix_items_state_published_at", table_name="items")
    op.drop_table("items")
    op.drop_table("envelopes")
    op.drop_table("source_state")
