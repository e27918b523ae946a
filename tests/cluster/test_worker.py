"""`wiredesk worker` and `wiredesk web` as an operator runs them: real subprocesses on the local
PostgreSQL, a feed server on 127.0.0.1, a drop folder and pushes over HTTP."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.cluster.cluster_support import (
    PUSH_TOKEN,
    SERVING,
    STARTED,
    WIREDESK,
    alive,
    answers,
    folder_source,
    free_port,
    http_source,
    push_source,
    running,
    scalar,
    wait_until,
    web,
    worker,
    write_config,
)
from tests.e2e.crash_agency import (
    Version,
    drop_files,
    feed_revisions,
    latest_versions,
    rss,
    serve_changing_feeds,
    write_drops,
)
from wiredesk.store.database import Database

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("command", ["worker", "web"])
def test_cluster_commands_refuse_sqlite_in_one_line(tmp_path: Path, command: str) -> None:
    cfg = write_config(tmp_path, f"sqlite:///{tmp_path / 'wiredesk.db'}", "")
    out = subprocess.run(
        [WIREDESK, command, "--config", str(cfg)], capture_output=True, text=True, check=False
    )
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "needs PostgreSQL" in lines[0] and "`wiredesk run`" in lines[0]


def test_a_worker_polls_a_feed_and_a_drop_folder_and_processes_pushes(
    tmp_path: Path, pg_schema_url: str
) -> None:
    revisions = {"wire": feed_revisions("wire", 2, 10, 5)}
    dropped = drop_files("inbox", 6, 4)
    write_drops(tmp_path / "inbox", dropped)
    pushed = drop_files("pushy", 3, 3)
    port = free_port()
    with serve_changing_feeds(revisions) as feeds:
        cfg = write_config(
            tmp_path,
            pg_schema_url,
            http_source("wire", feeds.url("wire")) + folder_source("inbox") + push_source("pushy"),
        )
        site = web(cfg, tmp_path / "web.log", port)
        one = worker(cfg, tmp_path / "worker.log")
        with running(site, one):
            site.start(SERVING)
            wait_until(lambda: answers(port), "the site to answer", on_wait=site.check_alive)
            replies = [
                httpx.post(
                    f"http://127.0.0.1:{port}/ingest/pushy",
                    content=body,
                    headers={"Authorization": f"Bearer {PUSH_TOKEN}"},
                    timeout=30,
                )
                for body in pushed
            ]
            # stored and queued, before any worker runs
            assert [a.json()["status"] for a in replies] == ["queued"] * 3
            one.start(STARTED)
            db = Database.open(pg_schema_url, run_migrations=False)
            try:

                def copies(source: str) -> int:
                    return scalar(db, f"SELECT count(*) FROM items WHERE source_id = '{source}'")

                def progress() -> dict[str, object]:
                    return {
                        "feed": feeds.finished(),
                        "inbox": copies("inbox"),
                        "pushy": copies("pushy"),
                        "files left": [p for p in (tmp_path / "inbox").iterdir() if p.is_file()],
                    }

                wanted = {
                    "feed": True,
                    "inbox": len(latest_versions(dropped)),
                    "pushy": len(latest_versions(pushed)),
                    "files left": [],
                }
                wait_until(
                    lambda: progress() == wanted,
                    lambda: f"{wanted}, have {progress()}",
                    on_wait=one.check_alive,
                )
                assert copies("wire") == len(latest_versions(revisions["wire"]))
                unprocessed = "SELECT count(*) FROM envelopes WHERE status <> 'processed'"
                wait_until(lambda: scalar(db, unprocessed) == 0, "every payload processed")
            finally:
                db.close()
            feed = httpx.get(f"http://127.0.0.1:{port}/feed.json", timeout=30).json()
            shown = {item["title"].split()[1].rsplit("-", 1)[0] for item in feed["items"]}
            assert shown == {"wire", "inbox", "pushy"}  # the web process shows what workers stored
            # the web process reports on the workers: heartbeats, lag, latency by task
            health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30).json()
            assert health["status"] == "ok" and health["jobs"]["workers_alive"] == 1
            assert health["jobs"]["stuck"] is False
            scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=30).text
            families = {f.name: f for f in text_string_to_metric_families(scraped)}
            latency = families["wiredesk_job_latency_mean_seconds"].samples
            assert {s.labels["task"] for s in latency} >= {"wiredesk.poll", "wiredesk.accept"}
            assert len(families["wiredesk_worker_last_heartbeat_timestamp_seconds"].samples) == 1
            assert "wiredesk_job_queue_lag_seconds" in families


class SlowFeeds:
    """Feeds that take a while to answer and remember how many requests for each were in
    flight at once; every answer is a new story, so every poll has something to store."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.served: dict[str, int] = {}
        self.port = 0

    def enter(self, path: str) -> int:
        with self.lock:
            self.in_flight[path] = self.in_flight.get(path, 0) + 1
            self.most[path] = max(self.most.get(path, 0), self.in_flight[path])
            self.served[path] = self.served.get(path, 0) + 1
            return self.served[path]

    def leave(self, path: str) -> None:
        with self.lock:
            self.in_flight[path] -= 1


@contextmanager
def serve_slow_feeds() -> Iterator[SlowFeeds]:
    feeds = SlowFeeds()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            n = feeds.enter(self.path)
            try:
                time.sleep(0.3)
                source = self.path.strip("/").removesuffix(".xml")
                body = rss(source, [Version(f"{source}-{n}", 1)])
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            finally:
                feeds.leave(self.path)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    feeds.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feeds
    finally:
        server.shutdown()
        server.server_close()


def test_two_workers_never_poll_one_source_at_once(tmp_path: Path, pg_schema_url: str) -> None:
    names = ("a", "b", "c")
    with serve_slow_feeds() as feeds:
        sources = "".join(http_source(n, f"http://127.0.0.1:{feeds.port}/{n}.xml") for n in names)
        cfg = write_config(tmp_path, pg_schema_url, sources)
        one, two = worker(cfg, tmp_path / "one.log"), worker(cfg, tmp_path / "two.log")
        with running(one, two):
            one.start(STARTED)
            two.start(STARTED)
            wait_until(
                lambda: all(feeds.served.get(f"/{n}.xml", 0) >= 6 for n in names),
                "each source to be polled six times",
                on_wait=alive(one, two),
            )
            took = {
                log: log.read_text().count("Starting job wiredesk.poll")
                for log in (one.log, two.log)
            }
    assert feeds.most == {f"/{n}.xml": 1 for n in names}
    assert all(took.values()), f"each worker polls: {took}"


def test_sigterm_ends_a_worker_within_seconds_and_it_leaves_the_queue(
    tmp_path: Path, pg_schema_url: str
) -> None:
    write_drops(tmp_path / "inbox", drop_files("inbox", 3, 2))
    cfg = write_config(tmp_path, pg_schema_url, folder_source("inbox"))
    one = worker(cfg, tmp_path / "worker.log")
    with running(one):
        one.start(STARTED)
        wait_until(lambda: "wiredesk.websub" in one.text(), "the worker to take jobs")
        assert one.kill(signal.SIGTERM) == 0, one.tail()
    db = Database.open(pg_schema_url, run_migrations=False)
    try:
        assert scalar(db, "SELECT count(*) FROM procrastinate_workers") == 0
        assert scalar(db, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'") == 0
    finally:
        db.close()
