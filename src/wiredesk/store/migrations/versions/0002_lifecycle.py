"""Lifecycle: agency metadata on versions; pubStatus, embargo and kills on items; audit log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_JSON_LISTS = ("signals", "subjects", "keywords", "provenance", "images")


def upgrade() -> None:
    with op.batch_alter_table("items") as t:
        t.add_column(
            sa.Column("pub_status", sa.String(16), nullable=False, server_default="usable")
        )
        t.add_column(sa.Column("embargo_until", UTCDateTime()))
        t.add_column(sa.Column("killed_at", UTCDateTime()))
        t.add_column(sa.Column("killed_by", sa.Text()))
        t.add_column(sa.Column("kill_reason", sa.Text()))
        t.add_column(
            sa.Column("kill_manual", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("item_versions") as t:
        t.add_column(
            sa.Column("pub_status", sa.String(16), nullable=False, server_default="usable")
        )
        for name in _JSON_LISTS:
            t.add_column(sa.Column(name, sa.Text(), nullable=False, server_default="[]"))
        t.add_column(sa.Column("embargo_until", UTCDateTime()))
        t.add_column(sa.Column("urgency", sa.Integer()))
        t.add_column(sa.Column("priority", sa.Integer()))
        t.add_column(sa.Column("subheadline", sa.Text()))
        t.add_column(sa.Column("slugline", sa.Text()))
        t.add_column(sa.Column("copyright", sa.Text()))
        t.add_column(sa.Column("usage_terms", sa.Text()))
        t.add_column(sa.Column("correction_note", sa.Text()))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("envelope_id", sa.Integer()),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name="fk_audit_log_item_id_items", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["envelope_id"], ["envelopes.id"], name="fk_audit_log_envelope_id_envelopes"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_item_id_at", "audit_log", ["item_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_item_id_at", table_name="audit_log")
    op.drop_table("audit_log")
    with op.batch_alter_table("item_versions") as t:
        for name in (
            *_JSON_LISTS,
            "pub_status",
            "embargo_until",
            "urgency",
            "priority",
            "subheadline",
            "slugline",
            "copyright",
            "usage_terms",
            "correction_note",
        ):
            t.drop_column(name)
    with op.batch_alter_table("items") as t:
        for name in (
            "pub_status",
            "embargo_until",
            "killed_at",
            "killed_by",
            "kill_reason",
            "kill_manual",
        ):
            t.drop_column(name)
