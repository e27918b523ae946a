from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect

from wiredesk.errors import WiredeskError
from wiredesk.model import Envelope, Item, Transport
from wiredesk.store import operator
from wiredesk.store.database import Database, make_engine
from wiredesk.store.ledger import copies, envelopes
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.schema import metadata

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)


def _env(store: Database, payload: bytes = b"<rss/>", source: str = "ians") -> int:
    env_id, _ = envelopes.record(
        store, Envelope(source_id=source, payload=payload, transport=Transport.HTTP, location="x")
    )
    return env_id


def _item(
    guid: str = "g1", headline: str = "शी चिनफिंग की मुलाकात", body: str = "<p>एक</p>", **kw
) -> Item:
    kw.setdefault("published_at", T0)
    return Item(
        guid=guid,
        headline=headline,
        body_html=body,
        body_text=body[3:-4],
        slug="shi-chinfing-ki-mulakat",
        section="videsh",
        **kw,
    )


def test_migrations_create_every_table_of_the_schema(store: Database) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert set(metadata.tables) <= names


def test_times_come_back_aware_utc(store: Database) -> None:
    env = _env(store)
    copies.save(store, "ians", [_item()], env, now=T0)
    [story] = PublicReader(store).list_copies(T0 + timedelta(minutes=1))
    assert story.published_at == T0 and story.published_at.tzinfo is not None


def test_migrations_match_the_schema_the_code_uses(store: Database) -> None:
    """A column added to schema.py without a migration would fail here, not in production."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_times_keep_their_stored_form_and_come_back_as_aware_utc(store: Database) -> None:
    """Databases written by earlier versions hold SQLAlchemy's DATETIME text; the store
    must keep writing exactly that on SQLite (it compares times as text), and hand back
    aware UTC times on both engines."""
    ist = timezone(timedelta(hours=5, minutes=30))
    sent = datetime(2026, 2, 5, 15, 30, 0, 250, ist)
    copies.save(store, "ians", [_item(published_at=sent)], _env(store))
    with store.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT published_at FROM items").scalar_one()
    if store.engine.dialect.name == "sqlite":
        assert raw == "2026-02-05 10:00:00.000250"
    [row] = operator.copy_statuses(store, T0 + timedelta(days=1))
    assert row.published_at == datetime(2026, 2, 5, 10, 0, 0, 250, UTC)
    assert row.published_at.tzinfo is not None


def test_the_head_revision_the_store_checks_is_alembics_head(store: Database) -> None:
    """Starts skip Alembic when the database is at HEAD_REVISION: a migration added without
    moving it would never run."""
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from wiredesk.store.database import HEAD_REVISION, at_head

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("wiredesk.store") / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
    assert at_head(store.engine)  # the store migrated it


def test_a_database_behind_head_is_migrated_at_the_next_start(db_url: str) -> None:
    from wiredesk.store.database import at_head, make_engine, migrate

    engine = make_engine(db_url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # as if the last migration had not been released yet
            conn.exec_driver_sql("DROP INDEX ix_stories_lead_item_id")
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0005'")
        assert not at_head(engine)
        migrate(engine)
        assert at_head(engine)
        assert "ix_stories_lead_item_id" in {
            ix["name"] for ix in inspect(engine).get_indexes("stories")
        }
    finally:
        engine.dispose()


def test_a_new_sqlite_database_has_16_kb_pages_and_an_old_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    """Bigger pages hold a version's body without overflow chains; a database created by an
    earlier wiredesk keeps its page size (changing it would need a VACUUM)."""
    import sqlite3

    new = Database.open(f"sqlite:///{tmp_path / 'new.db'}")
    with new.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar_one() == 16384
    new.engine.dispose()

    old_path = tmp_path / "old.db"
    with sqlite3.connect(old_path) as raw:
        raw.execute("PRAGMA page_size=4096")
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("CREATE TABLE t (x)")
    old = Database.open(f"sqlite:///{old_path}")
    with old.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar_one() == 4096
    assert envelopes.count(old) == 0  # migrated and usable
    old.engine.dispose()


def test_a_postgresql_url_without_the_driver_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """psycopg is an extra (`wiredesk[postgres]`): a site on SQLite installs nothing more, and
    one pointed at PostgreSQL without it is told what to install, not given a traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(WiredeskError, match=r"pip install 'wiredesk\[postgres\]'"):
        make_engine("postgresql://postgres@127.0.0.1:5432/test")
