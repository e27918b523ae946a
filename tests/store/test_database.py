from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.store.store_support import T0, envelope, wire_item
from wiredesk.errors import WiredeskError
from wiredesk.model import SOURCE_MODE
from wiredesk.store import database, job_queue, operator
from wiredesk.store.database import BACKSTOP_CHECKPOINT_PAGES, Database, make_engine
from wiredesk.store.ledger import copies, envelopes, visibility
from wiredesk.store.public.gate import DuplicatePolicy
from wiredesk.store.public.reader import PublicReader, Scope
from wiredesk.store.public.views import SearchQuery
from wiredesk.store.schema import SEARCH_INDEX_OBJECTS, metadata
from wiredesk.text.search_keys import parse_query


def test_migrations_create_every_table_of_the_schema(store: Database) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert set(metadata.tables) <= names


def test_times_come_back_aware_utc(store: Database) -> None:
    env = envelope(store)
    copies.save(store, "ians", [wire_item()], env, now=T0)
    [story] = PublicReader(store).list_copies(T0 + timedelta(minutes=1))
    assert story.published_at == T0 and story.published_at.tzinfo is not None


def test_migrations_match_the_schema_the_code_uses(store: Database) -> None:
    """A column added to schema.py without a migration would fail here, not in production.
    The search index is each database's own (an FTS5 table, a generated tsvector column) and
    not in the metadata: it is left out by name (`SEARCH_INDEX_OBJECTS`); so is the job queue's
    schema on PostgreSQL (procrastinate's, `store.job_queue`)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def ours(_obj: object, name: str | None, *_: object) -> bool:
        return name not in SEARCH_INDEX_OBJECTS and not (name or "").startswith(job_queue.PREFIX)

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": ours})
        diffs = compare_metadata(context, metadata)
    assert diffs == []


def test_times_keep_their_stored_form_and_come_back_as_aware_utc(store: Database) -> None:
    """Databases written by earlier versions hold SQLAlchemy's DATETIME text; the store
    must keep writing exactly that on SQLite (it compares times as text), and hand back
    aware UTC times on both engines."""
    ist = timezone(timedelta(hours=5, minutes=30))
    sent = datetime(2026, 2, 5, 15, 30, 0, 250, ist)
    copies.save(store, "ians", [wire_item(published_at=sent)], envelope(store))
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


def test_a_database_behind_head_is_migrated_at_the_next_start_with_its_data(
    db_url: str,
) -> None:
    """A site stored before migration 0007 gets the gate's columns filled from what its rows
    say (and its sections and originators), and at the next start its lead ranking: its
    pages then show exactly what they showed before."""
    from alembic import command
    from alembic.config import Config

    from wiredesk.store.database import at_head, migrate

    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("wiredesk.store") / "migrations"))
    t0, t1, t2 = (T0 + timedelta(minutes=m) for m in (0, 10, 20))
    naive = {"t0": t0.replace(tzinfo=None), "t1": t1.replace(tzinfo=None)}
    naive["t2"] = t2.replace(tzinfo=None)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
            conn.execute(
                text(
                    "INSERT INTO envelopes (id, source_id, transport, location, sha256, size, "
                    "received_at, status, item_count) "
                    "VALUES (1, 'ians', 'push', 'x', 'ab', 1, :t0, 'processed', 4)"
                ),
                naive,
            )
            rows = [  # id, guid, state, pub_status, embargo, killed, story
                (1, "plain", "published", "usable", None, None, 1),
                (2, "embargoed", "published", "usable", ":t2", None, 2),
                (3, "killed", "published", "usable", None, ":t1", 3),
                (4, "held", "held", "usable", None, None, 4),
                (5, "copy", "published", "usable", None, None, 1),  # a second copy of story 1
            ]
            for iid, guid, state, status, embargo, killed, story in rows:
                conn.execute(
                    text(
                        "INSERT INTO items (id, short_id, source_id, guid, slug, section, state, "
                        "version_count, published_at, first_seen_at, pub_status, embargo_until, "
                        f"killed_at, kill_manual, story_id, current_version_id) VALUES ({iid}, "
                        f"'s{iid}', 'ians', '{guid}', 'x', 'desh', '{state}', 1, "
                        f"{':t1' if iid == 5 else ':t0'}, :t0, '{status}', {embargo or 'NULL'}, "
                        f"{killed or 'NULL'}, false, {story}, {iid})"
                    ),
                    naive,
                )
                conn.execute(
                    text(
                        "INSERT INTO item_versions (id, item_id, version, content_hash, "
                        "envelope_id, received_at, headline, summary, body_html, body_text, "
                        "categories, pub_status, signals, subjects, keywords, provenance, "
                        f"images, originator) VALUES ({iid}, {iid}, 1, 'h{iid}', 1, :t0, 'h', "
                        "'', '<p>x</p>', 'x', '[]', 'usable', '[]', '[]', '[]', '[]', '[]', "
                        f"{'NULL' if iid != 1 else chr(39) + 'चाइना मीडिया ग्रुप' + chr(39)})"
                    ),
                    naive,
                )
            for story in (1, 2, 3, 4):
                conn.execute(
                    text(
                        f"INSERT INTO stories (id, lead_item_id, created_at) VALUES ({story}, "
                        f"{story}, :t0)"
                    ),
                    naive,
                )
        assert not at_head(engine)
        migrate(engine)
        assert at_head(engine)
    finally:
        engine.dispose()
    db = Database.open(db_url)
    try:
        visibility.adopt_policy(db, DuplicatePolicy("link"))  # as every start does
        reader = PublicReader(db)
        now = T0 + timedelta(hours=1)
        assert [c.guid for c in reader.list_copies(now)] == ["embargoed", "plain"]
        assert [c.guid for c in reader.list_copies(T0 + timedelta(minutes=15))] == ["plain"]
        assert reader.copy_status("s5", now) == "public"  # its own page still opens
        assert reader.copy_status("s3", now) == "killed"
        assert reader.copy_status("s4", now) == "hidden"
        assert reader.nav_sections(now) == ["desh"]
        assert reader.has_copies(now, Scope(originator="चाइना मीडिया ग्रुप"))
        # migration 0010 made every stored copy's search key: search finds what lists show
        found = reader.search(now, SearchQuery(parse_query("H")), size=10).copies
        assert sorted(c.guid for c in found) == ["embargoed", "plain"]
        found = reader.search(now, SearchQuery(parse_query("h"), originator="चाइना मीडिया ग्रुप"))
        assert [c.guid for c in found.copies] == ["plain"]
        # migration 0018: every copy stored before routing rules was decided by its source's mode
        decided = {r.guid: r.decided_by for r in operator.copy_statuses(db, now)}
        assert decided == dict.fromkeys(
            ("plain", "embargoed", "killed", "held", "copy"), SOURCE_MODE
        )
    finally:
        db.close()


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


def test_processes_opening_a_new_sqlite_file_together_all_open_it(tmp_path: Path) -> None:
    """Each switches the new file to WAL; SQLite answers the losers "database is locked"
    without waiting (CI saw one of two `ingest --once` exit 2 on it). Eight processes, a few
    rounds: every one opens the database, migrated once."""
    import subprocess
    import sys

    code = "import sys; from wiredesk.store.database import Database; Database.open(sys.argv[1])"
    for round_ in range(4):
        url = f"sqlite:///{tmp_path / f'round{round_}.db'}"
        children = [
            subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True)
            for _ in range(8)
        ]
        for child in children:
            _, err = child.communicate(timeout=120)
            assert child.returncode == 0, err[-2000:]
        with sqlite3.connect(tmp_path / f"round{round_}.db") as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert raw.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


def test_a_postgresql_url_without_the_driver_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """psycopg is an extra (`wiredesk[postgres]`): a site on SQLite installs nothing more, and
    one pointed at PostgreSQL without it is told what to install, not given a traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(WiredeskError, match=r"pip install 'wiredesk\[postgres\]'"):
        make_engine("postgresql://postgres@127.0.0.1:5432/test")


def test_a_serving_process_leaves_sqlite_checkpoints_to_its_background_task(
    tmp_path: Path,
) -> None:
    """With checkpoints in the background, writes leave their pages in the log (copying the
    log back made every few pushes wait) until `checkpoint()` copies them into the database
    file; a backstop keeps the log from growing without bound should the task stop."""
    path = tmp_path / "wiredesk.db"

    def copies_in_the_database_file() -> int:
        """What the main file holds, the log not read (`immutable`)."""
        conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
        finally:
            conn.close()

    db = Database.open(f"sqlite:///{path}")
    db.checkpoint_in_background()
    with db.engine.connect() as conn:
        limit = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert limit == BACKSTOP_CHECKPOINT_PAGES
    db.checkpoint()
    env = envelope(db)
    for n in range(20):  # twenty small writes, as twenty pushes would be
        copies.save(db, "ians", [wire_item(guid=f"g{n}", headline=f"h{n}")], env)
    assert len(PublicReader(db).list_copies(T0 + timedelta(hours=1), limit=50)) == 20
    assert copies_in_the_database_file() == 0  # all still in the log
    db.checkpoint()
    assert copies_in_the_database_file() == 20
    db.close()


def _close_from_the_server(store: Database) -> None:
    """What a PostgreSQL restart (or an idle timeout) does to the pool's connections."""
    with store.engine.connect() as conn:
        mine = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = make_engine(store.engine.url.render_as_string(hide_password=False))
    with admin.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(mine)})")
    admin.dispose()


@pytest.mark.postgres
def test_a_connection_the_server_closed_while_pooled_is_replaced_before_use(
    pg_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection idle in the pool for a while is checked before use: after a server
    restart the next page or push gets a fresh connection, not an error."""
    store = Database(make_engine(pg_schema_url))
    try:
        _close_from_the_server(store)
        monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)  # as if it had waited long
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        store.close()


@pytest.mark.postgres
def test_a_connection_that_died_just_after_use_fails_once_then_the_pool_is_fresh(
    pg_schema_url: str,
) -> None:
    """A connection given back a moment ago is trusted without a round trip; if the server
    closed it meanwhile, that one statement fails and every older pooled connection is
    discarded with it, so the next one works."""
    store = Database(make_engine(pg_schema_url))
    try:
        _close_from_the_server(store)
        with pytest.raises(DBAPIError), store.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        store.close()


@pytest.mark.postgres
def test_writes_stay_prepared_across_reads_and_an_unfinished_write_still_rolls_back(
    pg_schema_url: str,
) -> None:
    """psycopg prepares a statement once it has run five times on a connection, and forgets
    every prepared statement when the connection rolls back. A read in a transaction left to
    the connection's close (the WebSub subscriptions read after each push) ends in COMMIT, so
    the writes around it are prepared and stay so; a transaction that wrote and was not
    committed still rolls back, and so does one that failed."""
    store = Database(make_engine(pg_schema_url))
    try:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE pushes (n integer)")
        for n in range(8):
            with store.engine.begin() as conn:
                conn.execute(text("INSERT INTO pushes (n) VALUES (:n)"), {"n": n})
            with store.engine.connect() as conn:  # a read, ended by the close
                conn.execute(text("SELECT count(*) FROM pushes")).scalar()
        with store.engine.connect() as conn:  # the pool hands back the same connection
            prepared = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_prepared_statements WHERE starts_with(statement, 'INSERT')"
            ).scalar()
        assert prepared == 1
        with store.engine.connect() as conn:  # prepared, yet planned for its own values
            assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_custom_plan"
        with store.reader_engine.connect() as conn:  # pages: search binds what decides
            assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"
        with store.engine.connect() as conn:  # a write never committed
            conn.execute(text("INSERT INTO pushes (n) VALUES (:n)"), {"n": 99})
        with store.engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text("INSERT INTO pushes (n) VALUES (:n)"), {"n": 100})
            conn.exec_driver_sql("SELECT no_such_column FROM pushes")
        with store.engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT array_agg(n ORDER BY n) FROM pushes").scalar()
        assert kept == list(range(8))
    finally:
        store.close()


def test_a_big_site_s_copies_are_analyzed_often_and_unprocessed_payloads_indexed(
    store: Database,
) -> None:
    """Migration 0023: PostgreSQL analyzes `items` every 5,000 changed rows however large it
    is (by default a tenth of the table: a new source unknown to the planner for a hundred
    thousand writes at a million copies), and the payloads not processed yet have an index
    of their own, which the workers' look every half minute reads instead of every envelope."""
    indexes = {ix["name"] for ix in inspect(store.engine).get_indexes("envelopes")}
    assert "ix_envelopes_unprocessed" in indexes
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            options = conn.exec_driver_sql(
                "SELECT reloptions FROM pg_class WHERE oid = 'items'::regclass"
            ).scalar()
        assert "autovacuum_analyze_threshold=5000" in options
        assert "autovacuum_analyze_scale_factor=0" in options


def test_migration_0010_backfills_search_keys_in_batches(store: Database) -> None:
    """The keys of an archive stored before search are made batch by batch, each copy once,
    and search then finds the copies (on SQLite through the FTS5 triggers, on PostgreSQL
    through the generated column)."""
    import importlib.util

    path = resources.files("wiredesk.store") / "migrations" / "versions" / "0010_search_keys.py"
    spec = importlib.util.spec_from_file_location("migration_0010", str(path))
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    env = envelope(store)
    batch = [wire_item(f"g{n}", headline=f"पुरानी ख़बर {n}") for n in range(5)]
    copies.save(store, "ians", batch, env, now=T0)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM search_keys"))  # as before migration 0010
        if store.dialect == "sqlite":  # at 0010 the index followed the keys by a trigger
            conn.exec_driver_sql(migration._SQLITE_TRIGGERS[0])  # (0016 dropped it)
    reader = PublicReader(store)
    now = T0 + timedelta(hours=1)
    assert reader.search(now, SearchQuery(parse_query("पुरानी"))).copies == []
    migration.BATCH = 2
    with store.engine.begin() as conn:
        assert migration.backfill(conn) == 5
    found = reader.search(now, SearchQuery(parse_query("पुरानी खबर")), size=10).copies
    assert sorted(c.guid for c in found) == [f"g{n}" for n in range(5)]
    assert [c.guid for c in reader.search(now, SearchQuery(parse_query("3"))).copies] == ["g3"]


@pytest.fixture
def new_pg_database(pg_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database of its own (advisory locks are per database, so no
    other test's migrations share the lock this one holds), dropped afterwards."""
    name = f"wiredesk_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_two_processes_migrating_a_new_postgresql_database_take_turns(
    new_pg_database: str,
) -> None:
    """Issue 13, item 5: two `ingest --once` on a new database both found it behind and both
    ran the migrations; the second died on the first's tables (`UniqueViolation` on
    `pg_type_typname_nsp_index`). Each now waits for the migration lock (an advisory lock),
    and the one that waited finds the schema at head and does nothing.

    Made deterministic: the lock is held here while both start, both are seen waiting for it
    in `pg_locks`, then it is let go."""
    engines = [make_engine(new_pg_database) for _ in range(2)]
    results: dict[int, bool | BaseException] = {}

    def migrate(n: int) -> None:
        try:
            results[n] = database.migrate(engines[n])
        except BaseException as e:  # reported below, whatever it was
            results[n] = e

    waiting = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    holder = create_engine(new_pg_database, isolation_level="AUTOCOMMIT")
    threads = [threading.Thread(target=migrate, args=(n,)) for n in range(2)]
    try:
        with holder.connect() as conn:
            conn.execute(text(f"SELECT pg_advisory_lock({database.MIGRATION_LOCK})"))
            for thread in threads:
                thread.start()
            for _ in range(1200):  # a cap against hanging, not a measure
                if conn.execute(waiting).scalar() == 2 or results:
                    break
                time.sleep(0.05)
            assert not results, f"migrated without waiting for the lock: {results}"
            assert conn.execute(waiting).scalar() == 2
            conn.execute(text(f"SELECT pg_advisory_unlock({database.MIGRATION_LOCK})"))
        for thread in threads:
            thread.join(120)
        assert sorted(results.values(), key=str) == [False, True], results
        assert database.at_head(engines[0])
    finally:
        for engine in [*engines, holder]:
            engine.dispose()
