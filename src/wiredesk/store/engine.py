"""Engines and migrations: SQLite (WAL) by default, PostgreSQL by URL.

Both engines get the same schema through the same Alembic migrations, so a site can move
from one box to PostgreSQL without a second code path.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from wiredesk.errors import WiredeskError


def engine_url(url: str) -> str:
    """Let people write plain `postgresql://`; we speak to it through psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    real = make_url(engine_url(url))
    if real.get_backend_name() == "sqlite":
        if real.database and real.database != ":memory:":
            try:
                Path(real.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise WiredeskError(
                    f"database {real.database}: cannot create its folder ({e.strerror}); "
                    "check site.data_dir or site.database"
                ) from None
        engine = create_engine(real, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(real, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL lets the site read while ingest writes; foreign keys are off by default in SQLite."""
    cur = dbapi_conn.cursor()
    # Pages of 16 KB for a new database (an existing one keeps its size): a version's body
    # (~8 KB of HTML and as much text in UTF-8) then fits in one or two pages instead of a
    # chain of 4 KB overflow pages; bench/ingest.py saved ~20 µs per item with it.
    cur.execute("PRAGMA page_size=16384")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


# The newest migration (`migrations/versions/`); a test holds it equal to Alembic's head.
HEAD_REVISION = "0006"


def at_head(engine: Engine) -> bool:
    """Is the database at the newest schema? One query, no Alembic."""
    with engine.connect() as conn:
        try:
            revisions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except DBAPIError:  # no alembic_version table: a new database
            return False
    return [r[0] for r in revisions] == [HEAD_REVISION]


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema; safe to call at every start.

    Alembic (about 12 MB once imported) is loaded only when there is something to migrate:
    every start of an up-to-date database is one query, and a long-running process does not
    carry Alembic for nothing.
    """
    if at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("wiredesk.store") / "migrations"))
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # pysqlite runs DDL outside any transaction unless told: a crash (or a kill) in the
            # middle of the first start would leave half the tables and no alembic_version,
            # and every later start would fail on "table already exists". One explicit
            # transaction makes a migration all or nothing, as on PostgreSQL.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
