"""PostgreSQL: finer statistics of the search keys' words, so search can tell a rare word
from a common one.

Search on PostgreSQL reads a query's matches one of two ways (store/public/search.py): walking
the key table's primary key from the newest key, testing each key's words, for words many
copies have; or the GIN index's bitmap of every match, sorted by id, for rarer ones (and a
word no copy has, which the index alone answers). It chooses on the planner's estimate of the
matches, which comes from ANALYZE's list of the `words` column's most common lexemes: ten
times the column's statistics target of them. At the default target (100) that list ended at
words in 4 % of the copies of the bench's wire archive, and every word below was guessed at
half a per cent: a word in 3 % of a million copies (हिंदी) was then read as 30,000 rows
through the bitmap instead of about 1,300 keys walked. At 500 the list reaches words in about
0.2 % of the copies. ANALYZE of the key table then samples 150,000 keys instead of 30,000
(about two seconds more, whatever the archive's size, at each statistics refresh).

SQLite: nothing (FTS5 needs no statistics to read a word's list newest first).

Revision ID: 0019
Revises: 0018
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

WORDS_STATISTICS = 500


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute(f"ALTER TABLE search_keys ALTER COLUMN words SET STATISTICS {WORDS_STATISTICS}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE search_keys ALTER COLUMN words SET STATISTICS -1")
