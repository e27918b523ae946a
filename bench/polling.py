"""Benchmark: one wiredesk process polls 1,000 feeds on a local server, twice.

The server (its own process, so its CPU and memory are not the poller's) listens on 50 loopback
addresses, 20 feeds each, the way a poller meets many agencies' hosts: most feeds answer 200
the first time and 304 to the conditional request after it, 5 % are slow (2-5 s before the
first byte), 5 % fail (500, connection reset, 404).

The poller is the real `Scheduler` over SQLite, with the settings' defaults for concurrency
(`max_concurrent_polls`, `max_requests_per_host`): round 1 fetches and stores every feed (full
bodies: 5,000 stories), round 2 is the next poll of every source, mostly 304s. For round 2 the
scheduler's clock is moved a day ahead, so every source is due at once instead of 300 s later.

The reference, measured in the same run against the same server, is a bare httpx loop with the
same concurrency and per-host limit and the same conditional requests, storing nothing: what
polling alone costs on this machine, so the ratio holds when the machine is busy.

    .venv/bin/python bench/polling.py               # both, printed as a table
    .venv/bin/python bench/polling.py --feeds 200   # a quicker look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

HOSTS = 50  # loopback addresses 127.0.0.1 .. 127.0.0.50
ITEMS_PER_FEED = 5
TARGET_SECONDS = 60.0
TARGET_RSS_MB = 150.0


# --- the server --------------------------------------------------------------------------


def kind_of(n: int) -> str:
    """Every 20th feed from 7 is slow, from 13 failing; the rest answer normally."""
    if n % 20 == 7:
        return "slow"
    if n % 20 == 13:
        return ("error-500", "reset", "error-404")[n // 20 % 3]
    return "normal"


def feed_body(n: int) -> bytes:
    from datetime import UTC, datetime
    from xml.sax.saxutils import escape

    when = datetime(2026, 2, 5, 6, 0, tzinfo=UTC)
    items = "".join(
        f'<item><guid isPermaLink="false">feed{n}-story{k}</guid>'
        f"<title>{escape(f'Feed {n} story {k}: ' + _paragraphs(n, k)[3:40])}</title>"
        f"<link>https://agency{n % HOSTS}.example/{n}/{k}</link>"
        f"<pubDate>{format_datetime(when + timedelta(minutes=n + k))}</pubDate>"
        f"<description>{escape(_paragraphs(n, k))}</description></item>"
        for k in range(ITEMS_PER_FEED)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Agency feed {n}</title><link>https://agency{n % HOSTS}.example/</link>"
        f"<description>wire</description><language>en</language>{items}</channel></rss>"
    ).encode()


_SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


def _paragraphs(n: int, k: int) -> str:
    """Distinct text per story, as real wires send: the near-duplicate stage must not see
    5,000 copies of one template (it would, rightly, spend its time grouping them)."""
    import random

    rng = random.Random(n * 1000 + k)

    def sentence() -> str:
        words = [
            "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(8, 16))
        ]
        return " ".join(words).capitalize() + "."

    return "".join("<p>" + " ".join(sentence() for _ in range(3)) + "</p>" for _ in range(3))


async def serve(feeds: int, port_file: Path) -> None:
    bodies = {n: feed_body(n) for n in range(feeds)}
    etags = {n: f'"f{n}-{len(b)}"' for n, b in bodies.items()}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                n = int(path.rsplit("/", 1)[1].split(".")[0])
                kind = kind_of(n)
                if kind == "slow":
                    await asyncio.sleep(2 + n % 4)
                if kind == "reset":
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                    writer.transport.abort()
                    return
                if kind.startswith("error-"):
                    code = kind.split("-")[1]
                    msg = b"oops"
                    status = f"{code} {'Internal Server Error' if code == '500' else 'Not Found'}"
                    writer.write(
                        f"HTTP/1.1 {status}\r\nContent-Length: {len(msg)}\r\n\r\n".encode() + msg
                    )
                elif headers.get("if-none-match") == etags[n]:
                    writer.write(f"HTTP/1.1 304 Not Modified\r\nETag: {etags[n]}\r\n\r\n".encode())
                else:
                    body = bodies[n]
                    writer.write(
                        (
                            "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                            f"ETag: {etags[n]}\r\nContent-Length: {len(body)}\r\n\r\n"
                        ).encode()
                        + body
                    )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    first = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port = first.sockets[0].getsockname()[1]
    servers = [first] + [
        await asyncio.start_server(handle, f"127.0.0.{h}", port, backlog=1024)
        for h in range(2, HOSTS + 1)
    ]
    port_file.write_text(str(port))
    await asyncio.gather(*(s.serve_forever() for s in servers))


def feed_url(port: int, n: int) -> str:
    return f"http://127.0.0.{n % HOSTS + 1}:{port}/feed/{n}.xml"


# --- the wiredesk poller -----------------------------------------------------------------


def write_config(folder: Path, port: int, feeds: int) -> Path:
    sources = "".join(
        f'[[sources]]\nid = "feed-{n}"\nname = "Feed {n}"\nurl = "{feed_url(port, n)}"\n'
        "allow_private = true\n\n"
        for n in range(feeds)
    )
    cfg = folder / "wiredesk.toml"
    cfg.write_text(
        f'[site]\nbase_url = "https://news.example"\ndata_dir = "data"\n\n{sources}',
        encoding="utf-8",
    )
    return cfg


def poll_with_wiredesk(cfg: Path) -> dict[str, Any]:
    import logging

    from wiredesk.channels.health import source_health
    from wiredesk.config import load_settings
    from wiredesk.ingest.scheduler import Scheduler
    from wiredesk.model import utcnow
    from wiredesk.runtime.database import open_database

    logging.basicConfig(level=logging.ERROR)
    settings = load_settings(cfg)
    db = open_database(settings)
    total = len(settings.sources)
    rounds: list[dict[str, Any]] = []

    async def one_round(shift: timedelta) -> dict[str, Any]:
        first: dict[str, Any] = {}  # each source's first report in this round
        done = asyncio.Event()

        def on_report(report: Any) -> None:
            first.setdefault(report.source_id, report)
            if len(first) >= total:
                done.set()

        scheduler = Scheduler(settings, db, on_report=on_report, clock=lambda: utcnow() + shift)
        t0, c0 = time.perf_counter(), time.process_time()
        task = asyncio.create_task(scheduler.run())
        await done.wait()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return {
            "wall": wall,
            "cpu": cpu,
            "ok": sum(r.ok for r in first.values()),
            "not_modified": sum(r.not_modified for r in first.values()),
            "failed": sum(not r.ok for r in first.values()),
            "new_stories": sum(r.new_stories for r in first.values()),
        }

    rounds.append(asyncio.run(one_round(timedelta(0))))
    rounds.append(asyncio.run(one_round(timedelta(days=1))))
    failing = sum(h.failing for h in source_health(db.engine, settings))
    db.close()
    return {
        "rounds": rounds,
        "failing_in_health": failing,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "concurrency": settings.site.max_concurrent_polls,
        "per_host": settings.site.max_requests_per_host,
    }


# --- the reference: httpx alone ----------------------------------------------------------


def poll_with_httpx(port: int, feeds: int, concurrency: int, per_host: int) -> dict[str, Any]:
    import httpx

    etags: dict[int, str] = {}

    async def one_round(client: httpx.AsyncClient) -> dict[str, Any]:
        slots = asyncio.Semaphore(concurrency)
        hosts = {h: asyncio.Semaphore(per_host) for h in range(HOSTS)}
        counts = {"ok": 0, "not_modified": 0, "failed": 0}

        async def one(n: int) -> None:
            async with slots, hosts[n % HOSTS]:
                headers = {"If-None-Match": etags[n]} if n in etags else {}
                try:
                    r = await client.get(feed_url(port, n), headers=headers)
                except httpx.HTTPError:
                    counts["failed"] += 1
                    return
                if r.status_code == 304:
                    counts["not_modified"] += 1
                elif r.is_success:
                    etags[n] = r.headers.get("etag", "")
                    counts["ok"] += 1
                else:
                    counts["failed"] += 1

        t0, c0 = time.perf_counter(), time.process_time()
        await asyncio.gather(*(one(n) for n in range(feeds)))
        return {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0, **counts}

    async def main() -> list[dict[str, Any]]:
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(timeout=30, limits=limits, trust_env=False) as client:
            return [await one_round(client), await one_round(client)]

    rounds = asyncio.run(main())
    return {
        "rounds": rounds,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --- the run -----------------------------------------------------------------------------


def child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"{args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--wiredesk", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--httpx", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.feeds, args.serve))
        return
    if args.wiredesk:
        print(json.dumps(poll_with_wiredesk(args.wiredesk)))
        return
    if args.httpx:
        port, concurrency, per_host = args.httpx
        print(json.dumps(poll_with_httpx(port, args.feeds, concurrency, per_host)))
        return

    with tempfile.TemporaryDirectory(prefix="wiredesk-polling-") as tmp:
        folder = Path(tmp)
        port_file = folder / "port"
        server = subprocess.Popen(
            [sys.executable, __file__, "--feeds", str(args.feeds), "--serve", str(port_file)]
        )
        try:
            deadline = time.monotonic() + 30
            while not port_file.exists() or not port_file.read_text():
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the feed server did not start")
                time.sleep(0.05)
            port = int(port_file.read_text())
            cfg = write_config(folder, port, args.feeds)
            load = os.getloadavg()[0]
            wd = child("--wiredesk", str(cfg))
            ref = child("--feeds", str(args.feeds), "--httpx", str(port),
                        str(wd["concurrency"]), str(wd["per_host"]))  # fmt: skip
            load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            server.wait(10)
    report(args.feeds, wd, ref, load, load_after)


def report(feeds: int, wd: dict[str, Any], ref: dict[str, Any], load: float, after: float) -> None:
    print(
        f"{feeds} feeds on {HOSTS} loopback hosts; concurrency {wd['concurrency']}, "
        f"{wd['per_host']} per host; load {load:.2f} -> {after:.2f}; {os.cpu_count()} cores"
    )
    print(f"{'':10} {'round':>5} {'wall s':>7} {'cpu s':>6} {'200':>5} {'304':>5} {'failed':>6}")
    for name, result in (("wiredesk", wd), ("httpx", ref)):
        for i, r in enumerate(result["rounds"], 1):
            print(
                f"{name:10} {i:>5} {r['wall']:7.2f} {r['cpu']:6.2f} "
                f"{r['ok'] - r.get('not_modified', 0) if name == 'wiredesk' else r['ok']:>5} "
                f"{r['not_modified']:>5} {r['failed']:>6}"
            )
    print(f"peak RSS: wiredesk {wd['max_rss_mb']:.0f} MB, httpx alone {ref['max_rss_mb']:.0f} MB")
    print(f"sources failing in `wiredesk sources` after round 2: {wd['failing_in_health']}")
    for i in (0, 1):
        w, h = wd["rounds"][i]["wall"], ref["rounds"][i]["wall"]
        print(f"round {i + 1}: wiredesk / httpx wall time = {w / h:.2f}")
    worst = max(r["wall"] for r in wd["rounds"])
    ok = worst <= TARGET_SECONDS and wd["max_rss_mb"] <= TARGET_RSS_MB
    print(
        f"target (each round <= {TARGET_SECONDS:g} s, RSS <= {TARGET_RSS_MB:g} MB): "
        + ("met" if ok else "MISSED")
    )


if __name__ == "__main__":
    main()
