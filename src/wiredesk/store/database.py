"""The database handle: engines and migrations, SQLite (WAL) by default, PostgreSQL by URL.

Both engines get the same schema through the same Alembic migrations, so a site can move
from one box to PostgreSQL without a second code path. `Database` is what every part of the
store takes: the engine, the site's duplicates policy (part of the visibility gate) and the
listeners told after a write changed what the public may see.
"""

from __future__ import annotations

import contextlib
import logging
import math
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError

from wiredesk.errors import WiredeskError
from wiredesk.store.public import deadline
from wiredesk.store.public.gate import DEFAULT_POLICY, DuplicatePolicy

log = logging.getLogger(__name__)

# Copies written between two refreshes of the planner's statistics (`note_new_copies`).
STATISTICS_EVERY = 20_000
# With checkpoints in the background (`Database.checkpoint_in_background`), a write still
# checkpoints by itself once the log holds this many pages (16 KB each): should the background
# task stop, the log cannot grow without bound.
BACKSTOP_CHECKPOINT_PAGES = 20_000

# Told after a write commits, with the tags of what changed (`store.ledger.changes`).
ChangeListener = Callable[[frozenset[str]], object]


class Database:
    """One database as wiredesk uses it: the engine, the site's duplicates policy, and the
    listeners that want to know when a write changed what the public may see."""

    def __init__(self, engine: Engine, *, policy: DuplicatePolicy = DEFAULT_POLICY) -> None:
        self.engine = engine
        # The site's duplicates policy is part of the visibility gate (store/public/gate.py):
        # the process that opens the database sets it from `[site]`.
        self.policy = policy
        # Names this process's rows in the `changes` log, so its own page caches (told at
        # once through `notify`) skip them when they read the log.
        self.writer_id = uuid.uuid4().hex[:16]
        self._listeners: list[ChangeListener] = []
        self._listeners_lock = threading.Lock()
        self._copies_since_statistics = 0
        # Sections this process has seen stored (rows of `sections` are never deleted): a new
        # copy in one of them needs no look at the table, one round trip less per write.
        self.known_sections: set[str] = set()
        self._reader_engine: Engine | None = None
        # Set while writes fail for a reason of the database's own, a full disk say
        # (store/outage.py), to the line that says so: `/health` answers "down" with it. The
        # writer clears it once a write of its goes through again.
        self.write_outage: str | None = None

    @contextlib.contextmanager
    def reading(self, conn: Connection | None = None) -> Iterator[Connection]:
        """`conn` itself when given (a caller's transaction, which must see its own writes),
        else a connection of the pool for the reads in the `with` block."""
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as own:
            yield own

    @classmethod
    def open(
        cls, url: str, *, run_migrations: bool = True, policy: DuplicatePolicy = DEFAULT_POLICY
    ) -> Database:
        db = cls(make_engine(url), policy=policy)
        if run_migrations and (migrate(db.engine) or not db.has_statistics()):
            db.refresh_statistics()
        return db

    def has_statistics(self) -> bool:
        """Whether the planner has statistics for the copies table at all."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                found = conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
                ).first()
                return found is not None
            stats = conn.exec_driver_sql(
                "SELECT coalesce(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
                "WHERE relname = 'items' AND schemaname = current_schema()"
            ).scalar()
            return stats is not None

    @property
    def reader_engine(self) -> Engine:
        """The engine the public read side uses. On PostgreSQL a pool of its own: a page's
        connection keeps the request time limit as its session's statement timeout
        (`_pg_limit_statement`), which ingest's connections must not have; sharing one pool,
        every handover would cost a round trip to set it and another to take it off. SQLite
        has no such setting (a progress handler stops its statements): the one engine."""
        if self.dialect != "postgresql":
            return self.engine
        with self._listeners_lock:
            if self._reader_engine is None:
                url = self.engine.url.render_as_string(hide_password=False)
                self._reader_engine = make_engine(url, custom_plans=False)
            return self._reader_engine

    def close(self) -> None:
        self.engine.dispose()
        if self._reader_engine is not None:
            self._reader_engine.dispose()

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def refresh_statistics(self) -> None:
        """Bring the planner's statistics up to date (after migrations, at start, after big
        batches): without them SQLite and PostgreSQL can pick a scan of the wrong index, and
        a page's cost then grows with the archive.

        SQLite: `ANALYZE` with a row limit per index (seconds even at a million copies, and
        what SQLite advises over a full one); PostgreSQL: `ANALYZE` of the tables pages read.
        """
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("ANALYZE")
            else:
                conn.exec_driver_sql("ANALYZE items, item_versions, stories, sections, search_keys")
        self._copies_since_statistics = 0

    def checkpoint_in_background(self) -> None:
        """SQLite: from now on the write-ahead log is copied back into the database by
        `checkpoint()`, called from a background task, not by whichever write happens to fill
        it. A long-running process that answers requests (`run`, `serve`) does this: otherwise
        every few pushes one of them waited for a checkpoint of the whole log, tens of
        milliseconds, before it could answer. The automatic checkpoint stays as a backstop at
        a larger size. PostgreSQL: nothing to do."""
        if self.dialect != "sqlite":
            return

        def backstop(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_CHECKPOINT_PAGES}")

        event.listen(self.engine, "connect", backstop)
        self.engine.dispose()  # connections opened before get the setting when reopened

    def checkpoint(self) -> None:
        """Copy what the write-ahead log holds back into the database, without waiting for
        readers or writers (SQLite's PASSIVE checkpoint); PostgreSQL: nothing to do."""
        if self.dialect != "sqlite":
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def note_new_copies(self, count: int) -> None:
        """Count copies written; statistics are refreshed every STATISTICS_EVERY copies."""
        self._copies_since_statistics += count
        if self._copies_since_statistics >= STATISTICS_EVERY:
            try:
                self.refresh_statistics()
            except Exception:  # statistics are an optimization; a failure is logged only
                log.exception("refreshing the planner's statistics failed")

    def on_change(self, listener: ChangeListener) -> None:
        """Call `listener(tags)` after every committed write that changed public content
        (once, however often the same listener is given: a worker's WebSub turns)."""
        with self._listeners_lock:
            if listener not in self._listeners:
                self._listeners.append(listener)

    def notify(self, tags: Iterable[str]) -> None:
        """Tell the listeners; a failing listener is logged and never fails the write."""
        frozen = frozenset(tags)
        if not frozen:
            return
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(frozen)
            except Exception:
                log.exception("a change listener failed")


def engine_url(url: str) -> str:
    """Let people write plain `postgresql://`; we speak to it through psycopg 3."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


# Connections each process keeps open (and may open beyond, briefly, under a burst): the site
# renders at most channels.web.limits.RENDERS_AT_ONCE pages at once, and ingest, pushes and
# `/health` need a few more. A kept SQLite connection keeps its page cache warm.
POOL_SIZE = 8
POOL_OVERFLOW = 8


def make_engine(url: str, *, custom_plans: bool = True, **kwargs: Any) -> Engine:
    """An engine for `url` with wiredesk's settings. On PostgreSQL `custom_plans` has the
    server plan every statement for its own values even once psycopg has prepared it
    (`plan_cache_mode`, see `_pg_connected`): the plans the plan tests pin, not a generic plan
    made for any value (a rare state or a new source read like the average one). The public
    reader's own engine passes False: its statements bind what decides the plan into the text
    itself where it matters (search), and a page render saves the planning."""
    real = make_url(engine_url(url))
    if real.get_backend_name() != "sqlite" or (real.database or ":memory:") != ":memory:":
        kwargs.setdefault("pool_size", POOL_SIZE)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
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
        event.listen(engine, "before_cursor_execute", _sqlite_limit_statement)
        return engine
    if real.get_backend_name() == "postgresql" and real.get_driver_name() == "psycopg":
        try:
            import psycopg  # noqa: F401  (an extra: SQLite sites do not need it)
        except ImportError:
            raise WiredeskError(
                "site.database is a PostgreSQL URL, but the PostgreSQL driver is not "
                "installed; install it with: pip install 'wiredesk[postgres]'"
            ) from None
    kwargs.setdefault("pool_use_lifo", True)
    # beside any options the URL gives (`?options=-csearch_path%3D…`); a reader's engine made
    # from a writer's URL leaves the writer's setting out
    given = real.query.get("options", "")
    given = (given if isinstance(given, str) else " ".join(given)).replace(_CUSTOM_PLANS, "")
    options = " ".join([given.strip(), _CUSTOM_PLANS if custom_plans else ""]).strip()
    real = (
        real.update_query_dict({"options": options})
        if options
        else real.difference_update_query(["options"])
    )
    engine = create_engine(real, **kwargs)
    event.listen(engine.pool, "connect", _pg_connected)
    event.listen(engine.pool, "connect", _note_checkin)  # a new connection needs no check
    event.listen(engine.pool, "checkin", _note_checkin)
    event.listen(engine.pool, "checkout", _ping_if_idle)
    event.listen(engine, "before_cursor_execute", _pg_limit_statement)
    event.listen(engine, "begin", _pg_begun)
    event.listen(engine, "before_cursor_execute", _pg_note_write)
    event.listen(engine, "rollback", _pg_end_reads_with_commit)
    event.listen(engine, "after_cursor_execute", _pg_statement_done)
    event.listen(engine, "handle_error", _pg_statement_failed)
    return engine


_CUSTOM_PLANS = "-c plan_cache_mode=force_custom_plan"

# Statements psycopg keeps prepared on each connection (its default is 100).
PREPARED_MAX = 1000


def _pg_connected(dbapi_conn: Any, _record: Any) -> None:
    """Let psycopg keep the statements a process repeats prepared on the server.

    psycopg prepares a statement once it has run five times on one connection, in a cache of
    100 statements. Every push ran its dozen statements unprepared all the same (PostgreSQL
    parsed and planned each again, a third of each statement's time on the server): the
    pool handed out its connections in turn, so each saw a push's statements only every
    few pushes, and the texts that never repeat (lists of ids of every length) pushed them
    out of the cache before they reached five. So the pool hands out the connection given
    back last (`pool_use_lifo`, which also lets the others go idle), and the cache is larger.
    """
    dbapi_conn.prepared_max = PREPARED_MAX


# In a connection's `info`: whether its transaction has sent anything but a SELECT.
_WROTE = "wiredesk_wrote"


def _pg_begun(conn: Any) -> None:
    conn.info[_WROTE] = False


def _pg_note_write(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
    if not conn.info.get(_WROTE, True) and statement.lstrip()[:6].upper() != "SELECT":
        conn.info[_WROTE] = True


def _pg_end_reads_with_commit(conn: Any) -> None:
    """End a transaction that only read with COMMIT, not ROLLBACK: the same to the server,
    but psycopg forgets every statement it had prepared on a connection that rolls back (a
    rollback might undo the tables they name). A read in a transaction, left to the
    connection's close (the WebSub subscriptions after each push, say), rolled back, and
    with it went the preparing of every push's statements on that connection. A transaction
    that wrote, or failed, still rolls back (SQLAlchemy's own call, right after this one,
    finds nothing left to do otherwise)."""
    if conn.invalidated or conn.info.get(_WROTE, True):  # a lost connection: nothing to end
        return
    dbapi_conn = conn.connection.dbapi_connection
    if dbapi_conn is not None and dbapi_conn.info.transaction_status == _IN_TRANSACTION:
        dbapi_conn.commit()


_IN_TRANSACTION = 2  # psycopg.pq.TransactionStatus.INTRANS: in a transaction, no error


# A pooled PostgreSQL connection idle for longer than this is checked before it is used.
PING_AFTER_IDLE = 2.0
_CHECKED_IN = "wiredesk_checked_in"


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Check a pooled connection before use, as SQLAlchemy's `pool_pre_ping` does, but only
    one that has been idle a while: a server restart or an idle timeout closes connections
    that wait in the pool, not one given back a moment ago. Pinging every checkout was a round
    trip per transaction, on every push and every page render. A connection found dead is
    replaced by a fresh one; one that dies within the idle window fails its statement, and
    SQLAlchemy then discards every connection the pool held before it."""
    checked_in = record.info.get(_CHECKED_IN)
    if checked_in is not None and time.monotonic() - checked_in < PING_AFTER_IDLE:
        return
    try:
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        if not dbapi_conn.autocommit:
            dbapi_conn.rollback()  # idle again, so a reader may switch it to autocommit
    except Exception as e:
        raise DisconnectionError(f"pooled connection is gone: {e}") from e


def _pg_limit_statement(conn: Any, cursor: Any, *_: Any) -> None:
    """Under a request's limit (store/public/deadline.py): the statement gets the time left,
    and can be cancelled.

    In a transaction the time left is set with `SET LOCAL` (it ends with the transaction),
    once per transaction, not before every statement (a round trip each). The public reader
    reads in autocommit (no BEGIN and ROLLBACK to pay for); there it is the session's
    `statement_timeout`, kept on the pooled connection for the requests after, and set back
    to none before anything outside a request uses the connection. Either way it is set again
    only once it gives a twentieth more than the time left: a statement can outlast the
    request's deadline by at most that twentieth.
    """
    limit = deadline.current()
    dbapi_conn = conn.connection.dbapi_connection
    if limit is None:
        if conn.info.get(_SESSION_TIMEOUT) is not None:  # a page's connection, now ingest's
            cursor.execute(_SET_TIMEOUT, ("0",))
            del conn.info[_SESSION_TIMEOUT]
        return
    if limit.exceeded():
        raise deadline.QueryInterrupted("the request's time for queries is up")
    now = time.monotonic()
    left = limit.deadline - now
    if dbapi_conn.autocommit:
        given = conn.info.get(_SESSION_TIMEOUT)  # seconds
        if given is None or not left <= given <= left * 1.05:
            # a little over the time left, so that the next request's full time, a moment
            # later and a little less, still falls within the twentieth: set once, not per page
            remaining = math.ceil(limit.remaining_ms() * 1.04)
            cursor.execute(_SET_TIMEOUT, (str(remaining),))
            conn.info[_SESSION_TIMEOUT] = remaining / 1000
    else:
        transaction = conn.get_transaction()
        given = conn.info.get(_TIMEOUT_SET)
        if (
            given is None
            or given[0] is not transaction
            or given[1] is not limit
            or now - given[2] > given[3] / 20
        ):
            remaining = limit.remaining_ms()
            cursor.execute(_SET_LOCAL_TIMEOUT, (str(remaining),))
            conn.info[_TIMEOUT_SET] = (transaction, limit, now, remaining / 1000)
    with limit.lock:
        limit.running.add(dbapi_conn)


# One statement text whatever the value, with the value bound: a `SET` with the number in its
# text was a new statement each time, which psycopg counted towards preparing and which pushed
# the statements that do repeat out of its cache of prepared statements (`_pg_connected`).
_SET_TIMEOUT = "SELECT set_config('statement_timeout', %s, false)"
_SET_LOCAL_TIMEOUT = "SELECT set_config('statement_timeout', %s, true)"
_SESSION_TIMEOUT = "wiredesk_session_statement_timeout"  # seconds, in conn.info
_TIMEOUT_SET = "wiredesk_statement_timeout"  # (transaction, limit, when, seconds) in conn.info


def _pg_statement_done(conn: Any, *_: Any) -> None:
    limit = deadline.current()
    if limit is not None:
        with limit.lock:
            limit.running.discard(conn.connection.dbapi_connection)


def _pg_statement_failed(context: Any) -> None:
    limit = deadline.current()
    if limit is not None and context.connection is not None:
        with limit.lock:
            limit.running.discard(context.connection.connection.dbapi_connection)


def _sqlite_limit_statement(*_: Any) -> None:
    """A statement of a request whose time is up is not started (one SQLite finishes in fewer
    steps than the progress handler's interval would otherwise run)."""
    limit = deadline.current()
    if limit is not None and limit.exceeded():
        raise deadline.QueryInterrupted("the request's time for queries is up")


def _sqlite_progress() -> int:
    """SQLite calls this every few thousand instructions; non-zero aborts the statement."""
    limit = deadline.current()
    return 1 if limit is not None and limit.exceeded() else 0


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL lets the site read while ingest writes; foreign keys are off by default in SQLite."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")
    # Pages of 16 KB for a new database (an existing one keeps its size): a version's body
    # (~8 KB of HTML and as much text in UTF-8) then fits in one or two pages instead of a
    # chain of 4 KB overflow pages, which bench/ingest.py showed in every item's save.
    cur.execute("PRAGMA page_size=16384")
    _enter_wal(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
    # a request's queries stop when its time is up or it is cancelled (store/public/deadline.py)
    dbapi_conn.set_progress_handler(_sqlite_progress, 4000)


def _enter_wal(cur: Any) -> None:
    """Switch to WAL, waiting for other processes rather than failing on them.

    Two processes opening a new database together both ask for WAL; the switch needs the
    database to itself, and SQLite answers "database is locked" at once, without calling
    the busy handler, when the other holds it (CI met it: one of two `ingest --once` on a
    new SQLite file exited 2). Once either has switched, the mode is stored in the file and
    asking again is a no-op, so a short wait always ends.
    """
    waited = 0.0
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or waited >= 30.0:
                raise
        time.sleep(0.02)
        waited += 0.02


# The newest migration (`migrations/versions/`); a test holds it equal to Alembic's head.
HEAD_REVISION = "0023"


def at_head(engine: Engine) -> bool:
    """Is the database at the newest schema? One query, no Alembic."""
    with engine.connect() as conn:
        try:
            revisions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except DBAPIError:  # no alembic_version table: a new database
            return False
    return [r[0] for r in revisions] == [HEAD_REVISION]


# PostgreSQL's advisory lock key for migrations: one number every wiredesk process agrees on
# (the first eight bytes of sha256("wiredesk migrations"), as a signed 64-bit integer).
MIGRATION_LOCK = -0x71DA5DC691638581


def migrate(engine: Engine) -> bool:
    """Bring the database to the newest schema; safe to call at every start, and from two
    processes at once. Returns whether anything was migrated (by this process).

    Alembic (about 12 MB once imported) is loaded only when there is something to migrate:
    every start of an up-to-date database is one query, and a long-running process does not
    carry Alembic for nothing.

    Two processes started together on a new database both find it behind; both migrating
    failed the second on the first's tables (`UniqueViolation` on `pg_type`). So the
    migration holds a lock for its transaction — PostgreSQL's `pg_advisory_xact_lock`,
    SQLite's write lock (`BEGIN IMMEDIATE`) — and looks again once it has it: the process
    that waited finds the schema at head and does nothing.
    """
    if at_head(engine):
        return False
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
        else:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        if _revision_in(conn) == HEAD_REVISION:  # migrated while this process waited
            return False
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def _revision_in(conn: Connection) -> str | None:
    """The schema's revision, read in `conn`'s transaction without failing it (PostgreSQL
    aborts a transaction on a missing table): None for a new database."""
    if conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
    else:
        found = conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar()
    if found is None:
        return None
    revisions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return revisions[0][0] if len(revisions) == 1 else None
