"""Pictures the site hosts.

`pictures` holds each picture once, by the SHA-256 of the agency's bytes (its renditions are
files under `<data_dir>/media/`); `picture_urls` what became of every address a source's
copies named (hosted, waiting for another try, failed and why); `picture_refs` which copy
named which address; `picture_cursors` how far the picture fetcher has read each source's
versions; and `items.pictures` the copy's hosted pictures as the pages show them, so a page
reads them with the copy.

Adding a column with a constant default rewrites no rows on SQLite or PostgreSQL 11+.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as t:
        t.add_column(sa.Column("pictures", sa.Text(), nullable=False, server_default="[]"))
    op.create_table(
        "pictures",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("widths", sa.Text(), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_pictures"),
    )
    op.create_table(
        "picture_urls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("url_hash", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64)),
        sa.Column("error", sa.Text()),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_tried_at", UTCDateTime(), nullable=False),
        sa.Column("next_try_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_picture_urls"),
        sa.UniqueConstraint("source_id", "url_hash", name="uq_picture_urls_source_id_url_hash"),
    )
    op.create_index("ix_picture_urls_next_try_at", "picture_urls", ["next_try_at"])
    op.create_index(
        "ix_picture_urls_source_id_last_tried_at", "picture_urls", ["source_id", "last_tried_at"]
    )
    op.create_table(
        "picture_refs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("url_id", sa.Integer(), nullable=False),
        sa.Column("href", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_picture_refs_item_id_items", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["url_id"],
            ["picture_urls.id"],
            name="fk_picture_refs_url_id_picture_urls",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_picture_refs"),
    )
    op.create_index("ix_picture_refs_item_id", "picture_refs", ["item_id"])
    op.create_index("ix_picture_refs_url_id", "picture_refs", ["url_id"])
    op.create_table(
        "picture_cursors",
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source_id", name="pk_picture_cursors"),
    )


def downgrade() -> None:
    op.drop_table("picture_cursors")
    op.drop_index("ix_picture_refs_url_id", table_name="picture_refs")
    op.drop_index("ix_picture_refs_item_id", table_name="picture_refs")
    op.drop_table("picture_refs")
    op.drop_index("ix_picture_urls_source_id_last_tried_at", table_name="picture_urls")
    op.drop_index("ix_picture_urls_next_try_at", table_name="picture_urls")
    op.drop_table("picture_urls")
    op.drop_table("pictures")
    with op.batch_alter_table("items") as t:
        t.drop_column("pictures")
