"""A page's queries have a time limit and stop when the reader has gone; `/health` says when
pages are slow. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, text
from starlette.testclient import TestClient

from tests.channels.channels_support import Clock, Filler, make_settings, story_item
from wiredesk.channels.web import limits, pages
from wiredesk.channels.web.app import create_app
from wiredesk.store.database import POOL_SIZE, Database
from wiredesk.store.public.deadline import QueryLimit, cancel_all, limit_queries
from wiredesk.store.public.reader import PublicReader

# A query that would run for minutes on either database.
SLOW = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT count(*) FROM n WHERE i < 10000000000",
    "postgresql": "SELECT pg_sleep(600)",
}


def run_limited(store: Database, limit: QueryLimit) -> BaseException | None:
    try:
        with limit_queries(limit), store.engine.connect() as conn:
            conn.execute(text(SLOW[store.dialect]))
    except Exception as e:
        return e
    return None


def test_a_query_past_its_time_stops(store: Database) -> None:
    started = time.monotonic()
    error = run_limited(store, QueryLimit(time.monotonic() + 0.3))
    assert error is not None  # interrupted, not finished
    assert time.monotonic() - started < 10  # the query alone would take minutes


def test_a_cancelled_request_s_query_stops_at_once(store: Database) -> None:
    """What happens when the reader's connection closes, or the process is asked to stop."""
    limit = QueryLimit(time.monotonic() + 600)
    outcome: list[BaseException | None] = []
    worker = threading.Thread(target=lambda: outcome.append(run_limited(store, limit)))
    worker.start()
    time.sleep(0.5)
    assert cancel_all() >= 1
    worker.join(timeout=10)
    assert not worker.is_alive() and outcome and outcome[0] is not None


def test_queries_outside_a_request_are_not_limited(store: Database) -> None:
    """Ingest's writes, and a push's, may take as long as they need."""
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_a_page_whose_queries_run_out_of_time_answers_503(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    fill(story_item(1))
    app = create_app(
        make_settings(tmp_path, "en"), PublicReader(store), clock=clock, request_timeout=0.0
    )
    response = TestClient(app).get("/")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "10"


def test_health_says_degraded_when_pages_are_slow(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(story_item(1))
    client = TestClient(create_app(make_settings(tmp_path, "en"), PublicReader(store), clock=clock))
    client.get("/")
    healthy = client.get("/health").json()
    assert healthy["pages"]["renders_5min"] >= 1 and healthy["pages"]["slow"] is False
    monkeypatch.setattr(pages, "SLOW_QUERY", 0.0)  # as if the home page's query took too long
    slow = client.get("/health")
    assert slow.status_code == 200 and slow.json()["status"] == "degraded"
    assert slow.json()["pages"]["slow"] is True


def test_a_reader_who_leaves_stops_the_page_s_queries(store: Database) -> None:
    """The middleware hears the client go (the request channel says `http.disconnect`) and
    the page's running query stops, instead of finishing for nobody."""
    import anyio

    from wiredesk.channels.web.limits import RenderTimes, RequestLimits

    finished: list[BaseException | None] = []

    async def page(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        def render() -> None:
            with store.engine.connect() as conn:
                conn.execute(text(SLOW[store.dialect]))

        try:
            await anyio.to_thread.run_sync(render)
            finished.append(None)
        except Exception as e:
            finished.append(e)

    async def channel() -> dict[str, object]:
        if not sent:
            sent.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await anyio.sleep(0.5)  # the reader closes the tab
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:  # type: ignore[type-arg]
        pass

    sent: list[bool] = []
    app = RequestLimits(page, RenderTimes(), timeout=600)  # type: ignore[arg-type]
    started = time.monotonic()
    anyio.run(app, {"type": "http", "method": "GET", "path": "/"}, channel, send)
    assert finished and finished[0] is not None  # interrupted, not completed
    assert time.monotonic() - started < 10  # the query alone would take minutes


def test_a_burst_of_uncached_pages_uses_the_connections_the_pool_keeps(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """Forty readers at forty different pages at once (404s: never cached) are rendered a few
    at a time on kept connections; before, forty threads made the pool open a fresh database
    connection for most of them, and a page took tens of milliseconds."""
    fill(story_item(1))
    app = create_app(make_settings(tmp_path, "en"), PublicReader(store), clock=clock)
    opened: list[object] = []

    def note(*_: object) -> None:
        opened.append(1)

    event.listen(store.reader_engine, "connect", note)

    async def forty() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://site") as client:
            paths = [f"/videsh/nothing-{n}-abcdefg{n % 10}" for n in range(40)]
            return list(await asyncio.gather(*(client.get(p) for p in paths)))

    try:
        answers = asyncio.run(forty())
    finally:
        event.remove(store.reader_engine, "connect", note)
    assert {a.status_code for a in answers} == {404}
    # the renders, and the read of other processes' changes that may run beside them
    assert len(opened) <= limits.RENDERS_AT_ONCE + 1 <= POOL_SIZE


def test_a_page_reads_through_one_connection_and_sets_its_time_limit_once(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """A list page reads in several steps (its copies, their other copies, when it next
    changes); each used to take a connection of its own, and on PostgreSQL to set the
    statement timeout before every statement: round trips that were most of a small page's
    time. Now one connection a page, and one timeout for this page and the ones after it,
    every statement still under it."""
    for n in range(1, 4):
        fill(story_item(n))
    app = create_app(
        make_settings(tmp_path, "hi"), PublicReader(store), clock=clock, page_cache=False
    )
    checkouts: list[object] = []
    statements: list[str] = []
    timeouts: list[str] = []

    def checkout(*_: object) -> None:
        checkouts.append(1)

    def statement(conn: object, cursor: object, sql: str, *_: object) -> None:
        statements.append(sql)

    event.listen(store.reader_engine.pool, "checkout", checkout)
    event.listen(store.reader_engine, "before_cursor_execute", statement)
    if store.dialect == "postgresql":  # the SET is sent on the driver's cursor, not through events
        real = store.engine.dialect.dbapi.Cursor.execute  # type: ignore[union-attr]

        def execute(self: object, query: object, *a: object, **k: object) -> object:
            if "statement_timeout" in str(query):
                timeouts.append(str(query))
            return real(self, query, *a, **k)

        store.engine.dialect.dbapi.Cursor.execute = execute  # type: ignore[union-attr]
    try:
        client = TestClient(app)
        home, *again = [client.get("/videsh/") for _ in range(3)]  # a list page
    finally:
        event.remove(store.reader_engine.pool, "checkout", checkout)
        event.remove(store.reader_engine, "before_cursor_execute", statement)
        if store.dialect == "postgresql":
            store.engine.dialect.dbapi.Cursor.execute = real  # type: ignore[union-attr]
    assert home.status_code == 200 and "ख़बर संख्या 3" in home.text
    assert all(page.text == home.text for page in again)
    assert len(statements) >= 9  # each: the list, the other copies, the next change
    assert len(checkouts) == 3  # one a page
    if store.dialect == "postgresql":
        assert len(timeouts) == 1  # kept on the pooled connection for the pages after


def test_a_page_s_time_limit_never_reaches_ingest_s_statements(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    """Pages keep their time limit on their connections (PostgreSQL: the session's statement
    timeout); a write after them, however long, is not cut short by it."""
    fill(story_item(1))
    app = create_app(
        make_settings(tmp_path, "en"),
        PublicReader(store),
        clock=clock,
        page_cache=False,
        request_timeout=0.5,
    )
    client = TestClient(app)
    for _ in range(3):
        assert client.get("/").status_code == 200
    slow = {  # longer than the pages' limit
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 3000000) SELECT count(*) FROM n",
        "postgresql": "SELECT pg_sleep(0.8)",
    }
    with store.engine.begin() as conn:  # as ingest writes: no request, no limit
        conn.execute(text(slow[store.dialect]))
