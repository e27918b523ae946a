"""`insert_many` must store exactly what `insert(table)` stores, on both engines: it replaces
SQLAlchemy's per-row work on the hottest writes of ingest, not its meaning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from wiredesk.store.bulk import begin_write, insert_many, next_ids_of
from wiredesk.store.database import Database
from wiredesk.store.schema import UTCDateTime

meta = MetaData()
sample = Table(
    "bulk_sample",
    meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("k", String(16), nullable=False),
    Column("n", Integer),
    Column("text", Text, nullable=False, default=""),
    Column("at", UTCDateTime),
    Column("flag", Boolean, nullable=False, default=False),
    Column("blob", LargeBinary),
    Column("json", Text, nullable=False, default="[]"),
)
with_callable_default = Table(
    "bulk_callable",
    meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("k", String(16), nullable=False),
    Column("made", Text, default=lambda: "made by python"),
)

IST = timezone(timedelta(hours=5, minutes=30))


def _rows(prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "k": f"{prefix}{i}",
            "n": i if i % 3 else None,
            "at": datetime(2026, 2, 5, 15, 30, 0, 250 * i, IST) if i % 2 else None,
            "blob": bytes([i, 0, 255]) if i % 4 else None,
            "flag": bool(i % 2),
        }
        for i in range(7)
    ]


def _stored(store: Database, prefix: str) -> list[tuple[Any, ...]]:
    """Rows as the database holds them (raw, not through the types)."""
    with store.engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "SELECT k, n, text, at, flag, blob, json FROM bulk_sample WHERE k LIKE "
            + ("?" if store.engine.dialect.paramstyle == "qmark" else "%s")
            + " ORDER BY id",
            (f"{prefix}%",),
        ).all()
    return [(r[0][len(prefix) :], *r[1:]) for r in raw]


def test_rows_are_stored_exactly_as_insert_stores_them(store: Database) -> None:
    meta.create_all(store.engine)
    with store.engine.begin() as conn:
        conn.execute(insert(sample), _rows("a"))
        insert_many(conn, sample, _rows("b"))
    theirs, ours = _stored(store, "a"), _stored(store, "b")
    assert len(ours) == 7
    assert ours == theirs
    with store.engine.connect() as conn:
        back = conn.execute(select(sample.c.at).where(sample.c.k == "b1")).scalar_one()
    assert back == datetime(2026, 2, 5, 10, 0, 0, 250, UTC)  # aware UTC, as the store promises


def test_a_naive_time_is_refused_as_insert_refuses_it(store: Database) -> None:
    meta.create_all(store.engine)
    row = {**_rows("c")[1], "at": datetime(2026, 2, 5, 10)}
    with pytest.raises(Exception, match="naive datetime"), store.engine.begin() as conn:
        insert_many(conn, sample, [row])


def test_a_table_with_a_python_made_default_goes_through_insert(store: Database) -> None:
    meta.create_all(store.engine)
    with store.engine.begin() as conn:
        insert_many(conn, with_callable_default, [{"k": "x"}, {"k": "y"}])
        made = conn.execute(select(with_callable_default.c.made)).scalars().all()
    assert made == ["made by python", "made by python"]


def test_nothing_to_insert_is_no_statement(store: Database) -> None:
    with store.engine.begin() as conn:
        insert_many(conn, sample, [])  # the table does not even exist: nothing was sent


def test_ids_chosen_beforehand_are_the_ids_rows_then_get(store: Database) -> None:
    """`next_ids_of` for two tables at once (one statement on PostgreSQL) gives, per table,
    the ids rows inserted without an id would have got: a copy, its story and its version
    name each other by these ids before any is written."""
    meta.create_all(store.engine, tables=[sample, with_callable_default])
    with store.engine.begin() as conn:
        begin_write(conn)
        insert_many(conn, sample, _rows("before"))  # the ids have moved on from 1
        ids_a, nothing, ids_b = next_ids_of(
            conn, [(sample, 3), (with_callable_default, 0), (with_callable_default, 2)]
        )
        assert nothing == []
        insert_many(conn, sample, [{"id": i, **r} for i, r in zip(ids_a, _rows("a"), strict=False)])
        conn.execute(insert(with_callable_default), [{"id": i, "k": f"b{i}"} for i in ids_b])
        after_a = conn.execute(insert(sample).values(k="next")).inserted_primary_key[0]
    assert ids_a == sorted(ids_a) and len(set(ids_a)) == 3
    assert ids_a[0] > 7  # after the seven rows written before
    assert len(ids_b) == 2 and ids_b == sorted(ids_b)
    assert after_a > ids_a[-1]  # the database's own next id comes after them: no clash
