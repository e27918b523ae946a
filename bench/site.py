"""Benchmark: the public site at a real wire's volume, against nginx serving the same bytes.

What it measures, for archives of 1k, 100k and 1M agency items (Hindi and English, six
agencies, a fifth of the stories syndicated by two or three of them) on SQLite and on
PostgreSQL:

- **pages**: the home page, a section page, an article page (a real link taken from the home
  page) and a 404, plus the site's JSON Feed; for each, one cold request with a plain HTTP
  client (time and bytes), then wrk with keep-alive connections (req/s, latency p50/p99,
  non-2xx answers and timeouts);
- **the nginx reference**, in the same run: the exact bytes wiredesk sent for each page are
  saved and served by Debian's nginx from a temporary folder, and wrk runs against it with the
  same settings right before wiredesk's run. nginx answering a static file is the most a
  server can do with this machine, this client and these bytes, so wiredesk/nginx is a
  ratio that stays put when a shared machine gets faster or slower, where raw req/s do not;
- **pages during ingest**: the same measurements while `wiredesk ingest --once` adds fresh
  items (20,000 by default) to the same database in another process, and how long that took;
- **push to visible**: one-item feeds pushed to `POST /ingest/<source>` one after another, each
  followed by polling `/en/feed.json` (the probe is English: the English edition's feed) until
  the item is in it; the time from just before the POST to the first poll that shows it.

wiredesk is driven only from outside, as an operator would: the `wiredesk` command, its
settings file, drop folders and HTTP. Archives are built the way a user builds one (RSS files
into drop folders, then `wiredesk ingest --once`), in chunks so a long build can resume, and
kept in `--data-dir` keyed by store and size with a marker saying how they were built; every
run measures a copy, so pushes and the during-ingest load never change the cached archive.

Nothing waits forever: every request has a timeout, a page whose one cold request is slower
than `--slow-threshold` is recorded as too slow and not loaded with wrk, a server still busy
with requests wrk left behind is restarted, and servers and nginx are always torn down.

    scripts/bench-setup                                   # nginx and wrk (Debian)
    .venv/bin/python bench/site.py --sizes 1k --stores sqlite --skip-push   # a quick look
    .venv/bin/python bench/site.py --sizes 1k,100k --stores sqlite,postgresql --json out.json
    .venv/bin/python bench/site.py --sizes 1m --stores sqlite --build-only  # build, once
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import brotli

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import site_corpus as corpus  # noqa: E402

CORPUS_VERSION = 1  # bump when site_corpus writes different stories: cached archives rebuild
SERVE_APP, INGEST_APP = "wiredesk-bench-serve", "wiredesk-bench-ingest"
PUSH_SOURCE = "wire-push"
PUSH_TOKEN = "bench-site-push-token-7f3a9c2e5b1d"
NOT_FOUND_PATH = "/no-such-section/nothing-here-abcdefgh"
PUSH_FEED = "/en/feed.json"  # the push probe is English: the English edition's feed shows it
PAGE_NAMES = ("home", "section", "article", "404", "feed")
ARTICLE_LINK = re.compile(r'href="(?:https?://[^/"]+)?(/([a-z0-9-]+)/[a-z0-9-]+-[a-z0-9]{8})"')
_children: list[subprocess.Popen[bytes]] = []


def log(message: str) -> None:
    print(message, flush=True)


# --- small helpers -----------------------------------------------------------------------


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def kill_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Stop a process started in its own session, and everything it started."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc in _children:
        _children.remove(proc)


def spawn(cmd: list[str], log_path: Path, **kw: Any) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kw
        )
    _children.append(proc)
    return proc


def tail(path: Path, lines: int = 8) -> str:
    try:
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- HTTP ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Fetch:
    status: int | None
    body: bytes
    seconds: float
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names


def fetch(
    port: int,
    path: str,
    timeout: float,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Fetch:
    """One request on a new connection; the time includes connecting and reading the body."""
    t0 = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        got = {k.lower(): v for k, v in resp.getheaders()}
        return Fetch(resp.status, data, time.perf_counter() - t0, headers=got)
    except TimeoutError:
        return Fetch(None, b"", time.perf_counter() - t0, f"no answer within {timeout:g} s")
    except OSError as e:
        return Fetch(None, b"", time.perf_counter() - t0, f"{type(e).__name__}: {e}")
    finally:
        conn.close()


# --- wrk -----------------------------------------------------------------------------------

_TIME = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}
_BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def parse_wrk(text: str) -> dict[str, Any]:
    """The figures of `wrk --latency` output; latencies in ms, None where wrk printed none."""
    out: dict[str, Any] = {"requests": 0, "req_s": 0.0, "non_2xx": 0, "timeouts": 0}
    for q in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
        out[f"p{q}_ms"] = float(m[1]) * _TIME[m[2]] if m else None
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)(B|KB|MB|GB|TB) read", text)
    if m:
        out["requests"] = int(m[1])
        out["seconds"] = float(m[2]) * _TIME[m[3]] / 1e3
        out["bytes_read"] = float(m[4]) * _BYTES[m[5]]
        out["bytes_per_response"] = out["bytes_read"] / out["requests"] if out["requests"] else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket_errors"] = int(m[1]) + int(m[2]) + int(m[3])
        out["timeouts"] = int(m[4])
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        out["non_2xx"] = int(m[1])
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["req_s"] = float(m[1])
    if not out["requests"]:  # wrk prints zeros for the latencies of no requests
        out.update(p50_ms=None, p75_ms=None, p90_ms=None, p99_ms=None)
    return out


def run_wrk(url: str, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration:g}s",
        f"--timeout={args.request_timeout:g}s",
        "--latency",
        url,
    ]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=args.duration + args.request_timeout + 30
        )
    except subprocess.TimeoutExpired:
        return {"error": "wrk did not finish", "req_s": 0.0}
    result = parse_wrk(done.stdout)
    if done.returncode != 0:
        result["error"] = (done.stderr or done.stdout).strip()[-300:]
    return result


# --- wiredesk from outside -----------------------------------------------------------------


def write_config(
    path: Path, *, data_dir: Path, database: str | None, inbox: Path, base_url: str
) -> None:
    """A settings file as an operator writes one: the six agencies' drop folders and a push
    source, the corpus's sections, a Hindi site in Indian time with the English agencies'
    copy as its English edition (/en/)."""
    lines = [
        "[site]",
        'name = "Wire Bench"',
        'language = "hi"',
        'timezone = "Asia/Kolkata"',
        f"base_url = {toml_str(base_url)}",
        f"data_dir = {toml_str(str(data_dir))}",
    ]
    if database:
        lines.append(f"database = {toml_str(database)}")
    lines += ["", "[editions.en]"]
    lines += ["", "[sections]"]
    lines += [f"{slug} = {toml_str(name)}" for slug, name in corpus.SECTIONS.items()]
    for a in corpus.AGENCIES:
        lines += [
            "",
            "[[sources]]",
            f"id = {toml_str(a.id)}",
            f"name = {toml_str(a.name)}",
            f"folder = {toml_str(str(inbox / a.id))}",
            f"section = {toml_str(a.section)}",
        ]
    lines += [
        "",
        "[[sources]]",
        f"id = {toml_str(PUSH_SOURCE)}",
        'name = "Wire Push"',
        f"push_token = {toml_str(PUSH_TOKEN)}",
        'section = "desh"',
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    for a in corpus.AGENCIES:
        (inbox / a.id).mkdir(parents=True, exist_ok=True)


def inbox_folders(inbox: Path) -> dict[str, Path]:
    return {a.id: inbox / a.id for a in corpus.AGENCIES}


def ingest_once(wiredesk: str, config: Path, log_path: Path) -> tuple[int, float, str]:
    """Run `wiredesk ingest --once`; returns (exit code, seconds, its stdout)."""
    t0 = time.perf_counter()
    with log_path.open("ab") as err:
        done = subprocess.run(
            [wiredesk, "ingest", "--once", "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,
        )
    return done.returncode, time.perf_counter() - t0, done.stdout.decode("utf-8", "replace")


def new_stories(report: str) -> int:
    return sum(int(m[1]) for m in re.finditer(r"(\d+) new stor", report))


def clear_processed(inbox: Path) -> list[Path]:
    """Remove what the drop folders processed; return the files that failed."""
    failed: list[Path] = []
    for folder in inbox_folders(inbox).values():
        shutil.rmtree(folder / "processed", ignore_errors=True)
        failed += sorted((folder / "failed").glob("*.error"))
    return failed


def wiredesk_version(wiredesk: str) -> str:
    try:
        out = subprocess.run([wiredesk, "--version"], capture_output=True, text=True, timeout=60)
        version = out.stdout.strip() or out.stderr.strip()
    except OSError as e:
        return f"unavailable: {e}"
    root = Path(wiredesk).resolve().parent.parent.parent
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode == 0:
            dirty = subprocess.run(
                ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.strip()
            version += f" at {head.stdout.strip()}{' + uncommitted src changes' if dirty else ''}"
    return version


# --- PostgreSQL ----------------------------------------------------------------------------


def psql(args: argparse.Namespace, sql: str, db: str = "postgres") -> str:
    host, port, user = args.pg_host, str(args.pg_port), args.pg_user
    done = subprocess.run(
        [
            "psql",
            "-h",
            host,
            "-p",
            port,
            "-U",
            user,
            "-d",
            db,
            "-v",
            "ON_ERROR_STOP=1",
            "-tAc",
            sql,
        ],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql: {sql}: {done.stderr.strip()}")
    return done.stdout.strip()


def pg_exists(args: argparse.Namespace, db: str) -> bool:
    return psql(args, f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def pg_url(args: argparse.Namespace, db: str) -> str:
    return f"postgresql://{args.pg_user}@{args.pg_host}:{args.pg_port}/{db}"


# --- archives ------------------------------------------------------------------------------


@dataclass(slots=True)
class Archive:
    store: str  # "sqlite" or "postgresql"
    size: int
    root: Path

    @property
    def label(self) -> str:
        return size_label(self.size)

    @property
    def name(self) -> str:
        return f"{self.store} {self.label}"

    @property
    def db_name(self) -> str:
        return f"wiredesk_bench_{self.label}"

    @property
    def marker_path(self) -> Path:
        return self.root / "archive.json"

    def database(self, args: argparse.Namespace, work: bool = False, app: str = "") -> str | None:
        """The settings' database URL; `app` names the connections (PostgreSQL's
        application_name), so the server's queries can be told from the ingest's."""
        if self.store == "postgresql":
            url = pg_url(args, self.db_name + ("_work" if work else ""))
            return f"{url}?application_name={app}" if app else url
        return None  # SQLite: the default, <data_dir>/wiredesk.db

    def read_marker(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.marker_path.read_text("utf-8")))
        except (OSError, ValueError):
            return {}

    def write_marker(self, marker: dict[str, Any]) -> None:
        tmp = self.marker_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(marker, indent=2, ensure_ascii=False) + "\n", "utf-8")
        tmp.replace(self.marker_path)

    def db_bytes(self, args: argparse.Namespace) -> int | None:
        if self.store == "postgresql":
            if not pg_exists(args, self.db_name):
                return None
            return int(psql(args, f"SELECT pg_database_size('{self.db_name}')"))
        files = list((self.root / "db").glob("wiredesk.db*"))
        return sum(f.stat().st_size for f in files) if files else None


def reset_archive(archive: Archive, args: argparse.Namespace) -> None:
    for part in ("db", "inbox", "work", "archive.json", "build.toml"):
        target = archive.root / part
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    if archive.store == "postgresql":
        psql(args, f"DROP DATABASE IF EXISTS {archive.db_name} WITH (FORCE)")
        psql(args, f"CREATE DATABASE {archive.db_name}")


def ensure_archive(archive: Archive, args: argparse.Namespace) -> dict[str, Any]:
    """Build the archive through drop folders and `wiredesk ingest --once`, or reuse it.

    The marker records the recipe (corpus version, seed, chunk size, the archive's newest
    moment) and how far the build got, so a build that was stopped resumes at its next chunk.
    """
    marker = archive.read_marker()
    recipe = {
        "corpus_version": CORPUS_VERSION,
        "seed": args.seed,
        "size": archive.size,
        "chunk_items": min(args.chunk_items, archive.size),
        "store": archive.store,
    }
    same_recipe = all(marker.get(k) == v for k, v in recipe.items())
    if archive.store == "sqlite":
        db_there = (archive.root / "db" / "wiredesk.db").exists()
    else:
        db_there = pg_exists(args, archive.db_name)
    if marker.get("complete") and same_recipe and db_there and not args.rebuild:
        if not marker.get("arrivals_spread"):  # an archive built before this step existed
            spread_arrivals(archive, args)
            marker["arrivals_spread"] = True
            archive.write_marker(marker)
        log(
            f"{archive.name}: cached archive, built {marker.get('built_at')} by "
            f"{marker.get('wiredesk')} in {marker.get('ingest_seconds', 0):.0f} s of ingest"
        )
        return marker
    resume = same_recipe and db_there and not args.rebuild and marker.get("chunks_done", 0) > 0
    if not resume:
        archive.root.mkdir(parents=True, exist_ok=True)
        reset_archive(archive, args)
        marker = {
            **recipe,
            "end": corpus.now_utc().isoformat(),
            "chunks_done": 0,
            "chunks": [],
            "generate_seconds": 0.0,
            "ingest_seconds": 0.0,
            "items": 0,
            "stories_reported": 0,
            "wiredesk": wiredesk_version(args.wiredesk),
            "complete": False,
        }
        archive.write_marker(marker)
    else:
        log(f"{archive.name}: resuming the build at chunk {marker['chunks_done'] + 1}")
    inbox = archive.root / "inbox"
    config = archive.root / "build.toml"
    write_config(
        config,
        data_dir=archive.root / "db",
        database=archive.database(args),
        inbox=inbox,
        base_url="http://127.0.0.1:8000",
    )
    per_chunk = recipe["chunk_items"]
    chunks = math.ceil(archive.size / per_chunk)
    end = datetime.fromisoformat(marker["end"])
    build_log = archive.root / "build.log"
    for c in range(marker["chunks_done"], chunks):
        count = min(per_chunk, archive.size - c * per_chunk)
        t0 = time.perf_counter()
        items = corpus.chunk_items(archive.label, args.seed, c, chunks, per_chunk, end)[:count]
        files = list(corpus.write_drop_files(items, inbox_folders(inbox), f"c{c:05d}"))
        gen_s = time.perf_counter() - t0
        del items
        rc, ingest_s, report = ingest_once(args.wiredesk, config, build_log)
        failed = clear_processed(inbox)
        if rc != 0 or failed:
            why = failed[0].read_text("utf-8", "replace")[:300] if failed else report.strip()
            raise RuntimeError(
                f"{archive.name}: `wiredesk ingest --once` failed on chunk {c + 1} (exit {rc}): "
                f"{why}\n{tail(build_log)}"
            )
        stories = new_stories(report)
        marker["chunks"].append(
            {
                "chunk": c,
                "items": count,
                "files": len(files),
                "generate_seconds": round(gen_s, 2),
                "ingest_seconds": round(ingest_s, 2),
                "items_per_s": round(count / ingest_s, 1),
                "load": loadavg(),
            }
        )
        marker["chunks_done"] = c + 1
        marker["items"] += count
        marker["stories_reported"] += stories
        marker["generate_seconds"] += gen_s
        marker["ingest_seconds"] += ingest_s
        archive.write_marker(marker)
        rate = marker["items"] / marker["ingest_seconds"]
        left = (archive.size - marker["items"]) / max(1.0, count / ingest_s)
        log(
            f"{archive.name}: chunk {c + 1}/{chunks}: {count:,} items generated in {gen_s:.1f} s, "
            f"ingested in {ingest_s:.1f} s ({count / ingest_s:,.0f} items/s); "
            f"{marker['items']:,}/{archive.size:,} in, {rate:,.0f} items/s so far, "
            f"~{left / 60:.0f} min of ingest left; load {loadavg()}"
        )
        if stories != count:
            log(f"  note: ingest reported {stories} new stories for {count} items")
    spread_arrivals(archive, args)
    marker["arrivals_spread"] = True
    marker["complete"] = True
    marker["built_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    marker["db_bytes"] = archive.db_bytes(args)
    archive.write_marker(marker)
    items, ingest_s = marker["items"], marker["ingest_seconds"]
    log(
        f"{archive.name}: built: {items:,} items, ingest {ingest_s:.0f} s "
        f"({items / ingest_s:,.0f} items/s), generation {marker['generate_seconds']:.0f} s, "
        f"database {(marker['db_bytes'] or 0) / 1e6:,.0f} MB"
    )
    return marker


# Each copy's arrival, moved to a minute after its own publication (never later than it
# really arrived). The build ingests two years of stories in an hour, so every copy would
# have "arrived" in the last hour; a real archive of that size arrived over those two years.
# It matters: the syndication index a process rebuilds at its first grouping holds the
# copies that arrived in the last 72 hours, which for the unspread archive is all million
# (the first push after a start then took over a minute, bench/RESULTS.md).
_SPREAD = (
    "UPDATE items SET first_seen_at = published_at + interval '2 minutes' "
    "WHERE published_at + interval '2 minutes' < first_seen_at"
)
_SPREAD_SQLITE = (
    "UPDATE items SET first_seen_at = "
    "strftime('%Y-%m-%d %H:%M:%S', published_at, '+2 minutes') || '.000000' "
    "WHERE strftime('%Y-%m-%d %H:%M:%S', published_at, '+2 minutes') || '.000000' "
    "< first_seen_at"
)


def spread_arrivals(archive: Archive, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    if archive.store == "sqlite":
        conn = sqlite3.connect(archive.root / "db" / "wiredesk.db")
        try:
            with conn:
                conn.execute(_SPREAD_SQLITE)
        finally:
            conn.close()
    else:
        psql(args, _SPREAD, db=archive.db_name)
        psql(args, "ANALYZE items", db=archive.db_name)
    took = time.perf_counter() - t0
    log(f"{archive.name}: arrivals spread over the archive's dates ({took:.0f} s)")


def working_copy(archive: Archive, args: argparse.Namespace, port: int) -> tuple[Path, float]:
    """Copy the archive for this run (the cached one stays as built); return its config."""
    t0 = time.perf_counter()
    work = archive.root / "work"
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    if archive.store == "sqlite":
        for f in (archive.root / "db").glob("wiredesk.db*"):
            shutil.copyfile(f, work / "data" / f.name)
    else:
        work_db = archive.db_name + "_work"
        psql(args, f"DROP DATABASE IF EXISTS {work_db} WITH (FORCE)")
        psql(args, f"CREATE DATABASE {work_db} TEMPLATE {archive.db_name}")
    config = work / "wiredesk.toml"
    for path, app in ((config, SERVE_APP), (work / "ingest.toml", INGEST_APP)):
        write_config(
            path,
            data_dir=work / "data",
            database=archive.database(args, work=True, app=app),
            inbox=work / "inbox",
            base_url=f"http://127.0.0.1:{port}",
        )
    return config, time.perf_counter() - t0


def drop_working_copy(archive: Archive, args: argparse.Namespace) -> None:
    shutil.rmtree(archive.root / "work", ignore_errors=True)
    if archive.store == "postgresql":
        with contextlib.suppress(RuntimeError):
            psql(args, f"DROP DATABASE IF EXISTS {archive.db_name}_work WITH (FORCE)")


# --- servers -------------------------------------------------------------------------------


class Server:
    """`wiredesk serve` in its own process group."""

    def __init__(
        self,
        wiredesk: str,
        config: Path,
        port: int,
        log_path: Path,
        db_busy: Callable[[], bool] | None = None,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.cmd = [wiredesk, "serve", "--config", str(config), "--port", str(port)]
        self.port = port
        self.log_path = log_path
        # PostgreSQL works for the server in other processes, and goes on with a query whose
        # client is gone: `db_busy` says whether it still works, `on_stop` ends those queries.
        self.db_busy = db_busy
        self.on_stop = on_stop
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self, timeout: float) -> float:
        t0 = time.perf_counter()
        self.proc = spawn(self.cmd, self.log_path)
        while time.perf_counter() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"wiredesk serve exited with {self.proc.returncode}:\n{tail(self.log_path)}"
                )
            if fetch(self.port, "/health", 2.0).status == 200:
                return time.perf_counter() - t0
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"wiredesk serve did not answer /health within {timeout:g} s")

    def stop(self) -> None:
        if self.proc is not None:
            kill_group(self.proc)
            self.proc = None
            if self.on_stop:
                self.on_stop()

    def restart(self, timeout: float) -> float:
        self.stop()
        self.restarts += 1
        return self.start(timeout)

    def settle(self, max_wait: float) -> bool:
        """Wait until the server has stopped working off requests a client gave up on."""
        assert self.proc is not None
        deadline = time.perf_counter() + max_wait
        while time.perf_counter() < deadline:
            c0, t0 = cpu_seconds(self.proc.pid), time.perf_counter()
            time.sleep(0.5)
            c1, t1 = cpu_seconds(self.proc.pid), time.perf_counter()
            idle = c0 is None or c1 is None or (c1 - c0) / (t1 - t0) < 0.05
            if idle and not (self.db_busy and self.db_busy()):
                return True
        return False


NGINX_CONF = """\
# written by bench/site.py: one worker per `--nginx-workers`, static files, keep-alive
{user}worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; application/feed+json json; }}
    default_type text/html;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        index index.html;
        error_page 404 /__404.html;
    }}
}}
"""


class Nginx:
    """Debian's nginx on a loopback port, serving the saved pages from a temporary folder."""

    def __init__(self, binary: str, workers: str) -> None:
        self.binary = binary
        self.workers = workers
        self.tmp = Path(tempfile.mkdtemp(prefix="wiredesk-bench-nginx-"))
        self.www = self.tmp / "www"
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for d in ("www", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.tmp / d).mkdir(exist_ok=True)
        user = "user root root;\n" if os.geteuid() == 0 else ""  # workers read our temp dir
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(user=user, workers=self.workers, tmp=self.tmp, port=self.port)
        )
        self.proc = spawn(
            [self.binary, "-p", str(self.tmp), "-e", str(self.tmp / "error.log"), "-c", str(conf)],
            self.tmp / "stdout.log",
        )
        for _ in range(100):
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {tail(self.tmp / 'error.log')}")
            if fetch(self.port, "/", 1.0).status is not None:
                return
            time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def publish(self, path: str, status: int, body: bytes) -> bool:
        """Serve `body` at `path` (with `status` 404: as the answer to any missing path);
        return whether nginx now answers the same status and the very same bytes."""
        if status == 404:
            target = self.www / "__404.html"
        else:
            rel = path.lstrip("/")
            target = self.www / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        got = fetch(self.port, path, 10.0)
        return got.status == status and got.body == body

    def stop(self) -> None:
        if self.proc is not None:
            kill_group(self.proc)
            self.proc = None
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- the during-ingest load ----------------------------------------------------------------


class LoadIngest:
    """Fresh items in the working copy's drop folders and `wiredesk ingest --once` over them, in
    its own process, while the pages are measured. When a batch ends before the page
    measurements do, the next batch of as many new items starts at once, so every page is
    measured under ingest; each batch's time runs from its process's start to its exit."""

    def __init__(self, archive: Archive, args: argparse.Namespace, config: Path) -> None:
        self.archive, self.args = archive, args
        self.config = config.parent / "ingest.toml"  # same database and folders, own name
        self.inbox = config.parent / "inbox"
        self.log_path = config.parent / "load-ingest.log"
        self.batches: list[dict[str, Any]] = []
        self.proc: subprocess.Popen[bytes] | None = None
        self.active = False
        self.started = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.active = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        self.started.wait()

    def _loop(self) -> None:
        try:
            self._batches()
        except Exception as e:  # reported with the batches; the pages go on without load
            self.batches.append({"items": 0, "start": time.perf_counter(), "error": repr(e)})
        finally:
            self.started.set()

    def _batches(self) -> None:
        while self.active:
            t0 = time.perf_counter()
            key = f"live-{self.archive.label}-{int(time.time())}-{len(self.batches)}"
            items = corpus.fresh_items(key, self.args.ingest_items, corpus.now_utc())
            list(corpus.write_drop_files(items, inbox_folders(self.inbox), key))
            del items
            batch: dict[str, Any] = {
                "items": self.args.ingest_items,
                "generate_seconds": round(time.perf_counter() - t0, 1),
                "start": time.perf_counter(),
            }
            self.proc = spawn(
                [self.args.wiredesk, "ingest", "--once", "--config", str(self.config)],
                self.log_path,
            )
            self.batches.append(batch)
            self.started.set()
            rc = self.proc.wait()
            batch["end"] = time.perf_counter()
            seconds = batch["end"] - batch["start"]
            batch.update(
                seconds=round(seconds, 1),
                items_per_s=round(batch["items"] / seconds, 1),
                exit_code=rc,
            )
            if self.proc in _children:
                _children.remove(self.proc)
            self.proc = None
            failed = clear_processed(self.inbox)
            if failed:
                batch["failed_files"] = len(failed)
            if rc != 0:
                batch["error"] = tail(self.log_path, 3)
                break

    def overlap(self, a: float, b: float) -> float:
        """The share of the interval a..b during which a batch was running."""
        now = time.perf_counter()
        covered = sum(
            max(0.0, min(b, x.get("end", now)) - max(a, x["start"])) for x in list(self.batches)
        )
        return round(min(1.0, covered / (b - a)), 3) if b > a else 0.0

    def finish(self, timeout: float) -> None:
        """Start no further batch; wait for the running one (stop it after `timeout`)."""
        self.active = False
        if self.thread is None:
            return
        self.thread.join(timeout)
        if self.thread.is_alive() and self.proc is not None:
            self.batches[-1]["error"] = f"still running after {timeout:g} s; stopped"
            kill_group(self.proc)
            self.thread.join(30)

    def report(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in b.items() if k not in ("start", "end")} for b in self.batches]


# --- measuring -----------------------------------------------------------------------------


@dataclass(slots=True)
class Page:
    name: str
    path: str
    expect: int


def measure_page(
    page: Page,
    phase: str,
    server: Server,
    nginx: Nginx,
    args: argparse.Namespace,
    pages_dir: Path,
    load: LoadIngest | None = None,
) -> tuple[dict[str, Any], bytes]:
    """Cold request, then nginx and wiredesk under wrk; returns the record and the body."""
    rec: dict[str, Any] = {"page": page.name, "path": page.path, "phase": phase}
    cold = fetch(server.port, page.path, args.request_timeout)
    rec.update(cold_s=round(cold.seconds, 4), status=cold.status, bytes=len(cold.body))
    if cold.error:
        rec["skipped"] = f"too slow: {cold.error} for one request"
        log(f"    {page.name}: {rec['skipped']}; restarting the server")
        rec["server_restart_s"] = round(server.restart(args.start_timeout), 1)
        return rec, b""
    if cold.status != page.expect:
        rec["skipped"] = f"answered {cold.status}, expected {page.expect}"
        log(f"    {page.name}: {rec['skipped']}: {cold.body[:200]!r}")
        return rec, cold.body
    if cold.seconds > args.slow_threshold:
        rec["skipped"] = f"too slow: {cold.seconds:.1f} s for one request"
        log(f"    {page.name}: {rec['skipped']}")
        return rec, cold.body
    safe = page.name.replace("/", "_")
    (pages_dir / f"{phase}-{safe}.html").write_bytes(cold.body)
    rec["nginx_same_bytes"] = nginx.publish(page.path, cold.status, cold.body)
    t0 = time.perf_counter()
    rec["nginx"] = run_wrk(f"http://127.0.0.1:{nginx.port}{page.path}", args)
    t1 = time.perf_counter()
    rec["wiredesk"] = run_wrk(f"http://127.0.0.1:{server.port}{page.path}", args)
    t2 = time.perf_counter()
    if load is not None:  # the share of each wrk run that had the ingest running beside it
        rec["ingest_overlap"] = {"nginx": load.overlap(t0, t1), "wiredesk": load.overlap(t1, t2)}
    wd, ng = rec["wiredesk"], rec["nginx"]
    rec["ratio"] = round(wd["req_s"] / ng["req_s"], 4) if ng.get("req_s") else None
    if not server.settle(args.settle_timeout):
        rec["server_restart_s"] = round(server.restart(args.start_timeout), 1)
        rec["note"] = f"server still busy {args.settle_timeout:g} s after wrk; restarted"
    log(
        f"    {page.name}: cold {cold.seconds * 1e3:.1f} ms, {len(cold.body):,} B; wiredesk "
        f"{wd['req_s']:,.1f} req/s p50 {fmt_ms(wd.get('p50_ms'))} p99 {fmt_ms(wd.get('p99_ms'))}"
        f"; nginx {ng['req_s']:,.0f} req/s; ratio {fmt_ratio(rec['ratio'])}"
        + (f"; ingest ran for {rec['ingest_overlap']}" if load is not None else "")
    )
    return rec, cold.body


def measure_pages(
    phase: str,
    server: Server,
    nginx: Nginx,
    args: argparse.Namespace,
    pages_dir: Path,
    pages: list[Page] | None,
    load: LoadIngest | None = None,
) -> tuple[list[dict[str, Any]], list[Page]]:
    """Every page once, home first: the article measured is a link taken from the home page
    (from /feed.json when the home page did not answer)."""
    records: list[dict[str, Any]] = []
    if pages is None:
        home = Page("home", "/", 200)
        rec, body = measure_page(home, phase, server, nginx, args, pages_dir, load)
        if "home" in args.pages:
            records.append(rec)
        article = article_link(body, args)
        article_from = "home page"
        if article is None:
            feed = fetch(server.port, "/feed.json", args.request_timeout)
            if feed.error:
                server.restart(args.start_timeout)
            m = re.search(
                r'"url":\s*"https?://[^/"]+(/[^"]+)"', feed.body.decode("utf-8", "replace")
            )
            article, article_from = (m[1] if m else None), "/feed.json"
        if article is None:
            article, article_from = first_listed_item(args, server), "`wiredesk items`"
        pages = [home, Page("section", f"/{args.section}/", 200)]
        if article:
            pages.append(Page("article", article, 200))
            log(f"    article: {article} (from the {article_from})")
        else:
            log("    article: no article link found on the home page or in /feed.json")
        pages += [Page("404", NOT_FOUND_PATH, 404), Page("feed", "/feed.json", 200)]
        pages = [p for p in pages if p.name in args.pages]
        todo = [p for p in pages if p.name != "home"]
    else:
        todo = pages
    for page in todo:
        rec, _ = measure_page(page, phase, server, nginx, args, pages_dir, load)
        records.append(rec)
    return records, pages


def first_listed_item(args: argparse.Namespace, server: Server) -> str | None:
    """The newest published story's path from `wiredesk items --json` (its first line), for
    when neither the home page nor /feed.json answered."""
    config = server.cmd[server.cmd.index("--config") + 1]
    cmd = [args.wiredesk, "items", "--json", "--state", "published", "--config", config]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True
    )
    _children.append(proc)
    box: list[bytes] = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(args.start_timeout)
    kill_group(proc, grace=2.0)
    with contextlib.suppress(ValueError, IndexError):
        url = json.loads(box[0])["url"]
        return "/" + url.split("://", 1)[1].split("/", 1)[1]
    return None


def article_link(html: bytes, args: argparse.Namespace) -> str | None:
    sections = set(corpus.SECTIONS)
    for m in ARTICLE_LINK.finditer(html.decode("utf-8", "replace")):
        if m[2] in sections:
            return m[1]
    return None


def push_rss(token: str, when: datetime) -> bytes:
    from email.utils import format_datetime

    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Wire Push</title><link>https://push.example/</link><description>push</description>"
        f"<language>en</language><item><title>Push probe {token}: council clears the "
        f"budget</title><link>https://push.example/{token}</link>"
        f'<guid isPermaLink="false">urn:bench:push:{token}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate><category>desh</category>"
        "<description><![CDATA[<p>NEW DELHI, (PTI) — The city council cleared the budget on "
        f"a voice vote after a four-hour debate, probe {token}.</p><p>The opposition walked "
        "out before the vote, saying the plan had not been discussed in the wards.</p>]]>"
        "</description></item></channel></rss>\n"
    ).encode()


# The push probe reads the feed as browsers and most feed readers ask for it, so the time to
# visible includes compressing the fresh render in the reader's coding (wrk's page runs ask
# for plain bodies, as nginx serves its files).
READER = {"Accept-Encoding": "br, gzip"}


def unpacked(f: Fetch) -> bytes:
    if f.headers.get("content-encoding") == "br":
        return bytes(brotli.decompress(f.body))
    if f.headers.get("content-encoding") == "gzip":
        return gzip.decompress(f.body)
    return f.body


def push_to_visible(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    """Push one-item feeds one after another; for each, poll the English edition's feed
    (PUSH_FEED: the probe is English) until it is there."""
    stamp = datetime.now(UTC).strftime("%H%M%S")
    latencies: list[float] = []
    post_times: list[float] = []
    polls: list[int] = []
    failures: list[str] = []
    probe = fetch(server.port, PUSH_FEED, args.request_timeout)
    if probe.status != 200:
        why = probe.error or f"answered {probe.status}"
        log(f"    push -> visible: skipped: {PUSH_FEED} {why}")
        if probe.error:
            server.restart(args.start_timeout)
        return {"skipped": f"too slow: {PUSH_FEED} {why}", "feed_s": round(probe.seconds, 2)}
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {PUSH_TOKEN}", "Content-Type": "application/rss+xml"}
    for i in range(args.pushes):
        if time.perf_counter() - started > args.push_budget:
            failures.append(f"stopped after {i} pushes: --push-budget {args.push_budget:g} s")
            break
        token = f"p{stamp}x{i:04d}"
        body = push_rss(token, corpus.now_utc())
        needle = f"Push probe {token}:".encode()
        t0 = time.perf_counter()
        r = fetch(
            server.port, f"/ingest/{PUSH_SOURCE}", args.request_timeout, "POST", body, headers
        )
        post_times.append(time.perf_counter() - t0)
        if r.status != 202 or b'"processed"' not in r.body:
            failures.append(f"push {i}: {r.status} {r.error or r.body[:200]!r}")
            if r.error:
                server.restart(args.start_timeout)
            continue
        n = 0
        while True:
            n += 1
            f = fetch(server.port, PUSH_FEED, args.request_timeout, headers=READER)
            if f.status == 200 and needle in unpacked(f):
                latencies.append(time.perf_counter() - t0)
                polls.append(n)
                break
            if time.perf_counter() - t0 > args.request_timeout or f.error:
                failures.append(
                    f"push {i}: not in {PUSH_FEED} after {time.perf_counter() - t0:.1f} s"
                )
                break
        if f.error:
            failures.append(f"stopped after push {i}: {PUSH_FEED} {f.error}")
            server.restart(args.start_timeout)
            break
    out: dict[str, Any] = {
        "feed_s": round(probe.seconds, 3),
        "pushes": len(post_times),
        "visible": len(latencies),
        "p50_ms": ms(percentile(latencies, 0.5)),
        "p99_ms": ms(percentile(latencies, 0.99)),
        "max_ms": ms(max(latencies) if latencies else None),
        "post_p50_ms": ms(percentile(post_times, 0.5)),
        "polls_per_push_mean": round(sum(polls) / len(polls), 2) if polls else None,
        "failures": failures[:10],
        "failure_count": len(failures),
    }
    log(
        f"    push -> visible: {out['visible']}/{out['pushes']} seen, p50 {fmt_ms(out['p50_ms'])}"
        f" p99 {fmt_ms(out['p99_ms'])} max {fmt_ms(out['max_ms'])} (POST alone p50 "
        f"{fmt_ms(out['post_p50_ms'])}, {out['polls_per_push_mean']} polls a push)"
        + (f"; {len(failures)} failed: {failures[0]}" if failures else "")
    )
    return out


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1e3, 2)


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def run_archive(
    archive: Archive, args: argparse.Namespace, nginx: Nginx, marker: dict[str, Any]
) -> dict[str, Any]:
    port = free_port()
    result: dict[str, Any] = {
        "store": archive.store,
        "size": archive.size,
        "build": {k: v for k, v in marker.items() if k != "chunks"},
        "load_before": loadavg(),
    }
    log(f"{archive.name}: copying the archive for this run")
    config, copy_s = working_copy(archive, args, port)
    result["copy_seconds"] = round(copy_s, 1)
    pages_dir = config.parent / "pages"
    pages_dir.mkdir()
    db_busy = on_stop = None
    if archive.store == "postgresql":
        mine = (
            f"FROM pg_stat_activity WHERE datname = '{archive.db_name}_work' "
            f"AND application_name = '{SERVE_APP}' AND pid <> pg_backend_pid()"
        )

        def db_busy() -> bool:
            return psql(args, f"SELECT count(*) {mine} AND state = 'active'") != "0"

        def on_stop() -> None:
            psql(args, f"SELECT count(pg_terminate_backend(pid)) {mine}")

    server = Server(args.wiredesk, config, port, config.parent / "serve.log", db_busy, on_stop)
    load: LoadIngest | None = None
    try:
        result["server_start_s"] = round(server.start(args.start_timeout), 2)
        log(
            f"{archive.name}: copy {copy_s:.1f} s, `wiredesk serve` answered /health after "
            f"{result['server_start_s']:.1f} s; idle pages (load {loadavg()}):"
        )
        idle, pages = measure_pages("idle", server, nginx, args, pages_dir, None)
        result["pages"] = idle
        if not args.skip_push:  # before the load ingest, so it sees the archive's size
            log(f"{archive.name}: push -> visible ({args.pushes} pushes, one at a time):")
            result["push"] = push_to_visible(server, args)
        if not args.skip_ingest:
            log(f"{archive.name}: pages during an ingest of {args.ingest_items:,} new items:")
            load = LoadIngest(archive, args, config)
            load.start()
            during, _ = measure_pages("ingest", server, nginx, args, pages_dir, pages, load)
            result["pages"] += during
            log("    (letting the running ingest batch finish)")
            load.finish(args.ingest_timeout)
            result["ingest_batches"] = load.report()
            for b in result["ingest_batches"]:
                log(
                    f"    ingest of {b['items']:,} items alongside: {b.get('seconds', '-')} s "
                    f"({b.get('items_per_s', '-')} items/s), exit {b.get('exit_code')}"
                    + (f"; {b['error']}" if b.get("error") else "")
                )
        result["server_restarts"] = server.restarts
    finally:
        if load is not None:
            load.active = False
            if load.proc is not None:
                kill_group(load.proc)
        server.stop()
        result["load_after"] = loadavg()
        if args.keep_work:
            log(f"{archive.name}: working copy kept in {config.parent}")
        else:
            drop_working_copy(archive, args)
    return result


# --- output --------------------------------------------------------------------------------


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "store", "size", "phase", "page", "cold", "p50", "p99", "req/s",
        "nginx req/s", "ratio", "bytes", "note",
    )  # fmt: skip
    rows: list[tuple[str, ...]] = [head]
    for r in results:
        for p in r.get("pages", []):
            wd, ng = p.get("wiredesk", {}), p.get("nginx", {})
            note = p.get("skipped", "")
            for key in ("non_2xx", "timeouts", "socket_errors"):
                if wd.get(key) and not (key == "non_2xx" and p["page"] == "404"):
                    note += f" {key.replace('_', '-')} {wd[key]}"
            overlap = p.get("ingest_overlap", {}).get("wiredesk")
            if overlap is not None and overlap < 0.99:
                note += f" ingest ran for {overlap:.0%} of wrk"
            if wd.get("requests") == 0 and "skipped" not in p:
                note += f" no request completed in {wd.get('seconds', 0):.0f} s"
            if p.get("note"):
                note += " restarted: still busy after wrk"
            if wd.get("error"):
                note += f" wrk: {wd['error'][:60]}"
            rows.append(
                (
                    r["store"],
                    size_label(r["size"]),
                    p["phase"],
                    p["page"],
                    f"{p['cold_s'] * 1e3:,.1f} ms" if p.get("cold_s") is not None else "-",
                    fmt_ms(wd.get("p50_ms")),
                    fmt_ms(wd.get("p99_ms")),
                    f"{wd['req_s']:,.1f}" if "req_s" in wd else "-",
                    f"{ng['req_s']:,.0f}" if "req_s" in ng else "-",
                    fmt_ratio(p.get("ratio")),
                    f"{p.get('bytes', 0):,}",
                    note.strip(),
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    extra = []
    for r in results:
        name = f"{r['store']} {size_label(r['size'])}"
        if "error" in r:
            extra.append(f"{name}: FAILED: {r['error'].splitlines()[0]}")
            continue
        build = r.get("build", {})
        if build.get("ingest_seconds"):
            n, secs = build["items"], build["ingest_seconds"]
            db_mb = (build.get("db_bytes") or 0) / 1e6
            extra.append(
                f"{name}: archive of {n:,} items, built by `wiredesk ingest --once` in "
                f"{secs:,.0f} s ({n / secs:,.0f} items/s) + "
                f"{build.get('generate_seconds', 0):,.0f} s writing the feeds; database "
                f"{db_mb:,.0f} MB; this run: copy {r.get('copy_seconds', '-')} s, serve up in "
                f"{r.get('server_start_s', '-')} s, {r.get('server_restarts', 0)} server restarts"
            )
        for b in r.get("ingest_batches", []):
            extra.append(
                f"{name}: ingest of {b['items']:,} items during the page runs took "
                f"{b.get('seconds', '-')} s ({b.get('items_per_s', '-')} items/s)"
            )
        if "push" in r and "skipped" in r["push"]:
            extra.append(f"{name}: push -> visible: {r['push']['skipped']}")
        elif "push" in r:
            p = r["push"]
            extra.append(
                f"{name}: push -> visible in {PUSH_FEED}: p50 {fmt_ms(p['p50_ms'])}, p99 "
                f"{fmt_ms(p['p99_ms'])}, max {fmt_ms(p['max_ms'])} ({p['visible']} of "
                f"{p['pushes']} pushes seen)"
            )
    return "\n".join(lines + (["", *extra] if extra else []))


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "machine": platform.machine(),
        "cpu": cpu,
        "python": platform.python_version(),
        "load": loadavg(),
    }


def check_tools(args: argparse.Namespace) -> str | None:
    """The nginx binary; exits with one line when wrk or nginx is missing."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    missing = [
        name for name, found in (("wrk", shutil.which("wrk")), ("nginx", nginx)) if not found
    ]
    if missing and not args.build_only:
        sys.exit(f"bench/site.py: {' and '.join(missing)} not found; run scripts/bench-setup")
    if not Path(args.wiredesk).exists():
        sys.exit(f"bench/site.py: {args.wiredesk} not found; install wiredesk (pip install -e .)")
    if "postgresql" in args.stores:
        try:
            socket.create_connection((args.pg_host, args.pg_port), 3).close()
        except OSError:
            sys.exit(
                f"bench/site.py: no PostgreSQL at {args.pg_host}:{args.pg_port}; start it"
                " (scripts/bench-setup starts a local one) or leave postgresql out of --stores"
            )
        if not shutil.which("psql"):
            sys.exit("bench/site.py: psql not found (Debian: apt-get install postgresql-client)")
    return nginx


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument("--sizes", default="1k,100k", help="archive sizes in items, e.g. 1k,100k,1m")
    ap.add_argument("--stores", default="sqlite,postgresql", help="sqlite and/or postgresql")
    ap.add_argument("--duration", type=float, default=8.0, help="seconds of each wrk run")
    ap.add_argument("--connections", type=int, default=32, help="wrk keep-alive connections")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--skip-ingest", action="store_true", help="no pages-during-ingest phase")
    ap.add_argument("--skip-push", action="store_true", help="no push-to-visible phase")
    ap.add_argument("--rebuild", action="store_true", help="build the archives again")
    ap.add_argument("--build-only", action="store_true", help="build (or resume) and stop")
    ap.add_argument("--data-dir", type=Path, default=HERE / "out" / "site-data")
    ap.add_argument("--json", type=Path, help="write every figure to this JSON file")
    ap.add_argument("--show", type=Path, help="print the table of a saved --json file and stop")
    ap.add_argument("--wiredesk", default=str(REPO / ".venv" / "bin" / "wiredesk"))
    ap.add_argument("--label", default="", help="free text kept in the JSON (e.g. a commit)")
    ap.add_argument("--pages", default=",".join(PAGE_NAMES), help="pages to measure")
    ap.add_argument("--section", default="desh", help="the section page measured")
    ap.add_argument("--request-timeout", type=float, default=30.0, help="cap on one request")
    ap.add_argument(
        "--slow-threshold",
        type=float,
        default=5.0,
        help="a page whose cold request takes longer is recorded as too slow, not loaded",
    )
    ap.add_argument(
        "--settle-timeout",
        type=float,
        default=20.0,
        help="after wrk, wait this long for the server to finish what wrk left, then restart it",
    )
    ap.add_argument("--start-timeout", type=float, default=300.0, help="for `wiredesk serve`")
    ap.add_argument("--ingest-items", type=int, default=20_000, help="items in the load ingest")
    ap.add_argument("--ingest-timeout", type=float, default=3600.0)
    ap.add_argument("--pushes", type=int, default=200)
    ap.add_argument("--push-budget", type=float, default=600.0, help="seconds for all pushes")
    ap.add_argument("--nginx-workers", default="1", help="nginx worker_processes (1 or auto)")
    ap.add_argument("--chunk-items", type=int, default=20_000, help="items per build ingest")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep-work", action="store_true", help="keep each run's working copy")
    ap.add_argument("--pg-host", default="127.0.0.1")
    ap.add_argument("--pg-port", type=int, default=5432)
    ap.add_argument("--pg-user", default="postgres")
    args = ap.parse_args(argv)
    args.sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    bad = set(args.stores) - {"sqlite", "postgresql"}
    if bad:
        ap.error(f"unknown store(s): {', '.join(sorted(bad))}")
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    if not set(args.pages) <= set(PAGE_NAMES):
        ap.error(f"--pages takes {', '.join(PAGE_NAMES)}")
    args.wiredesk = str(Path(args.wiredesk).absolute())
    return args


@contextlib.contextmanager
def torn_down() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C; whatever is still running is stopped on the way out."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        yield
    finally:
        for proc in list(_children):
            kill_group(proc, grace=5.0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.show:
        saved = json.loads(args.show.read_text("utf-8"))
        log(table(saved["results"]))
        return 0
    nginx_bin = check_tools(args)
    meta = machine() | {
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "wiredesk": wiredesk_version(args.wiredesk),
        "label": args.label,
        "nginx_workers": args.nginx_workers,
    }
    log(
        f"bench/site.py: {meta['nproc']} cores ({meta['cpu']}), {meta['machine']}, Python "
        f"{meta['python']}, load {meta['load']}; wiredesk: {meta['wiredesk']} ({args.wiredesk})"
    )
    results: list[dict[str, Any]] = []
    with torn_down():
        archives = [
            Archive(store, size, args.data_dir / f"{store}-{size_label(size)}")
            for size in args.sizes
            for store in args.stores
        ]
        markers = {}
        for a in archives:
            markers[a.name] = ensure_archive(a, args)
        if args.build_only:
            return 0
        assert nginx_bin is not None
        nginx = Nginx(nginx_bin, args.nginx_workers)
        try:
            nginx.start()
            log(f"nginx: {args.nginx_workers} worker(s) on port {nginx.port}")
            for a in archives:
                try:
                    results.append(run_archive(a, args, nginx, markers[a.name]))
                except RuntimeError as e:
                    log(f"{a.name}: FAILED: {e}")
                    results.append({"store": a.store, "size": a.size, "error": str(e)})
        finally:
            nginx.stop()
    meta["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    meta["load_after"] = loadavg()
    log("")
    log(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False) + "\n"
        )
        log(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
