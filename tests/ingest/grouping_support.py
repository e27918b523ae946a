"""Copies sent through ingest and the stories they form, for the grouping tests that replay
one set of copies in several orders and across restarts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import delete

from tests.e2e.test_duplicates_policy import HEADLINE, make_settings, seed_lines
from tests.store.store_support import audit_log_opened
from wiredesk.config import Settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database, make_engine
from wiredesk.store.operator import memberships
from wiredesk.store.schema import metadata

# The seed story's five paragraphs: A (the first three) and C (the last three) share one
# paragraph, too little to be one story; B (all five) holds each of them whole. B bridges A
# and C: whichever comes first, the three end in one story.
_PARAS = seed_lines()[:5]
PART_A = _PARAS[:3]
WHOLE_B = _PARAS
PART_C = _PARAS[2:]
OTHER_HEADLINE = "दिल्ली में भारी बारिश की चेतावनी, स्कूल बंद"
OTHER = [
    "मौसम विभाग ने शुक्रवार को दिल्ली और आसपास के इलाकों में अगले दो दिनों तक भारी बारिश की "
    "चेतावनी जारी की है। विभाग के अनुसार कई जगहों पर जलभराव हो सकता है।",
    "प्रशासन ने एहतियात के तौर पर सभी सरकारी और निजी स्कूलों को शनिवार तक बंद रखने का आदेश "
    "दिया है। यातायात पुलिस ने लोगों से घर से कम निकलने की अपील की।",
    "पिछले सप्ताह हुई बारिश में यमुना का जलस्तर खतरे के निशान के करीब पहुंच गया था।",
]

Partition = frozenset[frozenset[tuple[str, str]]]


@dataclass(frozen=True, eq=False)
class Copy:
    """One copy: who sends it, its guid, its text and its own date (each one a copy of its
    own: compared and hashed as itself)."""

    source: str
    guid: str
    paragraphs: Sequence[str]
    published: datetime
    headline: str = HEADLINE


def payload(copies: Sequence[Copy]) -> bytes:
    """One RSS payload carrying `copies` (all of one source)."""
    entries = "".join(
        f'<item><title>{escape(c.headline)}</title><guid isPermaLink="false">{c.guid}</guid>'
        f"<pubDate>{format_datetime(c.published)}</pubDate>"
        f"<description>{escape(''.join(f'<p>{p}</p>' for p in c.paragraphs))}</description>"
        "</item>"
        for c in copies
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>w</title>'
        f"<link>https://{copies[0].source}.example/</link><description>d</description>"
        f"{entries}</channel></rss>"
    ).encode()


def settings_for(tmp_path: Path, db_url: str) -> Settings:
    """A site with three agencies (ians, pti, ani) and every copy shown."""
    return make_settings(tmp_path, db_url, "link")


def send(settings: Settings, db: Database, copy: Copy | Sequence[Copy], arrived: datetime) -> None:
    """The copy (or copies of one source, in one payload) arrives as a push at `arrived` and
    goes the one path of every payload."""
    copies = [copy] if isinstance(copy, Copy) else list(copy)
    source = settings.source(copies[0].source)
    assert source is not None and {c.source for c in copies} == {source.id}
    env = Envelope(source.id, payload(copies), Transport.PUSH, "push", received_at=arrived)
    assert accept(settings, db, source, env).error is None


def restarted(db_url: str) -> Database:
    """The store as a new process opens it: a new `Database`, so a new syndication index,
    built from what is stored."""
    return Database(make_engine(db_url))


def partition(db: Database, now: datetime) -> Partition:
    """The stories as sets of copies, named by (source, guid): what grouping decided,
    whatever the story ids."""
    stories: dict[int | None, set[tuple[str, str]]] = {}
    for row in memberships(db, now):
        stories.setdefault(row.story_id, set()).add((row.source_id, row.guid))
    return frozenset(frozenset(members) for members in stories.values())


def named(*stories: Iterable[Copy]) -> Partition:
    return frozenset(frozenset((c.source, c.guid) for c in story) for story in stories)


def wipe(db: Database) -> None:
    """Empty every table, so one database can replay a set of copies from the start."""
    with db.engine.begin() as conn, audit_log_opened(conn):
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))
