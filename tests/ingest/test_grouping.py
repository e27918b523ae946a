"""Grouping saved items into stories at ingest: the cases a feed really produces beyond the
simple one (the end-to-end policy test covers that)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import Connection, delete, event, func, select

from tests.e2e.test_duplicates_policy import HEADLINE, make_settings, seed_lines
from wiredesk.ingest import grouping as grouping_module
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database
from wiredesk.store.operator import memberships as story_rows
from wiredesk.store.schema import envelopes, item_fingerprints, items
from wiredesk.syndication.fingerprint import SCHEME

T0 = datetime(2022, 2, 5, 9, 0, tzinfo=UTC)


def rss_items(*entries: tuple[str, list[str], datetime]) -> bytes:
    body = "".join(
        f'<item><title>{escape(HEADLINE)}</title><guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(''.join(f'<p>{p}</p>' for p in paras))}</description></item>"
        for guid, paras, when in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>w</title>'
        f"<link>https://w.example/</link><description>d</description>{body}</channel></rss>"
    ).encode()


def send(store: Database, settings: object, source_id: str, payload: bytes, at: datetime) -> None:
    source = settings.source(source_id)  # type: ignore[attr-defined]
    env = Envelope(source_id, payload, Transport.PUSH, "push", received_at=at)
    assert accept(settings, store, source, env).error is None  # type: ignore[arg-type]


@pytest.fixture
def setup(tmp_path: Path, db_url: str) -> tuple[Database, object]:
    settings = make_settings(tmp_path, db_url, "link")
    store = Database.open(db_url)
    yield store, settings
    store.close()


def test_a_payload_carrying_one_story_twice_keeps_one_fingerprint_and_its_story(
    setup: tuple[Database, object], caplog: pytest.LogCaptureFixture
) -> None:
    store, settings = setup
    story = seed_lines()[:5]
    caplog.set_level(logging.ERROR, logger="wiredesk.ingest.grouping")
    send(store, settings, "pti", rss_items(("pti-1", story[:3], T0)), T0)
    v2 = ("pti-1", story[:4], T0 + timedelta(minutes=5))
    v3 = ("pti-1", story, T0 + timedelta(minutes=6))  # one payload, two newer versions
    send(store, settings, "pti", rss_items(v2, v3), T0 + timedelta(minutes=6))
    send(store, settings, "ians", rss_items(("ians-1", story, T0)), T0 + timedelta(minutes=7))
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(item_fingerprints)).scalar() == 2
    assert len({r.story_id for r in story_rows(store, T0 + timedelta(hours=1))}) == 1


def test_new_copies_of_stored_stories_are_joined_with_one_read_of_what_they_join(
    setup: tuple[Database, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A payload of new copies reads the copies they match in one query, not one per match,
    and joins each to its own story."""
    store, settings = setup
    lines = seed_lines()
    first, second = lines[1:3], lines[3:5]
    other = ["यह बिल्कुल अलग खबर है। इसमें बाजार और मौसम की बात है।", "दूसरा पैरा भी अलग है।"]
    send(store, settings, "pti", rss_items(("pti-1", first, T0), ("pti-2", second, T0)), T0)
    reads: list[list[str]] = []
    real_facts = grouping_module.stories.facts

    def facts(db: Database, short_ids: list[str], conn: object = None) -> object:
        reads.append(list(short_ids))
        return real_facts(db, short_ids, conn)  # type: ignore[arg-type]

    monkeypatch.setattr(grouping_module.stories, "facts", facts)
    later = T0 + timedelta(minutes=3)
    copies = (("ians-1", first, T0), ("ians-2", second, T0), ("ians-3", other, T0))
    send(store, settings, "ians", rss_items(*copies), later)
    assert [len(r) for r in reads if r] == [2]  # both matched copies, in one read
    story = {r.guid: r.story_id for r in story_rows(store, T0 + timedelta(hours=1))}
    assert story["ians-1"] == story["pti-1"] != story["ians-2"] == story["pti-2"]
    assert story["ians-3"] not in (story["pti-1"], story["pti-2"])


def test_a_match_whose_item_was_deleted_is_skipped_not_joined(
    setup: tuple[Database, object],
) -> None:
    store, settings = setup
    story = seed_lines()[:5]
    send(store, settings, "pti", rss_items(("pti-1", story, T0)), T0)
    assert len(grouping_module._indexes[store]) == 1  # the process's index knows it
    with store.engine.begin() as conn:  # an operator removes it behind the index's back
        conn.execute(delete(items))
    send(store, settings, "ians", rss_items(("ians-1", story, T0)), T0 + timedelta(minutes=2))
    [row] = story_rows(store, T0 + timedelta(hours=1))
    assert row.source_id == "ians" and row.lead_path == row.path


def test_fingerprints_of_an_older_wiredesk_are_redone_so_old_stories_still_gather_copies(
    setup: tuple[Database, object], caplog: pytest.LogCaptureFixture
) -> None:
    """An upgrade that changes the fingerprint scheme must not orphan the stories already
    stored: the index rebuilds their fingerprints from the stored text at start."""
    store, settings = setup
    story = seed_lines()[:5]
    send(store, settings, "pti", rss_items(("pti-1", story, T0)), T0)
    with store.engine.begin() as conn:  # what an older wiredesk left: scheme byte 1
        for item_id, sig, feats in conn.execute(
            select(
                item_fingerprints.c.item_id,
                item_fingerprints.c.signature,
                item_fingerprints.c.features,
            )
        ).all():
            conn.execute(
                item_fingerprints.update()
                .where(item_fingerprints.c.item_id == item_id)
                .values(signature=b"\x01" + bytes(sig)[1:], features=b"\x01" + bytes(feats)[1:])
            )
    grouping_module.forget_index(store)  # as after a restart
    caplog.set_level(logging.INFO, logger="wiredesk.ingest.grouping")
    send(store, settings, "ians", rss_items(("ians-1", story, T0)), T0 + timedelta(minutes=2))
    assert "1 fingerprints of an older wiredesk recomputed" in caplog.text
    rows = story_rows(store, T0 + timedelta(hours=1))
    assert len(rows) == 2 and len({r.story_id for r in rows}) == 1  # the copy joined the story
    with store.engine.connect() as conn:
        schemes = {
            bytes(s)[0] for s in conn.execute(select(item_fingerprints.c.signature)).scalars()
        }
    assert schemes == {SCHEME}  # the redone fingerprint was persisted, not only kept in memory


def test_a_payload_is_stored_raw_then_saved_grouped_and_closed_in_one_transaction(
    setup: tuple[Database, object],
) -> None:
    """Raw first, committed on its own; then the copies, their stories and the envelope's
    end commit together. Each transaction is several round trips to a PostgreSQL server
    (a one-item push used to take four), and one commit means no moment where the copies
    are saved but their payload still reads as unprocessed."""
    store, settings = setup
    commits: list[object] = []

    def note(*_: object) -> None:
        commits.append(1)

    event.listen(store.engine, "commit", note)
    try:
        send(store, settings, "pti", rss_items(("pti-1", seed_lines()[1:3], T0)), T0)
    finally:
        event.remove(store.engine, "commit", note)
    # PostgreSQL: the raw payload is one statement in autocommit (no COMMIT to send)
    assert len(commits) == (1 if store.dialect == "postgresql" else 2)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(items)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(item_fingerprints)).scalar() == 1
        status = conn.execute(select(envelopes.c.status)).scalar()
    assert status == "processed"


def test_grouping_that_fails_leaves_the_copies_saved_each_a_story_of_its_own(
    setup: tuple[Database, object],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Grouping shares the save's transaction but not its fate: when it fails, its writes
    are rolled back, and the copies and the envelope's end are saved without it."""
    store, settings = setup
    lines = seed_lines()

    def broken(conn: Connection, *_: object) -> set[str]:
        conn.execute(delete(items))  # a write inside the savepoint, then a failure
        raise RuntimeError("grouping broke")

    send(store, settings, "pti", rss_items(("pti-1", lines[1:3], T0)), T0)
    monkeypatch.setattr(grouping_module.stories, "apply_in", broken)
    with caplog.at_level(logging.ERROR):
        send(store, settings, "ians", rss_items(("ians-1", lines[1:3], T0)), T0)
    assert "grouping stories failed" in caplog.text
    rows = story_rows(store, T0 + timedelta(hours=1))
    assert {r.guid for r in rows} == {"pti-1", "ians-1"}
    assert len({r.story_id for r in rows}) == 2  # not joined, but both shown
    with store.engine.connect() as conn:
        assert set(conn.execute(select(envelopes.c.status)).scalars()) == {"processed"}
