"""Quarantine for bad items and payloads; the settings' URL beside the polled one.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("source_state") as t:
        t.add_column(sa.Column("configured_url", sa.Text()))
    op.create_table(
        "quarantine",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("item_index", sa.Integer()),
        sa.Column("guid", sa.Text()),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw_item", sa.Text()),
        sa.Column("quarantined_at", UTCDateTime(), nullable=False),
        sa.Column("resolved_at", UTCDateTime()),
        sa.ForeignKeyConstraint(
            ["envelope_id"], ["envelopes.id"], name="fk_quarantine_envelope_id_envelopes"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_quarantine"),
    )
    op.create_index(
        "ix_quarantine_resolved_at_quarantined_at", "quarantine", ["resolved_at", "quarantined_at"]
    )
    op.create_index("ix_quarantine_envelope_id", "quarantine", ["envelope_id"])


def downgrade() -> None:
    op.drop_index("ix_quarantine_envelope_id", table_name="quarantine")
    op.drop_index("ix_quarantine_resolved_at_quarantined_at", table_name="quarantine")
    op.drop_table("quarantine")
    with op.batch_alter_table("source_state") as t:
        t.drop_column("configured_url")
