"""An editor's takedown of a whole story: who, when and why, on the story's row.

`wiredesk kill` used to kill one copy; another agency's copy of the same story then led it at
once. A takedown is the story's, not a copy's: every copy of a taken-down story stays off
every public channel, and so does a copy that joins it later (store/ledger/takedowns.py).
Kept on `stories` (read by primary key when a copy's visibility is computed), not on each
copy: a copy joining the story, or a story merged into it, inherits it without a copy of it.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as t:
        t.add_column(sa.Column("taken_down_at", UTCDateTime()))
        t.add_column(sa.Column("taken_down_by", sa.Text()))
        t.add_column(sa.Column("takedown_reason", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("stories") as t:
        t.drop_column("takedown_reason")
        t.drop_column("taken_down_by")
        t.drop_column("taken_down_at")
