"""Raw payloads can leave the database by age (`wiredesk archive prune`): each envelope says
when its bytes left and, when they were moved rather than deleted, the file that holds them.

The envelope row itself stays: its sha256 still recognises the same payload sent again, its
source, time and size still tell where every copy came from, and `wiredesk archive restore`
puts moved bytes back (checked against the sha256) when someone needs to reprocess them.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("envelopes") as t:
        t.add_column(sa.Column("payload_pruned_at", UTCDateTime()))
        t.add_column(sa.Column("payload_moved_to", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("envelopes") as t:
        t.drop_column("payload_moved_to")
        t.drop_column("payload_pruned_at")
