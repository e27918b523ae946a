"""What the desk's Incoming and Story pages read: every copy whatever the public may see, a
story's copies with every version, their provenance and their history.

Read-only and not behind the gate (the desk shows what the public does not), like
`store/operator.py`; kept apart from it because the desk pages' reads are shaped by the pages:

- **Incoming** (`incoming`): copies newest arrival first (the row id, which is arrival
  order), a page at a time below the last id shown. It walks the primary key from the top
  and stops when the page is full, so no page counts or reads the whole archive. Filters
  (source, section, language, state) are tested on each copy's own row; the state one is the
  gate's `state_word` written as SQL (`state_clause`), so the filter and the word shown agree.
  Words typed in the search box go through the site's own search index (`public/search.py`),
  with no gate: an editor finds a held or killed copy too.
- **Story** (`story`): one story's copies in the gate's lead order, each with every version
  (oldest first), the payload each came in, and the copy's audit entries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    exists,
    false,
    func,
    not_,
    select,
    true,
)

from wiredesk.model import ItemState, PubStatus
from wiredesk.store.database import Database
from wiredesk.store.ledger.takedowns import Takedown, story_of_copy
from wiredesk.store.public import search
from wiredesk.store.public.gate import COPY_STATES, best_first, state_word
from wiredesk.store.public.views import SearchQuery, copy_path
from wiredesk.store.schema import audit_log, envelopes, item_versions, items, stories
from wiredesk.text.search_keys import parse_query

# The most copies one Incoming page shows.
MOST_PER_PAGE = 200
# Match ids one PostgreSQL search statement reads at most (as `reader.SEARCH_BATCH_MOST`).
_SEARCH_BATCH_MOST = 5000
# The largest id PostgreSQL's `integer` holds: a hand-edited `before` above it starts at the top.
_MAX_ITEM_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class IncomingFilters:
    """What an editor asked Incoming for; None (or "") is "any"."""

    source_id: str | None = None
    section: str | None = None
    language: str | None = None
    state: str | None = None  # one of COPY_STATES
    words: str = ""  # typed in the search box

    def __post_init__(self) -> None:
        if self.state is not None and self.state not in COPY_STATES:
            raise ValueError(f"state must be one of {', '.join(COPY_STATES)}")


@dataclass(frozen=True, slots=True)
class IncomingCopy:
    """One copy as Incoming lists it."""

    item_id: int
    short_id: str
    path: str
    source_id: str
    section: str
    language: str | None
    headline: str
    state: str  # one of COPY_STATES
    published_at: datetime
    first_seen_at: datetime  # its arrival
    updated_at: datetime | None
    version_count: int
    embargo_until: datetime | None
    story_id: int | None
    story_size: int  # copies in its story (1: alone)
    decided_by: str  # the routing rule that decided it, or "source mode"


@dataclass(frozen=True, slots=True)
class IncomingPage:
    copies: list[IncomingCopy]
    more_before: int | None  # the next page lists copies below this id (None: no more)


@dataclass(frozen=True, slots=True)
class VersionView:
    """One version of a copy as its agency sent it, with the payload it came in."""

    version: int
    source_version: int | None
    received_at: datetime
    headline: str
    subheadline: str | None
    summary: str
    body_text: str
    byline: str | None
    credit_line: str | None
    originator: str | None
    upstream_source: str | None
    dateline_place: str | None
    dateline_date: str | None
    pub_status: str
    signals: tuple[str, ...]
    embargo_until: datetime | None
    correction_note: str | None
    format: str | None
    envelope_id: int
    envelope_transport: str | None
    envelope_location: str | None
    envelope_sha256: str | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One entry of a copy's audit log."""

    at: datetime
    action: str
    actor: str
    reason: str | None
    address: str | None


@dataclass(frozen=True, slots=True)
class StoryCopy:
    """One copy of a story, with everything the story page shows of it."""

    item_id: int
    short_id: str
    path: str
    guid: str
    source_id: str
    section: str
    language: str | None
    headline: str
    state: str  # one of COPY_STATES
    published_at: datetime
    first_seen_at: datetime
    public_from: datetime | None
    killed_at: datetime | None
    killed_by: str | None
    kill_reason: str | None
    kill_manual: bool
    embargo_until: datetime | None
    decided_by: str  # the routing rule that decided it, or "source mode"
    versions: list[VersionView] = field(default_factory=list)  # oldest first
    history: list[HistoryEntry] = field(default_factory=list)  # oldest first

    def public_at(self, now: datetime) -> bool:
        return self.public_from is not None and self.public_from <= now


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story: its copies best-ranked first (the gate's lead order), its takedown if any."""

    story_id: int
    created_at: datetime
    takedown: Takedown | None
    copies: list[StoryCopy]
    preferred_sources: tuple[str, ...]


# --- the state word as SQL -----------------------------------------------------------------


def _withdrawn() -> ColumnElement[bool]:
    """The copy's story is taken down by the editors (one probe of the story's primary key)."""
    return exists().where(stories.c.id == items.c.story_id, stories.c.taken_down_at.is_not(None))


def state_clause(state: str, now: datetime) -> ColumnElement[bool]:
    """The copies `gate.state_word` calls `state` at `now`, as a clause on `items`: each word
    is its own test after the words checked before it (the order `state_word` checks)."""
    published = ItemState.PUBLISHED.value
    usable = PubStatus.USABLE.value
    steps: list[tuple[str, ColumnElement[bool]]] = [
        ("withdrawn", _withdrawn()),
        ("killed", items.c.killed_at.is_not(None)),
        ("held", items.c.state != published),
        ("withheld", items.c.pub_status == PubStatus.WITHHELD.value),
        ("canceled", items.c.pub_status != usable),
        ("embargoed", items.c.embargo_until > now),
        ("scheduled", items.c.published_at > now),
        ("published", true()),
    ]
    before: list[ColumnElement[bool]] = []
    for word, test in steps:
        if word == state:
            return and_(*[not_(b) for b in before], test)
        if word == "embargoed":  # NULL compares as unknown: say "not embargoed" plainly
            before.append(and_(items.c.embargo_until.is_not(None), test))
        else:
            before.append(test)
    raise ValueError(f"state must be one of {', '.join(COPY_STATES)}")


# --- Incoming --------------------------------------------------------------------------------

_INCOMING = (
    items.c.id,
    items.c.short_id,
    items.c.source_id,
    items.c.section,
    items.c.slug,
    items.c.language,
    items.c.state,
    items.c.pub_status,
    items.c.killed_at,
    items.c.embargo_until,
    items.c.published_at,
    items.c.first_seen_at,
    items.c.updated_at,
    items.c.version_count,
    items.c.story_id,
    items.c.decided_by,
    item_versions.c.headline,
    stories.c.taken_down_at,
)


def _clauses(conn: Connection, flt: IncomingFilters, now: datetime) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if flt.state == "withdrawn":  # few: found by the story index, not by walking every copy
        down = select(stories.c.id).where(stories.c.taken_down_at.is_not(None))
        ids = sorted(int(i) for i in conn.execute(down).scalars())
        out.append(items.c.story_id.in_(ids) if ids else false())
    if flt.source_id:
        out.append(items.c.source_id == flt.source_id)
    if flt.section:
        out.append(items.c.section == flt.section)
    if flt.language:
        out.append(items.c.language == flt.language)
    if flt.state:
        out.append(state_clause(flt.state, now))
    return out


def incoming(
    db: Database,
    now: datetime,
    flt: IncomingFilters = IncomingFilters(),
    *,
    limit: int = 50,
    before: int | None = None,
) -> IncomingPage:
    """A page of copies, newest arrival first, below item id `before` when given."""
    limit = max(1, min(limit, MOST_PER_PAGE))
    below = min(before, _MAX_ITEM_ID) if before is not None else None
    with db.engine.connect() as conn:
        terms = parse_query(flt.words)
        if terms:
            ids = _search_ids(conn, flt, now, limit + 1, below)
        else:
            q = select(items.c.id).where(*_clauses(conn, flt, now))
            if below is not None:
                q = q.where(items.c.id < below)
            ids = list(conn.execute(q.order_by(items.c.id.desc()).limit(limit + 1)).scalars())
        more = None
        if len(ids) > limit:
            ids = ids[:limit]
            more = ids[-1]
        return IncomingPage(_incoming_rows(conn, ids, now), more)


def _search_ids(
    conn: Connection, flt: IncomingFilters, now: datetime, wanted: int, below: int | None
) -> list[int]:
    """The ids of the copies whose current version has the typed words, newest first, through
    the site's search index with no gate (the filters instead)."""
    query = SearchQuery(
        parse_query(flt.words),
        section=flt.section or None,
        source_id=flt.source_id or None,
        language=flt.language or None,
    )
    gate = [state_clause(flt.state, now)] if flt.state else []
    if conn.dialect.name == "sqlite":
        q, params = search.sqlite_statement(query, [items.c.id], gate, below)
        params["limit"] = wanted
        return [int(i) for i in conn.execute(q, params).scalars()]
    copies_q, params = search.pg_copies_statement(query, [items.c.id], gate)
    batch = 2 * wanted
    found: list[int] = []
    while len(found) < wanted:
        ids = list(conn.execute(search.pg_match_ids(query, below, batch)).scalars())
        if not ids:
            break
        found += [int(i) for i in conn.execute(copies_q, {**params, "ids": ids}).scalars()]
        if len(ids) < batch:
            break
        below = ids[-1]
        batch = min(batch * 4, _SEARCH_BATCH_MOST)
    return found[:wanted]


def _incoming_rows(conn: Connection, ids: Sequence[int], now: datetime) -> list[IncomingCopy]:
    """The page's copies by id (one query), with the size of each one's story (another)."""
    if not ids:
        return []
    q = (
        select(*_INCOMING)
        .select_from(
            items.outerjoin(
                item_versions, item_versions.c.id == items.c.current_version_id
            ).outerjoin(stories, stories.c.id == items.c.story_id)
        )
        .where(items.c.id.in_(list(ids)))
    )
    rows = {int(r.id): r for r in conn.execute(q)}
    story_ids = sorted({int(r.story_id) for r in rows.values() if r.story_id is not None})
    sizes: dict[int, int] = {}
    if story_ids:
        sized = (
            select(items.c.story_id, func.count())
            .where(items.c.story_id.in_(story_ids))
            .group_by(items.c.story_id)
        )
        sizes = {int(s): int(n) for s, n in conn.execute(sized)}
    out = []
    for i in ids:
        r = rows.get(i)
        if r is None:
            continue
        story = None if r.story_id is None else int(r.story_id)
        out.append(
            IncomingCopy(
                item_id=i,
                short_id=r.short_id,
                path=copy_path(r.section, r.slug, r.short_id),
                source_id=r.source_id,
                section=r.section,
                language=r.language,
                headline=r.headline or "",
                state=state_word(r, now, withdrawn=r.taken_down_at is not None),
                published_at=r.published_at,
                first_seen_at=r.first_seen_at,
                updated_at=r.updated_at,
                version_count=r.version_count,
                embargo_until=r.embargo_until,
                story_id=story,
                story_size=sizes.get(story, 1) if story is not None else 1,
                decided_by=r.decided_by,
            )
        )
    return out


def choices(db: Database) -> dict[str, list[str]]:
    """The sources, sections and languages the filters offer: those of the newest copies
    (a bounded read; a value not offered can still be typed into the address)."""
    recent = select(items.c.source_id, items.c.section, items.c.language)
    recent = recent.order_by(items.c.id.desc()).limit(2000)
    found: dict[str, set[str]] = {"source": set(), "section": set(), "language": set()}
    with db.engine.connect() as conn:
        for r in conn.execute(recent):
            found["source"].add(r.source_id)
            found["section"].add(r.section)
            if r.language:
                found["language"].add(r.language)
    return {k: sorted(v) for k, v in found.items()}


# --- a story ---------------------------------------------------------------------------------

_COPY = (
    items.c.id,
    items.c.short_id,
    items.c.guid,
    items.c.source_id,
    items.c.section,
    items.c.slug,
    items.c.language,
    items.c.state,
    items.c.pub_status,
    items.c.published_at,
    items.c.first_seen_at,
    items.c.public_from,
    items.c.killed_at,
    items.c.killed_by,
    items.c.kill_reason,
    items.c.kill_manual,
    items.c.embargo_until,
    items.c.decided_by,
    item_versions.c.headline,
)

_VERSION = (
    item_versions.c.item_id,
    item_versions.c.version,
    item_versions.c.source_version,
    item_versions.c.received_at,
    item_versions.c.headline,
    item_versions.c.subheadline,
    item_versions.c.summary,
    item_versions.c.body_text,
    item_versions.c.byline,
    item_versions.c.credit_line,
    item_versions.c.originator,
    item_versions.c.upstream_source,
    item_versions.c.dateline_place,
    item_versions.c.dateline_date,
    item_versions.c.pub_status,
    item_versions.c.signals,
    item_versions.c.embargo_until,
    item_versions.c.correction_note,
    item_versions.c.format,
    item_versions.c.envelope_id,
    envelopes.c.transport.label("envelope_transport"),
    envelopes.c.location.label("envelope_location"),
    envelopes.c.sha256.label("envelope_sha256"),
)


def story(db: Database, story_id: int, now: datetime) -> StoryView | None:
    """The story with every copy (lead order), version and audit entry; None if no such story
    (never was, or merged into another: `story_of_copy` finds where a copy went)."""
    with db.engine.connect() as conn:
        head = conn.execute(
            select(
                stories.c.created_at,
                stories.c.taken_down_at,
                stories.c.taken_down_by,
                stories.c.takedown_reason,
            ).where(stories.c.id == story_id)
        ).first()
        if head is None:
            return None
        takedown = (
            Takedown(
                story_id, head.taken_down_at, head.taken_down_by or "", head.takedown_reason or ""
            )
            if head.taken_down_at is not None
            else None
        )
        rows = conn.execute(
            select(*_COPY)
            .select_from(
                items.outerjoin(item_versions, item_versions.c.id == items.c.current_version_id)
            )
            .where(items.c.story_id == story_id)
        ).all()
        ids = [int(r.id) for r in rows]
        versions = _versions(conn, ids)
        history = _history(conn, ids)
    copies = [
        StoryCopy(
            item_id=int(r.id),
            short_id=r.short_id,
            path=copy_path(r.section, r.slug, r.short_id),
            guid=r.guid,
            source_id=r.source_id,
            section=r.section,
            language=r.language,
            headline=r.headline or "",
            state=state_word(r, now, withdrawn=takedown is not None),
            published_at=r.published_at,
            first_seen_at=r.first_seen_at,
            public_from=r.public_from,
            killed_at=r.killed_at,
            killed_by=r.killed_by,
            kill_reason=r.kill_reason,
            kill_manual=bool(r.kill_manual),
            embargo_until=r.embargo_until,
            decided_by=r.decided_by,
            versions=versions.get(int(r.id), []),
            history=history.get(int(r.id), []),
        )
        for r in best_first(rows, db.policy)
    ]
    return StoryView(story_id, head.created_at, takedown, copies, db.policy.preferred_sources)


def story_of(db: Database, short_id: str) -> int | None:
    """The story of the copy with this short id; None if there is no such copy."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(items.c.id, items.c.story_id).where(items.c.short_id == short_id)
        ).first()
    if row is None:
        return None
    if row.story_id is not None:
        return int(row.story_id)
    return story_of_copy(db, int(row.id))


def _versions(conn: Connection, ids: Sequence[int]) -> dict[int, list[VersionView]]:
    out: dict[int, list[VersionView]] = {}
    if not ids:
        return out
    q = (
        select(*_VERSION)
        .select_from(
            item_versions.outerjoin(envelopes, envelopes.c.id == item_versions.c.envelope_id)
        )
        .where(item_versions.c.item_id.in_(list(ids)))
        .order_by(item_versions.c.item_id, item_versions.c.version)
    )
    for r in conn.execute(q):
        data: dict[str, Any] = dict(r._mapping)
        item_id = int(data.pop("item_id"))
        data["signals"] = tuple(_json_list(data["signals"]))
        out.setdefault(item_id, []).append(VersionView(**data))
    return out


def _history(conn: Connection, ids: Sequence[int]) -> dict[int, list[HistoryEntry]]:
    out: dict[int, list[HistoryEntry]] = {}
    if not ids:
        return out
    q = (
        select(
            audit_log.c.item_id,
            audit_log.c.at,
            audit_log.c.action,
            audit_log.c.actor,
            audit_log.c.reason,
            audit_log.c.address,
        )
        .where(audit_log.c.item_id.in_(list(ids)))
        .order_by(audit_log.c.at, audit_log.c.id)
    )
    for r in conn.execute(q):
        data = dict(r._mapping)
        item_id = int(data.pop("item_id"))
        out.setdefault(item_id, []).append(HistoryEntry(**data))
    return out


def _json_list(value: str | None) -> list[str]:
    try:
        found = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(v) for v in found] if isinstance(found, list) else []


__all__ = [
    "COPY_STATES",
    "HistoryEntry",
    "IncomingCopy",
    "IncomingFilters",
    "IncomingPage",
    "StoryCopy",
    "StoryView",
    "VersionView",
    "choices",
    "incoming",
    "state_clause",
    "story",
    "story_of",
]
