"""The desk's queries and acts on real SQLite and PostgreSQL: the held queue, approve, reject
(final), the desk's fix beside the agency's version, failed pictures, the audit log read
back page by page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from tests.store.store_support import NOW, T0, envelope, wire_item
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, desk_queue, pictures
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import SearchQuery
from wiredesk.store.schema import item_versions
from wiredesk.text.search_keys import parse_query


def hold(store: Database, *guids: str, minutes: int = 0, **kw: object) -> None:
    """Copies from a source whose copies wait for approval."""
    env = envelope(store, f"p-{guids}".encode())
    copies.save(
        store,
        "ians",
        [wire_item(g, headline=f"ख़बर {g}", **kw) for g in guids],  # type: ignore[arg-type]
        env,
        auto_publish=False,
        now=T0 + timedelta(minutes=minutes),
    )


def public(store: Database) -> list[str]:
    return sorted(c.headline for c in PublicReader(store).list_copies(NOW, limit=100))


def queue_ids(store: Database) -> dict[str, int]:
    return {c.guid: c.item_id for c in desk_queue.held(store)}


def test_the_queue_is_the_held_copies_oldest_first_page_by_page(store: Database) -> None:
    hold(store, "b", minutes=2)
    hold(store, "a", minutes=1)
    hold(store, "c", "d", minutes=3)
    env = envelope(store, b"open")
    copies.save(store, "pti", [wire_item("open")], env, now=T0)  # published at once
    assert [c.guid for c in desk_queue.held(store)] == ["a", "b", "c", "d"]
    first = desk_queue.held(store, limit=3)
    last = first[-1]
    rest = desk_queue.held(store, limit=3, after=(last.first_seen_at, last.item_id))
    assert [c.guid for c in first] == ["a", "b", "c"] and [c.guid for c in rest] == ["d"]
    assert desk_queue.held_copy(store, last.item_id) == last
    assert public(store) == ["शी चिनफिंग की मुलाकात"]


def test_approve_publishes_once_and_is_audited_with_the_address(store: Database) -> None:
    hold(store, "a")
    item = queue_ids(store)["a"]
    assert desk_queue.approve(store, item, actor="editor asha", address="10.0.0.7", now=NOW)
    assert public(store) == ["ख़बर a"] and desk_queue.held(store) == []
    assert not desk_queue.approve(store, item, actor="editor asha", address=None, now=NOW)
    [entry] = desk_queue.audit_entries(store, action="approve")
    assert (entry.actor, entry.address, entry.item_id, entry.headline, entry.guid) == (
        "editor asha",
        "10.0.0.7",
        item,
        "ख़बर a",
        "a",
    )


def test_reject_is_final_whatever_the_agency_sends_later(store: Database) -> None:
    hold(store, "a")
    item = queue_ids(store)["a"]
    with pytest.raises(desk_queue.DeskActError, match="say why"):
        desk_queue.reject(store, item, reason=" ", actor="editor asha", address=None, now=NOW)
    assert desk_queue.reject(
        store, item, reason="libellous", actor="editor asha", address="10.0.0.7", now=NOW
    )
    assert desk_queue.held(store) == [] and public(store) == []
    assert not desk_queue.approve(store, item, actor="editor asha", address=None, now=NOW)
    assert not desk_queue.reject(
        store, item, reason="again", actor="editor asha", address=None, now=NOW
    )
    # a newer version from the agency changes nothing: the copy stays off and out of the queue
    env = envelope(store, b"v2")
    copies.save(
        store,
        "ians",
        [wire_item("a", headline="ख़बर a, नई", version=2)],
        env,
        auto_publish=False,
        now=NOW,
    )
    assert desk_queue.held(store) == [] and public(store) == []
    [entry] = desk_queue.audit_entries(store, action="reject")
    assert (entry.reason, entry.address) == ("libellous", "10.0.0.7")


def test_the_desks_headline_is_a_version_of_its_own_beside_the_agencys(store: Database) -> None:
    hold(store, "a", version=1)
    item = queue_ids(store)["a"]
    done = desk_queue.fix(
        store,
        item,
        headline="  सही   शीर्षक ",
        slug="sahi-shirshak",
        section="desh",
        actor="editor asha",
        address="10.0.0.7",
        now=NOW,
    )
    assert done == ["headline", "section"]
    [copy] = desk_queue.held(store)
    assert (copy.headline, copy.agency_headline, copy.edited, copy.section, copy.version) == (
        "सही शीर्षक",
        "ख़बर a",
        True,
        "desh",
        2,
    )
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(item_versions).where(item_versions.c.item_id == item).order_by("version")
        ).all()
    agency, desk = rows
    assert agency.headline == "ख़बर a" and not desk_queue.is_desk_version(agency.provenance)
    assert desk_queue.is_desk_version(desk.provenance)
    assert json.loads(desk.provenance)[-1]["action"] == "edited by the desk: headline"
    assert (desk.body_html, desk.envelope_id) == (agency.body_html, agency.envelope_id)
    # nothing to change is no change, and no audit entry
    assert desk_queue.fix(
        store, item, headline="सही शीर्षक", section="desh", actor="editor asha",
        address=None, now=NOW,
    ) == []  # fmt: skip
    assert len(desk_queue.audit_entries(store, action="desk-edit")) == 2

    desk_queue.approve(store, item, actor="editor asha", address=None, now=NOW)
    [shown] = PublicReader(store).list_copies(NOW)
    assert (shown.headline, shown.section, shown.slug) == ("सही शीर्षक", "desh", "sahi-shirshak")
    found = PublicReader(store).search(NOW, SearchQuery(parse_query("शीर्षक")))
    assert [c.headline for c in found.copies] == ["सही शीर्षक"]

    # a newer version from the agency is newer than the desk's fix: it is what shows
    env = envelope(store, b"v2")
    copies.save(store, "ians", [wire_item("a", headline="ख़बर a, अद्यतन", version=2)], env, now=NOW)
    assert public(store) == ["ख़बर a, अद्यतन"]


def test_only_a_waiting_copy_can_be_fixed_and_the_headline_must_be_one(store: Database) -> None:
    hold(store, "a")
    item = queue_ids(store)["a"]
    for headline, said in [(" ", "cannot be empty"), ("x" * 1001, "at most 1000")]:
        with pytest.raises(desk_queue.DeskActError, match=said):
            desk_queue.fix(store, item, headline=headline, actor="e", address=None, now=NOW)
    desk_queue.approve(store, item, actor="editor asha", address=None, now=NOW)
    with pytest.raises(desk_queue.DeskActError, match="no longer waiting"):
        desk_queue.fix(store, item, headline="नया", actor="e", address=None, now=NOW)
    assert public(store) == ["ख़बर a"]


def test_failed_pictures_of_a_source_newest_first(store: Database) -> None:
    for n, (source, error, retry) in enumerate(
        [
            ("ians", "HTTP 404", None),
            ("ians", "timed out", NOW + timedelta(minutes=5)),
            ("pti", "HTTP 500", None),
        ]
    ):
        pictures.record_attempt(
            store,
            source,
            f"https://a.example/{n}.jpg",
            now=T0 + timedelta(minutes=n),
            error=error,
            retry_at=retry,
        )
    found = desk_queue.failed_pictures(store, "ians")
    assert [(p.url, p.state, p.error) for p in found] == [
        ("https://a.example/1.jpg", "waiting", "timed out"),
        ("https://a.example/0.jpg", "failed", "HTTP 404"),
    ]
    assert found[0].next_try_at == NOW + timedelta(minutes=5)


def test_the_audit_log_read_back_filtered_and_by_key(store: Database) -> None:
    acts = [
        ("approve", "editor asha", 0),
        ("reject", "editor asha", 1),
        ("approve", "operator root", 1),
        ("kill", "agency ians", 2),
        ("reprocess", "editor bina", 2),
    ]
    for action, actor, hours in acts:
        desk_queue.record_act(
            store,
            action,
            actor,
            reason=f"{action} by {actor}",
            address="10.0.0.1",
            now=T0 + timedelta(hours=hours),
            subject="envelope 1",
        )
    every = desk_queue.audit_entries(store)
    assert [e.reason for e in every] == [
        "reprocess by editor bina",  # the same time: the later entry first
        "kill by agency ians",
        "approve by operator root",
        "reject by editor asha",
        "approve by editor asha",
    ]
    assert [e.action for e in desk_queue.audit_entries(store, actors=["editor asha"])] == [
        "reject",
        "approve",
    ]
    assert [e.actor for e in desk_queue.audit_entries(store, action="approve")] == [
        "operator root",
        "editor asha",
    ]
    window = desk_queue.audit_entries(
        store, since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=2)
    )
    assert [e.action for e in window] == ["approve", "reject"]
    page = desk_queue.audit_entries(store, limit=2)
    more = desk_queue.audit_entries(store, limit=2, before=(page[-1].at, page[-1].id))
    rest = desk_queue.audit_entries(store, limit=2, before=(more[-1].at, more[-1].id))
    assert [e.id for e in page + more + rest] == [e.id for e in every]
    assert desk_queue.audit_actions(store) == ["approve", "kill", "reject", "reprocess"]


def test_the_queue_finds_the_held_copies_without_reading_the_archive(store: Database) -> None:
    """Held copies are a handful among a great many published ones: the queue reads them
    through the index of copies not public, never a scan of every copy."""
    for batch in range(10):
        env = envelope(store, f"archive-{batch}".encode())
        copies.save(
            store,
            "pti",
            [
                wire_item(
                    f"a-{batch}-{n}",
                    headline=f"पुरानी {batch} {n}",
                    published_at=T0 + timedelta(minutes=batch * 200 + n),
                )
                for n in range(200)
            ],
            env,
            now=T0 + timedelta(minutes=batch),
        )
    hold(store, "h1", "h2", "h3", minutes=30)
    store.refresh_statistics()
    seen: list[tuple[str, object]] = []

    def note(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", note)
    try:
        assert [c.guid for c in desk_queue.held(store)] == ["h1", "h2", "h3"]
    finally:
        event.remove(store.engine, "before_cursor_execute", note)
    [(statement, params)] = [s for s in seen if "FROM items" in s[0]]
    with store.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if store.dialect == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
            lines = [str(row[-1]) for row in cursor.fetchall()]
            assert not [line for line in lines if line.startswith("SCAN items")], lines
            assert any("ix_items_public_from" in line for line in lines), lines
        else:
            cursor.execute("EXPLAIN " + statement, params)
            lines = [str(row[0]) for row in cursor.fetchall()]
            assert not [line for line in lines if "Seq Scan on items" in line], lines
