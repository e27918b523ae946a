"""The audit log is append-only in the database itself: on SQLite and on PostgreSQL, an
UPDATE or DELETE of an entry (and a TRUNCATE on PostgreSQL) is refused, by anyone."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from tests.store.store_support import T0, envelope, wire_item
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial
from wiredesk.store.schema import audit_log, items


def _entry(store: Database) -> None:
    with store.engine.begin() as conn:
        editorial.audit(
            conn, None, "sign-in", "editor asha", None, None, T0, address="10.0.0.1",
            subject="user asha",
        )  # fmt: skip


def test_entries_are_added_and_read_back(store: Database) -> None:
    _entry(store)
    [entry] = operator.desk_entries(store)
    assert (entry.at, entry.action, entry.subject, entry.address) == (
        T0,
        "sign-in",
        "user asha",
        "10.0.0.1",
    )


@pytest.mark.parametrize(
    "change",
    [
        update(audit_log).values(actor="editor someone-else"),
        update(audit_log).values(reason="nothing happened"),
        delete(audit_log),
    ],
    ids=["rewrite-who", "rewrite-why", "delete"],
)
def test_an_entry_cannot_be_changed_or_deleted(store: Database, change: object) -> None:
    _entry(store)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(change)  # type: ignore[call-overload]
    [entry] = operator.desk_entries(store)
    assert entry.actor == "editor asha" and entry.reason is None


def test_truncate_is_refused_on_postgresql(pg_schema_url: str) -> None:
    """SQLite has no TRUNCATE (its unqualified DELETE is refused above)."""
    store = Database.open(pg_schema_url)
    try:
        _entry(store)
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
        assert len(operator.desk_entries(store)) == 1
    finally:
        store.close()


def test_a_copy_with_audit_entries_cannot_be_deleted_behind_the_log(store: Database) -> None:
    """Deleting a copy would delete its entries (the foreign key cascades): refused too."""
    [saved] = copies.save(store, "ians", [wire_item()], envelope(store), now=T0)
    item_id = editorial.find_copy(store, saved.short_id)
    assert item_id is not None
    editorial.kill(store, item_id, reason="legal", actor="editor asha", now=T0)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(delete(items).where(items.c.id == item_id))
    assert [e.action for e in operator.audit_entries(store, item_id)] == ["kill"]
