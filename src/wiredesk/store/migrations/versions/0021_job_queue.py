"""PostgreSQL: the job queue of cluster mode (procrastinate's schema).

`wiredesk worker` processes take jobs (polls, payloads to accept, WebSub) from procrastinate's
tables in the site's own database. They are made here, by the migration path every start
runs, rather than by each worker at its start: the migration lock already keeps two starting
processes from making the same objects at once, and an operator upgrades one thing. A
database migrated where procrastinate was not installed gets the tables at a worker's start
(`wiredesk.store.job_queue.apply`).

SQLite: nothing (no job queue: `wiredesk run` does everything in one process).

Revision ID: 0021
Revises: 0020
"""

from alembic import op

from wiredesk.store import job_queue

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    job_queue.apply(op.get_bind())


def downgrade() -> None:
    """The queue's objects are procrastinate's; dropping them loses queued jobs, so it is
    left to an operator (`DROP TABLE procrastinate_jobs CASCADE` and the rest)."""
