"""What the public may see, kept in columns the pages' indexes can read.

Until now the gate decided at every query, with a correlated subquery over each copy's story
(is another member public and better ranked?). Pages then cost more the bigger the archive —
the home page took 8.5 s at 4,000 stories on SQLite. Now each copy carries:

- `public_from`: from when the public may see it (the end of its embargo or its publication,
  whichever is later), NULL while it is killed, withheld, held or canceled;
- `outranked_at`: from when a better-ranked copy of its story is public (NULL: never), so a
  copy is listed while `public_from <= now < outranked_at`. Both are kept in step on every
  write (store/ledger/visibility.py) and compared with the clock at query time, so an embargo
  still lifts with no job running;
- `originator`: the current version's originator, so `/originator/<name>` has an index.

Indexes on (scope, published_at, id, public_from, outranked_at) serve every list with keyset
pagination and no table lookups for the rows it skips. `sections` names every section that
has had a copy (the navigation reads it, not the archive); `changes` is the log that tells
other processes' page caches what changed; `site_meta` remembers the ranking the stored
`outranked_at` values were computed with.

`public_from` and `originator` are filled here; `outranked_at` is computed at the next start
(its ranking depends on `[site] preferred_sources`, which a migration does not know).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_LISTING = ("published_at", "id", "public_from", "outranked_at")


def upgrade() -> None:
    with op.batch_alter_table("items") as t:
        t.add_column(sa.Column("public_from", UTCDateTime()))
        t.add_column(sa.Column("outranked_at", UTCDateTime()))
        t.add_column(sa.Column("originator", sa.Text()))
    for old in ("state_published_at", "section_state_published_at", "source_id_state_published_at"):
        op.drop_index(f"ix_items_{old}", table_name="items")
    op.create_index("ix_items_listing", "items", list(_LISTING))
    op.create_index("ix_items_section_listing", "items", ["section", *_LISTING])
    op.create_index("ix_items_source_listing", "items", ["source_id", *_LISTING])
    op.create_index("ix_items_originator_listing", "items", ["originator", *_LISTING])
    op.create_index("ix_items_public_from", "items", ["public_from"])
    op.create_index("ix_items_outranked_at", "items", ["outranked_at"])
    op.create_index("ix_item_versions_received_at", "item_versions", ["received_at"])
    op.create_table(
        "sections",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_sections"),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("writer", sa.String(32), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_changes"),
    )
    op.create_table(
        "site_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_site_meta"),
    )
    op.execute(
        "UPDATE items SET public_from = CASE "
        "WHEN killed_at IS NULL AND state = 'published' AND pub_status = 'usable' THEN "
        "CASE WHEN embargo_until IS NOT NULL AND embargo_until > published_at "
        "THEN embargo_until ELSE published_at END "
        "ELSE NULL END"
    )
    op.execute(
        "UPDATE items SET originator = "
        "(SELECT item_versions.originator FROM item_versions "
        "WHERE item_versions.id = items.current_version_id)"
    )
    op.execute(
        "INSERT INTO sections (name, first_at) "
        "SELECT section, MIN(first_seen_at) FROM items GROUP BY section"
    )


def downgrade() -> None:
    op.drop_table("site_meta")
    op.drop_table("changes")
    op.drop_table("sections")
    op.drop_index("ix_item_versions_received_at", table_name="item_versions")
    for name in (
        "outranked_at",
        "public_from",
        "originator_listing",
        "source_listing",
        "section_listing",
        "listing",
    ):
        op.drop_index(f"ix_items_{name}", table_name="items")
    op.create_index("ix_items_state_published_at", "items", ["state", "published_at"])
    op.create_index(
        "ix_items_section_state_published_at", "items", ["section", "state", "published_at"]
    )
    op.create_index(
        "ix_items_source_id_state_published_at", "items", ["source_id", "state", "published_at"]
    )
    with op.batch_alter_table("items") as t:
        t.drop_column("originator")
        t.drop_column("outranked_at")
        t.drop_column("public_from")
