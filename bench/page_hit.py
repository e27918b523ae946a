"""What a page-cache hit costs in the site's own middleware, plain and compressed.

Compressed bodies are made once per render and kept beside the plain one (channels/web/
encoding.py), so a hit should cost about what it did before compression: a look-up of the
reader's `Accept-Encoding` and nothing more. This calls the application directly through
ASGI (no server, no sockets), so only the middleware and the cache are timed; uvicorn's own
work per request, tens of microseconds, comes on top.

    PYTHONPATH=src .venv/bin/python bench/page_hit.py [hits]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.channels.channels_support import T0, Clock, make_settings, story_item  # noqa: E402
from wiredesk.model import Envelope, Transport  # noqa: E402
from wiredesk.runtime.embedded import site_app  # noqa: E402
from wiredesk.store.database import Database  # noqa: E402
from wiredesk.store.ledger import copies, envelopes  # noqa: E402

BROWSER = b"gzip, deflate, br, zstd"


async def get(app: Any, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    """One GET of the home page; the messages the application sent."""
    out: list[dict[str, Any]] = []
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "headers": headers,
        "http_version": "1.1",
        "scheme": "http",
        "server": ("bench", 80),
        "client": ("reader", 1),
        "root_path": "",
        "state": {},
    }
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b""}
        await asyncio.sleep(3600)  # the reader stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        out.append(message)

    await app(scope, receive, send)
    return out


async def main(hits: int) -> None:
    folder = Path(tempfile.mkdtemp())
    db = Database.open(f"sqlite:///{folder / 'wiredesk.db'}")
    env, _ = envelopes.record(
        db,
        Envelope(
            source_id="ians",
            payload=b"bench",
            transport=Transport.HTTP,
            location="https://wire.example/feed.xml",
        ),
    )
    copies.save(db, "ians", [story_item(n) for n in range(1, 30)], env, now=T0 + timedelta(hours=2))
    app = site_app(make_settings(folder, "hi"), db, clock=Clock(), follow_changes_every=3600)
    for label, headers in (
        ("no Accept-Encoding", []),
        (BROWSER.decode(), [(b"accept-encoding", BROWSER)]),
    ):
        size = len((await get(app, headers))[-1]["body"])  # the render, kept
        started = time.perf_counter()
        for _ in range(hits):
            await get(app, headers)
        per_hit = (time.perf_counter() - started) / hits
        print(f"{label}: {size:,} bytes sent, {per_hit * 1e6:.1f} µs per hit ({hits:,} hits)")
    db.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000))
