"""Many rows into one table with one statement, with the per-row work done once per batch.

`conn.execute(insert(table), rows)` is right everywhere, but for each row SQLAlchemy builds
a parameter dict from the compiled statement and runs every column's bind processor through
its wrappers, for every one of a version row's many columns and every story of a poll. Here
the statement text, the column order and the processors that are not no-ops are worked out
once per (table, columns, dialect), and each row becomes a tuple with the processors applied
directly; the driver then gets one `executemany`.

The processors are SQLAlchemy's own (`TypeEngine.dialect_impl(dialect).bind_processor`), so
what is stored is exactly what `insert(table)` would store; a test holds the two equal on
SQLite and PostgreSQL. Python-side scalar defaults are filled in as SQLAlchemy would; a table
whose missing columns have other defaults (callables, SQL expressions) goes through
`insert(table)`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Insert, Table, func, insert, select, text

_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    values: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]
    constants: tuple[Any, ...]  # scalar defaults of the columns the rows leave out


_PLANS: dict[tuple[str, tuple[str, ...], str], _Plan | None] = {}


def _plan(conn: Connection, table: Table, names: tuple[str, ...]) -> _Plan | None:
    dialect = conn.dialect
    key = (table.name, names, dialect.name)
    if key in _PLANS:
        return _PLANS[key]
    plan = None
    mark = _PLACEHOLDER.get(dialect.paramstyle)
    left_out = [c for c in table.columns if c.name not in names]
    defaults = [c.default for c in left_out if c.default is not None]
    if (
        mark is not None
        and len(names) > 1
        and all(n in table.columns for n in names)
        and all(getattr(d, "is_scalar", False) for d in defaults)
    ):
        filled = [c for c in left_out if c.default is not None]
        columns = [table.columns[n] for n in names] + filled
        processors = tuple(
            (i, p)
            for i, c in enumerate(columns)
            if (p := c.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        )
        preparer = dialect.identifier_preparer
        sql = (
            f"INSERT INTO {preparer.format_table(table)} "
            f"({', '.join(preparer.format_column(c) for c in columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})"
        )
        constants = tuple(c.default.arg for c in filled)  # type: ignore[union-attr]
        plan = _Plan(sql, itemgetter(*names), processors, constants)
    _PLANS[key] = plan
    return plan


def insert_many(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in one executemany."""
    if not rows:
        return
    plan = _plan(conn, table, tuple(rows[0]))
    if plan is None:
        conn.execute(insert(table), list(rows))
        return
    values, processors, constants = plan.values, plan.processors, plan.constants
    if not (processors or constants):
        params = list(map(values, rows))
    else:
        params = []
        for row in rows:
            v = [*values(row), *constants]
            for i, process in processors:
                v[i] = process(v[i])
            params.append(tuple(v))
    conn.exec_driver_sql(plan.sql, params)


def on_conflict_do_nothing(conn: Connection, table: Table) -> Insert:
    """`INSERT … ON CONFLICT DO NOTHING` in the connection's dialect (SQLite and PostgreSQL
    spell it alike; SQLAlchemy has it per dialect): a row that would break a unique
    constraint is skipped, and `RETURNING` then gives no row, in one round trip."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


@contextlib.contextmanager
def pipelined(conn: Connection) -> Iterator[None]:
    """PostgreSQL: the block's statements go to the server without waiting for each one's
    answer (psycopg's pipeline mode), and the block's end waits for them all: one round trip
    for several writes, where a round trip is most of what a small write costs. Only for
    statements whose results nothing reads (inserts, updates): SQLAlchemy reads a
    statement's columns as soon as it is sent, which pipeline mode does not give yet. An error
    in any of them is raised at the block's end, by the driver, unwrapped. SQLite: nothing
    to save, the statements run as they come."""
    dbapi_conn = conn.connection.dbapi_connection
    pipeline = getattr(dbapi_conn, "pipeline", None)
    if conn.dialect.name != "postgresql" or pipeline is None:
        yield
        return
    with pipeline():
        yield


def begin_write(conn: Connection) -> None:
    """Take the database's write lock at the start of the caller's transaction (SQLite:
    `BEGIN IMMEDIATE`; PostgreSQL locks rows, not the database, and needs nothing here), so
    that what the transaction reads before it writes, the largest ids above all, stays true
    until it commits. Call it first thing in a `begin()` block."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def next_ids_of(conn: Connection, wanted: Sequence[tuple[Table, int]]) -> list[list[int]]:
    """For each (table, count): the ids the database would give `count` rows inserted into
    the table now, in order, so that rows naming each other (a copy, its story, its first
    version) are each written once instead of inserted and then updated.

    SQLite gives a new row the largest id plus one; the caller's transaction must hold the
    write lock (`begin_write`) so that no other writer takes the same ids. PostgreSQL: the
    next values of each id column's sequence, all tables in one statement (a round trip to
    the server is most of what a one-item push costs there).
    """
    if conn.dialect.name == "sqlite":
        out: list[list[int]] = []
        for table, count in wanted:
            top = (conn.execute(select(func.max(table.c.id))).scalar() or 0) if count > 0 else 0
            out.append(list(range(top + 1, top + 1 + max(count, 0))))
        return out
    parts = [
        f"SELECT {i} AS k, nextval(pg_get_serial_sequence(:t{i}, 'id')) AS v "
        f"FROM generate_series(1, :n{i})"
        for i, (_, count) in enumerate(wanted)
        if count > 0
    ]
    found: list[list[int]] = [[] for _ in wanted]
    if not parts:
        return found
    params: dict[str, Any] = {}
    for i, (table, count) in enumerate(wanted):
        params[f"t{i}"], params[f"n{i}"] = table.name, count
    for k, v in conn.execute(text(" UNION ALL ".join(parts)), params):
        found[int(k)].append(int(v))
    return [sorted(ids) for ids in found]
