"""`/health` in cluster mode: the job queue's workers and lag, read from procrastinate's
tables on the real PostgreSQL (the workers themselves: tests/cluster/)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import procrastinate
import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from wiredesk.cluster.queue import conninfo
from wiredesk.config import parse_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

pytestmark = pytest.mark.postgres


def test_a_database_without_a_queue_reports_no_jobs(store: Database, tmp_path: Path) -> None:
    """SQLite has no queue; on PostgreSQL the tables are there (migration 0021), and a site
    run by `wiredesk run` has no worker and no job: reported, never "stuck"."""
    settings = parse_settings({"site": {"base_url": "https://news.example"}}, tmp_path / "w.toml")
    body = TestClient(site_app(settings, store)).get("/health").json()
    assert body["status"] == "ok"
    if store.dialect == "sqlite":
        assert "jobs" not in body
    else:
        jobs = body["jobs"]
        assert (jobs["workers"], jobs["waiting"], jobs["stuck"]) == ([], {}, False)


def test_jobs_waiting_with_no_worker_alive_make_the_site_degraded(
    pg_schema_url: str, tmp_path: Path
) -> None:
    store = Database.open(pg_schema_url)
    settings = parse_settings(
        {"site": {"base_url": "https://news.example", "database": pg_schema_url}},
        tmp_path / "w.toml",
    )
    asyncio.run(_queue_a_poll_and_start_a_worker(pg_schema_url))
    client = TestClient(site_app(settings, store))
    try:
        fresh = client.get("/health").json()
        assert fresh["status"] == "ok"
        assert fresh["jobs"]["waiting"] == {"wiredesk.poll": 1}
        assert fresh["jobs"]["workers_alive"] == 1
        with store.engine.begin() as conn:  # the job has waited two minutes; the worker died
            conn.execute(text("UPDATE procrastinate_events SET at = now() - interval '2 min'"))
            conn.execute(
                text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '5 min'")
            )
        stuck = client.get("/health").json()
        assert stuck["status"] == "degraded"
        assert stuck["jobs"]["stuck"] is True and stuck["jobs"]["lag_seconds"] >= 120
        assert [w["alive"] for w in stuck["jobs"]["workers"]] == [False]
    finally:
        client.close()
        store.close()


async def _queue_a_poll_and_start_a_worker(url: str) -> None:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
    async with app.open_async():
        await app.configure_task("wiredesk.poll").defer_async(source_id="wire")
        await app.job_manager.register_worker()
