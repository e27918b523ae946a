"""Push-only sources live beside polled ones: the poller leaves them alone, and a pushed
payload goes through the same ingest path as a polled one."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.accept import accept
from wiredesk.ingest.polling import ingest_once
from wiredesk.ingest.scheduler import Scheduler
from wiredesk.ingest.write_lock import locked
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import source_state
from wiredesk.store.public.reader import PublicReader

TOKEN = "a-long-enough-token-123"
RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    "<link>https://agency.example/</link><description>d</description><language>hi</language>"
    '<item><guid isPermaLink="false">g-1</guid><title>ड्रॉप की खबर</title>'
    "<pubDate>Sat, 05 Feb 2022 14:00:00 GMT</pubDate><description>पाठ।</description></item>"
    "</channel></rss>"
)


def settings(tmp_path: Path, *, with_folder: bool = True) -> Settings:
    sources = [{"id": "pushed", "name": "Pushed", "push_token": TOKEN}]
    if with_folder:
        sources.append({"id": "drop", "name": "Drop", "folder": "inbox"})
    return parse_settings(
        {"site": {"language": "hi", "base_url": "https://news.example"}, "sources": sources},
        tmp_path / "wiredesk.toml",
    )


def test_ingest_once_polls_only_the_sources_it_can_poll(tmp_path: Path, store: Database) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.xml").write_text(RSS, encoding="utf-8")
    then = time.time() - 10
    os.utime(inbox / "a.xml", (then, then))
    reports = ingest_once(settings(tmp_path), store)
    assert [(r.source_id, r.ok, r.new_stories) for r in reports] == [("drop", True, 1)]
    assert source_state.get(store, "pushed") is None


def test_the_scheduler_has_nothing_to_do_for_push_only_sites(
    tmp_path: Path, store: Database
) -> None:
    async def run() -> None:
        await asyncio.wait_for(Scheduler(settings(tmp_path, with_folder=False), store).run(), 10)

    asyncio.run(run())  # returns instead of polling "nothing" forever
    assert source_state.get(store, "pushed") is None


def test_a_pushed_envelope_takes_the_polled_path_under_the_write_lock(
    tmp_path: Path, store: Database
) -> None:
    cfg = settings(tmp_path)
    source = cfg.source("pushed")
    assert source is not None
    env = Envelope("pushed", RSS.encode(), Transport.PUSH, "push from 127.0.0.1")
    lock = threading.Lock()
    first = locked(lock, accept, cfg, store, source, env)
    assert first.new and first.new_stories == 1 and not lock.locked()
    again = accept(cfg, store, source, env)
    assert not again.new and again.envelope_id == first.envelope_id
    assert [s.headline for s in PublicReader(store).list_copies()] == ["ड्रॉप की खबर"]
