"""Cluster mode measured from outside: ingest by 1, 2 and 4 `wiredesk worker` processes,
and pages from several `wiredesk web` processes while they ingest (issue 17, item 4).

On an archive `bench/site.py` built on PostgreSQL (its settings file names the database and
the six agencies' drop folders), for each number of workers:

1. start `--web` web processes (one port each) and the workers, as an operator does, and
   wait until every web process answers;
2. drop `--items` new items into the agencies' folders (RSS files of 500, as site.py's
   build does) and time until every one is stored, start-up of the workers excluded but
   everything after the drop included: the workers' dispatchers find the folders due, polls
   read and store them, grouping puts them into stories;
3. meanwhile, wrk on every web process at once (`--connections` in all, a bounded load)
   asks for the home page, an article and a search, a few seconds each, over and over until
   the ingest ends: p50 and p99 of each, the worst run's p99 reported;
4. stop everything (SIGTERM, as systemd does) and note how long the workers took to go.

Then the database's size per copy. Two cores: the workers, the web processes, wrk and
PostgreSQL share them, so more than two workers can only show what the queue costs, not
what a bigger machine gains (bench/RESULTS.md says so beside the figures).

    .venv/bin/python bench/cluster.py --config /work/bench-data/postgresql-1m/build.toml
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "src")]

import site_corpus as corpus  # noqa: E402

from wiredesk.config import load_settings  # noqa: E402
from wiredesk.store.database import Database  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_site", HERE / "site.py")
assert _spec is not None and _spec.loader is not None
bench_site = importlib.util.module_from_spec(_spec)
sys.modules["bench_site"] = bench_site
_spec.loader.exec_module(bench_site)


def log(message: str) -> None:
    print(f"cluster: {message}", file=sys.stderr, flush=True)


def spawn(cmd: list[str], log_path: Path) -> subprocess.Popen[bytes]:
    out = log_path.open("ab")
    return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(procs: list[subprocess.Popen[bytes]], grace: float = 30.0) -> float:
    """SIGTERM to each, as systemd does; seconds until the last one was gone."""
    t0 = time.perf_counter()
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=max(0.1, grace - (time.perf_counter() - t0)))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    return time.perf_counter() - t0


def newest_copy(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM items").scalar() or 0)


def due_now(db: Database) -> None:
    """Every source due at once, as after a long stop: a drop folder is polled every
    `poll_every` (300 s by default), so without this a round started within five minutes of
    the one before measured the wait for the next poll, not the workers."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE source_state SET next_poll_at = NULL")


def copies_after(db: Database, newest: int) -> int:
    """Copies stored after `newest`, by the primary key's range: a count of the whole table
    every quarter second was a scan of the archive beside the workers it measures."""
    with db.engine.connect() as conn:
        query = "SELECT count(*) FROM items WHERE id > %(n)s"
        return int(conn.exec_driver_sql(query, {"n": newest}).scalar() or 0)


def wait_answering(ports: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        while bench_site.fetch(port, "/health", 5.0).status != 200:
            if time.monotonic() > deadline:
                raise SystemExit(f"web process on port {port} did not answer in {timeout:g} s")
            time.sleep(0.5)


def article_path(port: int, args: argparse.Namespace) -> str:
    home = bench_site.fetch(port, "/", args.request_timeout)
    found = bench_site.article_link(home.body, args)
    if not found:
        raise SystemExit("no article link on the home page")
    return found


class Load:
    """wrk on every web process at once, page after page, until stopped."""

    def __init__(self, ports: list[int], paths: dict[str, str], args: argparse.Namespace):
        self.ports = ports
        self.paths = paths
        self.args = args
        self.runs: dict[str, list[dict[str, Any]]] = {name: [] for name in paths}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def finish(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        per = max(1, self.args.connections // len(self.ports))
        wrk_args = argparse.Namespace(
            threads=1,
            connections=per,
            duration=self.args.wrk_seconds,
            request_timeout=self.args.request_timeout,
        )
        while not self._stop.is_set():
            for name, path in self.paths.items():
                if self._stop.is_set():
                    return
                results: list[dict[str, Any]] = []

                def ask(port: int, path: str, into: list[dict[str, Any]]) -> None:
                    into.append(bench_site.run_wrk(f"http://127.0.0.1:{port}{path}", wrk_args))

                threads = [
                    threading.Thread(target=ask, args=(port, path, results)) for port in self.ports
                ]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                self.runs[name].extend(results)

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, runs in self.runs.items():
            ok = [r for r in runs if r.get("p50_ms") is not None]
            if not ok:
                out[name] = {"runs": len(runs), "error": runs[0].get("error") if runs else None}
                continue
            out[name] = {
                "runs": len(ok),
                "req_s": round(sum(r["req_s"] for r in ok) / len(ok) * len(self.ports), 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in ok), 2),
                "p99_ms_worst": round(max(r["p99_ms"] for r in ok), 2),
                "p99_ms_median": round(statistics.median(r["p99_ms"] for r in ok), 2),
                "non_2xx": sum(r.get("non_2xx", 0) for r in ok),
                "timeouts": sum(r.get("timeouts", 0) for r in ok),
            }
        return out


def one_round(workers: int, args: argparse.Namespace, db: Database, stamp: str) -> dict[str, Any]:
    settings = load_settings(args.config)
    folders = {s.id: Path(s.folder) for s in settings.sources if s.folder}
    missing = [a.id for a in corpus.AGENCIES if a.id not in folders]
    if missing:
        raise SystemExit(f"{args.config}: no drop folder for {', '.join(missing)}")
    logs = args.out / f"{stamp}-w{workers}"
    logs.mkdir(parents=True, exist_ok=True)
    ports = [bench_site.free_port() for _ in range(args.web)]
    webs = [
        spawn(
            [args.wiredesk, "web", "--config", str(args.config), "--port", str(p)],
            logs / f"web-{p}.log",
        )
        for p in ports
    ]
    wait_answering(ports, args.start_timeout)
    paths = {
        "home": "/",
        "article": article_path(ports[0], args),
        "search": "/search?q=" + urllib.parse.quote(args.search_word),
    }
    items = corpus.fresh_items(f"cluster-{stamp}-{workers}", args.items, corpus.now_utc())
    newest = newest_copy(db)
    due_now(db)
    t_start = time.perf_counter()
    pool = [
        spawn([args.wiredesk, "worker", "--config", str(args.config)], logs / f"worker-{i}.log")
        for i in range(workers)
    ]
    load = Load(ports, paths, args)
    load.start()
    t0 = time.perf_counter()
    files = list(corpus.write_drop_files(items, folders, f"cluster-{stamp}-w{workers}"))
    dropped = time.perf_counter() - t0
    seen = 0
    while seen < len(items):
        if time.perf_counter() - t0 > args.ingest_timeout:
            log(f"{workers} workers: {seen}/{len(items)} stored in {args.ingest_timeout:g} s")
            break
        if any(p.poll() is not None for p in pool):
            log(f"{workers} workers: a worker exited; see {logs}")
            break
        time.sleep(0.25)
        seen = copies_after(db, newest)
    took = time.perf_counter() - t0
    load.finish()
    stop_s = stop(pool)
    stop(webs)
    stored = seen
    out = {
        "workers": workers,
        "web_processes": args.web,
        "items": len(items),
        "files": len(files),
        "stored": stored,
        "drop_s": round(dropped, 2),
        "ingest_s": round(took, 2),
        "since_start_s": round(time.perf_counter() - t_start, 2),
        "items_per_s": round(stored / took, 1) if took else None,
        "workers_stop_s": round(stop_s, 2),
        "pages": load.report(),
    }
    log(
        f"{workers} worker(s): {stored:,}/{len(items):,} items in {took:.1f} s = "
        f"{out['items_per_s']} items/s; workers gone {stop_s:.1f} s after SIGTERM"
    )
    for name, r in out["pages"].items():
        log(f"    {name}: {r}")
    return out


def database_size(db: Database) -> dict[str, Any]:
    with db.engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        n = conn.exec_driver_sql("SELECT count(*) FROM items").scalar()
        tables = conn.exec_driver_sql(
            "SELECT relname, pg_total_relation_size(relid) FROM pg_statio_user_tables "
            "ORDER BY 2 DESC LIMIT 8"
        ).all()
    return {
        "copies": int(n or 0),
        "bytes": int(total or 0),
        "bytes_per_copy": round(int(total or 0) / max(1, int(n or 0))),
        "largest_tables": {name: int(size) for name, size in tables},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", type=Path, required=True, help="the archive's settings file")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--web", type=int, default=2, help="web processes")
    ap.add_argument("--items", type=int, default=10_000, help="items dropped per round")
    ap.add_argument("--connections", type=int, default=8, help="wrk connections in all")
    ap.add_argument("--wrk-seconds", type=float, default=3.0)
    ap.add_argument("--search-word", default="बजट")
    ap.add_argument("--request-timeout", type=float, default=30.0)
    ap.add_argument("--start-timeout", type=float, default=300.0)
    ap.add_argument("--ingest-timeout", type=float, default=1800.0)
    ap.add_argument("--wiredesk", default=str(REPO / ".venv" / "bin" / "wiredesk"))
    ap.add_argument("--out", type=Path, default=HERE / "out" / "cluster")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    settings = load_settings(args.config)
    db = Database.open(settings.site.database, run_migrations=True)
    if db.dialect != "postgresql":
        raise SystemExit("cluster mode runs on PostgreSQL; the settings name another database")
    stamp = time.strftime("%H%M%S")
    rounds = [one_round(int(w), args, db, stamp) for w in args.workers.split(",")]
    size = database_size(db)
    log(
        f"database: {size['copies']:,} copies, {size['bytes'] / 1e6:,.0f} MB, "
        f"{size['bytes_per_copy']:,} B a copy"
    )
    result = {"rounds": rounds, "database": size, "load": bench_site.loadavg()}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), "utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
