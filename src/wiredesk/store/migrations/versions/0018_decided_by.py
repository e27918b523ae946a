"""Each copy records what decided it: the routing rule that matched, or its source's mode.

Routing rules (`[[rules]]` in the settings file) publish, hold or drop a new copy; the desk
shows every copy with the rule that decided it. Copies stored before this revision were all
decided by their source's `auto_publish`, which is what the default says of them. Adding a
column with a constant default rewrites no rows on SQLite or PostgreSQL 11+.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as t:
        t.add_column(
            sa.Column("decided_by", sa.Text(), nullable=False, server_default="source mode")
        )


def downgrade() -> None:
    with op.batch_alter_table("items") as t:
        t.drop_column("decided_by")
