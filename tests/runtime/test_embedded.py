"""The one-box runtime as an operator meets it: the socket, and stopping whatever runs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from wiredesk.runtime.embedded import bind_socket

WIREDESK = str(Path(sys.executable).parent / "wiredesk")


def test_every_accepted_connection_has_nagle_off() -> None:
    """Responses on kept-alive connections must not wait for the client's delayed ACK: the
    listening socket says it is TCP, so asyncio (and uvicorn on it) sets TCP_NODELAY on every
    connection it accepts."""
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    seen: list[int] = []

    async def main() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            conn = writer.get_extra_info("socket")
            seen.append(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(main())
    assert seen == [1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sigterm_stops_serve_within_seconds_while_a_write_waits_on_a_lock(
    tmp_path: Path,
) -> None:
    """A push waits for the database (another process holds SQLite's write lock, and would
    for 30 s): `wiredesk serve` still stops within seconds of SIGTERM, and the site answered
    until then."""
    db = tmp_path / "site.db"
    cfg = tmp_path / "wiredesk.toml"
    token = "t" * 32
    cfg.write_text(
        '[site]\nname = "Desk"\nlanguage = "en"\n'
        f'database = "sqlite:///{db}"\ndata_dir = "{tmp_path}"\n'
        '[[sources]]\nid = "wire"\nname = "Wire"\n'
        f'push_token = "{token}"\n',
        encoding="utf-8",
    )
    port = _free_port()
    proc = subprocess.Popen(
        [WIREDESK, "serve", "--config", str(cfg), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        holder = sqlite3.connect(db, timeout=1)
        holder.execute("BEGIN EXCLUSIVE")  # the write lock, as another writer would hold it

        def push() -> None:
            feed = (
                '<rss version="2.0"><channel><title>t</title><item><guid>g</guid>'
                "<title>h</title><description>d</description></item></channel></rss>"
            )
            with contextlib.suppress(httpx.HTTPError):  # the server went away under it
                httpx.post(
                    url + "/ingest/wire",
                    content=feed,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )

        pusher = threading.Thread(target=push, daemon=True)
        pusher.start()
        time.sleep(1.0)  # the push is now waiting for the lock
        assert httpx.get(url + "/", timeout=5).status_code == 200  # pages still answer
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        assert time.monotonic() - started < 15
        holder.rollback()
        holder.close()
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_says_in_its_log_when_its_syndication_index_is_ready_and_how_big(
    tmp_path: Path,
) -> None:
    """The index loads in the background at start (ingest/grouping.py); the operator sees one
    line when it is ready, with how many copies it holds."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    dropped = inbox / "one.xml"
    dropped.write_text(
        '<rss version="2.0"><channel><title>t</title><item><guid>g-1</guid>'
        "<title>Floods close schools</title><description>Heavy rain closed the schools of the "
        "city on Friday.</description></item></channel></rss>",
        encoding="utf-8",
    )
    os.utime(dropped, (1_700_000_000, 1_700_000_000))  # settled
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        '[site]\nname = "Desk"\nlanguage = "en"\n'
        f'database = "sqlite:///{tmp_path / "site.db"}"\ndata_dir = "{tmp_path}"\n'
        '[[sources]]\nid = "drop"\nname = "Drop"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    once = subprocess.run(
        [WIREDESK, "ingest", "--once", "--config", str(cfg)], capture_output=True, timeout=120
    )
    assert once.returncode == 0, once.stderr
    proc = subprocess.Popen(
        [WIREDESK, "serve", "--config", str(cfg), "--port", str(_free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    safety = threading.Timer(60, proc.kill)  # only if the line never comes
    safety.start()
    try:
        assert proc.stderr is not None
        said = next((line for line in proc.stderr if "syndication index" in line), "")
        assert (
            "syndication index ready: 1 fingerprints of the copies that arrived in the last 72 "
            "hours, loaded in "
        ) in said
    finally:
        safety.cancel()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
