"""Alembic environment: always run programmatically by `wiredesk.store.migrate`.

The caller passes an open connection in `config.attributes["connection"]` so migrations run
inside the same engine (and, in tests, the same PostgreSQL schema) the store will use.
"""

from __future__ import annotations

from alembic import context

from wiredesk.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise RuntimeError("run migrations through wiredesk.store.migrate(), not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
