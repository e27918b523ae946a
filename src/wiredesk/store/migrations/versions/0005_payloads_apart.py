"""Raw payloads in a table of their own, so envelope status updates do not rewrite them.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "envelope_payloads",
        sa.Column("envelope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["envelope_id"],
            ["envelopes.id"],
            name="fk_envelope_payloads_envelope_id_envelopes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("envelope_id", name="pk_envelope_payloads"),
    )
    op.execute(
        "INSERT INTO envelope_payloads (envelope_id, payload) SELECT id, payload FROM envelopes"
    )
    with op.batch_alter_table("envelopes") as t:
        t.add_column(sa.Column("size", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE envelopes SET size = (SELECT length(p.payload) FROM envelope_payloads p "
        "WHERE p.envelope_id = envelopes.id)"
    )
    with op.batch_alter_table("envelopes") as t:
        t.alter_column("size", server_default=None)
        t.drop_column("payload")


def downgrade() -> None:
    with op.batch_alter_table("envelopes") as t:
        t.add_column(sa.Column("payload", sa.LargeBinary(), nullable=False, server_default=""))
    op.execute(
        "UPDATE envelopes SET payload = (SELECT p.payload FROM envelope_payloads p "
        "WHERE p.envelope_id = envelopes.id)"
    )
    with op.batch_alter_table("envelopes") as t:
        t.drop_column("size")
    op.drop_table("envelope_payloads")
