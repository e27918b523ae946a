"""The design's lifecycle table as a property: random histories, every public channel checked.

Hypothesis generates sequences of agency versions (usable, withheld, canceled, kill signals,
corrections, embargoes, any arrival order), editors' kills and clock moves. Each version is a
real ninjs document pushed through the real ingest path (raw envelope, parser, pipeline,
store); after every step every public channel — home, section and agency pages, the three
outbound feeds, and each article URL — is compared with a small reference model of the table.
Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from starlette.testclient import TestClient

from tests.store.store_support import audit_log_opened
from wiredesk.config import parse_settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database, make_engine, migrate
from wiredesk.store.ledger import editorial
from wiredesk.store.ledger.short_ids import short_id_for
from wiredesk.store.schema import audit_log, envelopes, item_versions, items, source_state

START = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
STORIES = ("alpha", "beta", "gamma")
HEADLINE = "{k} समाचार संस्करण {v}"


# --- the reference model ----------------------------------------------------------------


@dataclass
class Version:
    number: int
    status: str  # usable, withheld, canceled
    kill_signal: bool
    correction: bool
    embargo: datetime | None


@dataclass
class StoryModel:
    received: dict[tuple, int] = field(default_factory=dict)  # version key -> arrival
    versions: list[tuple[int, Version]] = field(default_factory=list)
    editor_killed: bool = False

    def receive(self, v: Version) -> None:
        key = (v.number, v.status, v.kill_signal, v.correction, v.embargo)
        if key in self.received:  # the same document again: a replay changes nothing
            return
        self.received[key] = len(self.received)
        self.versions.append((self.received[key], v))

    def newest(self) -> Version | None:
        if not self.versions:
            return None
        # the agency's version number decides; equal numbers: the later arrival
        return max(self.versions, key=lambda av: (av[1].number, av[0]))[1]

    def killed(self) -> bool:
        n = self.newest()
        return self.editor_killed or (n is not None and (n.status == "canceled" or n.kill_signal))

    def visible(self, now: datetime) -> bool:
        n = self.newest()
        if n is None or self.killed() or n.status != "usable":
            return False
        return n.embargo is None or n.embargo <= now


# --- events -------------------------------------------------------------------------------

versions = st.builds(
    lambda k, number, status, kill, fix, embargo: (
        "version",
        k,
        Version(
            number,
            status,
            kill,
            fix,
            None if embargo is None else START + timedelta(hours=embargo),
        ),
    ),
    st.sampled_from(STORIES),
    st.integers(1, 5),
    st.sampled_from(["usable", "usable", "usable", "withheld", "canceled"]),
    st.sampled_from([False, False, False, True]),
    st.booleans(),
    st.none() | st.integers(1, 12),
)
editor_kills = st.builds(lambda k: ("editor-kill", k, None), st.sampled_from(STORIES))
clock_moves = st.builds(lambda h: ("clock", None, h), st.integers(1, 8))
events = st.lists(
    st.one_of(versions, versions, versions, editor_kills, clock_moves), min_size=1, max_size=12
)


def ninjs(k: str, v: Version) -> bytes:
    doc: dict = {
        "uri": f"urn:test:{k}",
        "version": str(v.number),
        "firstcreated": (START - timedelta(days=1)).isoformat(),
        "versioncreated": (START - timedelta(days=1) + timedelta(minutes=v.number)).isoformat(),
        "pubstatus": v.status,
        "language": "hi",
        "headlines": [{"value": HEADLINE.format(k=k, v=v.number)}],
        "bodies": [{"contenttype": "text/html", "value": f"<p>{k} का पाठ, संस्करण {v.number}।</p>"}],
    }
    signals = []
    if v.kill_signal:
        signals.append("kill")
    if v.correction:
        signals.append("correction")
        doc["descriptions"] = [{"role": "correction", "value": f"सुधार {v.number}"}]
    if signals:
        doc["signals"] = signals
    if v.embargo is not None:
        doc["embargoed"] = v.embargo.isoformat()
    return json.dumps(doc, ensure_ascii=False).encode()


# --- the system under test ----------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _setup(tmp_path: Path, db_url: str) -> tuple[Database, object, TestClient, Clock]:
    settings_ = parse_settings(
        {
            "site": {
                "name": "t",
                "language": "hi",
                "base_url": "https://t.example",
                "data_dir": str(tmp_path),
                "database": db_url,
            },
            "sections": {"desh": "देश"},
            "sources": [
                {"id": "agency", "name": "Agency", "folder": str(tmp_path), "section": "desh"}
            ],
        },
        tmp_path / "wiredesk.toml",
    )
    engine = make_engine(db_url)
    migrate(engine)
    store = Database(engine)
    clock = Clock()
    client = TestClient(site_app(settings_, store, clock=clock), follow_redirects=False)
    return store, settings_, client, clock


def _reset(store: Database, client: TestClient) -> None:
    """A fresh site for the next example: the tables emptied behind the ledger's back, so the
    page cache is told by hand (as an operator would restart the site)."""
    # the one place allowed to empty the audit log: starting over
    with store.engine.begin() as conn, audit_log_opened(conn):
        for table in (audit_log, item_versions, items, envelopes, source_state):
            conn.execute(delete(table))
    client.app.state.page_cache.invalidate({"*"})  # type: ignore[attr-defined]


def _headlines_in_html(html: str) -> set[str]:
    return {k for k in STORIES if re.search(rf"\b{k} समाचार संस्करण", html)}


def _check(client: TestClient, model: dict[str, StoryModel], now: datetime) -> None:
    expected = {k for k, m in model.items() if m.visible(now)}
    for path in ("/", "/desh/", "/source/agency/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert _headlines_in_html(page.text) == expected, (path, now)
    for path in ("/feed.xml", "/atom.xml", "/desh/feed.xml"):
        entries = feedparser.parse(client.get(path).content).entries
        assert {e.title.split()[0] for e in entries} == expected, (path, now)
    feed = json.loads(client.get("/feed.json").content)
    assert {i["title"].split()[0] for i in feed["items"]} == expected
    for k, m in model.items():
        sid = short_id_for("agency", f"urn:test:{k}")
        resp = client.get(f"/desh/x-{sid}")
        if m.visible(now):
            assert resp.status_code == 301, (k, now)
            page = client.get(resp.headers["location"])
            assert page.status_code == 200
            newest = m.newest()
            assert HEADLINE.format(k=k, v=newest.number) in page.text
        elif m.killed():
            assert resp.status_code == 410, (k, now)
        else:
            assert resp.status_code == 404, (k, now)


def test_every_channel_follows_the_lifecycle_table(tmp_path: Path, db_url: str) -> None:
    store, settings_, client, clock = _setup(tmp_path, db_url)
    source = settings_.sources[0]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(events)
    def run(history: list) -> None:
        _reset(store, client)
        clock.now = START
        model = {k: StoryModel() for k in STORIES}
        for kind, k, arg in history:
            if kind == "clock":
                clock.now += timedelta(hours=arg)
            elif kind == "editor-kill":
                item_id = editorial.find_copy(store, f"agency:urn:test:{k}")
                if item_id is not None:
                    editorial.kill(
                        store, item_id, reason="test", actor="editor test", now=clock.now
                    )
                    model[k].editor_killed = True
            else:
                env = Envelope(
                    source_id="agency",
                    payload=ninjs(k, arg),
                    transport=Transport.PUSH,
                    location="push",
                    received_at=clock.now,
                )
                outcome = accept(settings_, store, source, env)
                assert outcome.error is None, outcome.error
                model[k].receive(arg)
            _check(client, model, clock.now)

    run()
    store.close()
