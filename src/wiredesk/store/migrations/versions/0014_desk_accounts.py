"""The desk's people, their sessions and sign-in attempts; an append-only audit log.

`desk_users`, `desk_sessions` and `desk_signins` back the editors' desk (docs/desk.md). The
audit log takes the desk's own acts too (a sign-in, a user added): `item_id` may be NULL,
and `address` and `subject` say from where and about whom. From now on the log is
append-only in the database itself, not only by the code's habit: a trigger refuses every
UPDATE and DELETE (and, on PostgreSQL, TRUNCATE), so neither a bug nor a person with SQL
access can quietly rewrite what the desk did.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from wiredesk.store.schema import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_log is append-only: its entries are never changed or deleted"

_SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
)
_PG_TRIGGERS = (
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'restrict_violation'; END $$""",
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as t:
        t.alter_column("item_id", existing_type=sa.Integer(), nullable=True)
        t.add_column(sa.Column("address", sa.Text()))
        t.add_column(sa.Column("subject", sa.Text()))
    op.create_index("ix_audit_log_subject_at", "audit_log", ["subject", "at"])
    # after the batch above: SQLite's batch mode copies the table, and a copy has no triggers
    for statement in _SQLITE_TRIGGERS if _sqlite() else _PG_TRIGGERS:
        op.execute(statement)

    op.create_table(
        "desk_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_desk_users"),
        sa.UniqueConstraint("name", name="uq_desk_users_name"),
    )
    op.create_table(
        "desk_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_secret", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("address", sa.Text()),
        sa.Column("user_agent", sa.Text()),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["desk_users.id"],
            name="fk_desk_sessions_user_id_desk_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id_hash", name="pk_desk_sessions"),
    )
    op.create_index("ix_desk_sessions_user_id", "desk_sessions", ["user_id"])
    op.create_table(
        "desk_signins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_desk_signins"),
    )
    op.create_index("ix_desk_signins_name_at", "desk_signins", ["name", "at"])
    op.create_index("ix_desk_signins_address_at", "desk_signins", ["address", "at"])


def downgrade() -> None:
    op.drop_index("ix_desk_signins_address_at", table_name="desk_signins")
    op.drop_index("ix_desk_signins_name_at", table_name="desk_signins")
    op.drop_table("desk_signins")
    op.drop_index("ix_desk_sessions_user_id", table_name="desk_sessions")
    op.drop_table("desk_sessions")
    op.drop_table("desk_users")
    if _sqlite():
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    # the desk's own entries have no copy; the older schema cannot hold them
    op.execute("DELETE FROM audit_log WHERE item_id IS NULL")
    op.drop_index("ix_audit_log_subject_at", table_name="audit_log")
    with op.batch_alter_table("audit_log") as t:
        t.drop_column("subject")
        t.drop_column("address")
        t.alter_column("item_id", existing_type=sa.Integer(), nullable=False)


def _sqlite() -> bool:
    return bool(op.get_bind().dialect.name == "sqlite")
