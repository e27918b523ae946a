"""Listing indexes that lead with the language: every public list is one edition's.

A site publishes each language as an edition of its own (`/` for the site's language, `/en/`
for another), and every list, feed and sitemap of an edition holds only copies in its
language. Reading such a list along an index of (section, published_at, ...) would skip the
other languages' copies one by one, a cost that grows with the share of them in the archive;
with the language first, each edition's list is a range of its own index, walked in page
order as before.

The section, agency and originator indexes are replaced by the same ones led by the
language (a public list of those is always one edition's); `ix_items_listing`, with no
language, stays for operators' lists of every copy (`wiredesk items`). So an ingest writes
one index more than before.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_LISTING = ("published_at", "id", "public_from", "outranked_at")
_SCOPES = ("section", "source_id", "originator")


def upgrade() -> None:
    op.create_index("ix_items_language_listing", "items", ["language", *_LISTING])
    for scope in _SCOPES:
        op.drop_index(f"ix_items_{scope.removesuffix('_id')}_listing", table_name="items")
        op.create_index(
            f"ix_items_language_{scope.removesuffix('_id')}_listing",
            "items",
            ["language", scope, *_LISTING],
        )


def downgrade() -> None:
    for scope in _SCOPES:
        op.drop_index(f"ix_items_language_{scope.removesuffix('_id')}_listing", table_name="items")
        op.create_index(
            f"ix_items_{scope.removesuffix('_id')}_listing", "items", [scope, *_LISTING]
        )
    op.drop_index("ix_items_language_listing", table_name="items")
