"""The reads of the subscribers' API (channels/api_v1): copies, stories and versions, through
the same gate as the site, plus the take-downs a subscriber must hear of.

What the API shows is what the public site shows, with one addition: a copy taken down after
the public saw it is listed as *canceled*, so a subscriber who republished it can take it down
too; none of its text is served (channels/api_v1/ninjs.py writes a withdrawal notice). Taken
down means killed (by its agency, or by an editor on its own) or withdrawn with its whole story
by the editors (store/ledger/takedowns.py). A copy taken down before it was ever public — held
for an editor, still embargoed, not yet published, arrived after its story was taken down —
is never named: the public never saw it, so nobody has it to take down, and naming it would
leak it.

Lists walk the same listing indexes as the site's, newest first, with the site's keyset
cursor (`Cursor`): copies arriving while a subscriber pages go above the first page and never
shift a later page, so a walk has neither duplicates nor gaps.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, false, or_, select

from wiredesk.model import ItemState, PubStatus, Signal
from wiredesk.store.public.gate import best_first, lead_clause, public_clause
from wiredesk.store.public.reader import COPY_COLUMNS, PublicReader
from wiredesk.store.public.views import Copy, Cursor, copy_from_row, version_times
from wiredesk.store.schema import item_versions, items, stories

USABLE = PubStatus.USABLE.value
CANCELED = PubStatus.CANCELED.value
STATES = (USABLE, CANCELED)

# When the copy's story was taken down by the editors (None while it is up): one probe of the
# story's primary key per copy read.
_STORY_TAKEN_DOWN_AT = (
    select(stories.c.taken_down_at)
    .where(stories.c.id == items.c.story_id)
    .scalar_subquery()
    .label("story_taken_down_at")
)
_EXTRA = (items.c.killed_at, items.c.kill_manual, items.c.embargo_until, _STORY_TAKEN_DOWN_AT)
# A copy is read in two steps, as the site's lists read it (reader.py): its own row along an
# index, then its current version by id. Joined in one statement, PostgreSQL chose to read
# every version and hash-join them when it thought the copies few (an `updated_since` poll).
_COPY_ROW = (
    *(c for c in COPY_COLUMNS if getattr(c, "table", None) is not item_versions),
    items.c.current_version_id,
    *_EXTRA,
)
_VERSION_ROW = (
    item_versions.c.id,
    *(c for c in COPY_COLUMNS if getattr(c, "table", None) is item_versions),
)
_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Filters:
    """What a subscriber asked for, already cut to the key's scope: `sources` None means
    every source, an empty set none at all."""

    sources: frozenset[str] | None = None
    section: str | None = None
    language: str | None = None
    since: datetime | None = None  # first published at or after
    updated_since: datetime | None = None  # published, updated, released or killed since
    state: str | None = None  # "usable", "canceled", or None for both


@dataclass(frozen=True, slots=True)
class SubscriberCopy:
    """A copy as the API serves it: public (`canceled` False) or taken down after the public
    saw it (`canceled` True, with `killed_at`; its text must not be served)."""

    copy: Copy
    canceled: bool
    killed_at: datetime | None
    embargo_until: datetime | None
    by_editor: bool = False  # taken down by the site's editors, not by the agency
    withdrawn: bool = False  # with its whole story, by the editors


@dataclass(frozen=True, slots=True)
class Story:
    """A story as the API serves it: its id, its lead and every public copy, best first."""

    story_id: int
    lead: SubscriberCopy
    copies: list[SubscriberCopy]


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a copy that the public could read, oldest first in lists."""

    version: int
    time: datetime  # the agency's time for it (`views.version_times`)
    received_at: datetime
    headline: str
    subheadline: str | None
    summary: str
    body_html: str
    body_text: str
    byline: str | None
    language: str | None
    correction_note: str | None


def _taken_down() -> ColumnElement[bool]:
    """Killed after the public could see it: published (not held), killed at or after its
    publication and after any embargo ended."""
    return and_(
        items.c.killed_at.is_not(None),
        items.c.state == ItemState.PUBLISHED.value,
        items.c.killed_at >= items.c.published_at,
        or_(items.c.embargo_until.is_(None), items.c.embargo_until <= items.c.killed_at),
    )


def _withdrawn(down: Sequence[int]) -> ColumnElement[bool]:
    """Withdrawn with its story (one of `down`, the stories taken down) after the public could
    see it: published (not held), usable, arrived and published before the takedown, and out
    of any embargo by then. `down` first, so the database finds these copies by the story
    index (and none at all, at no cost, when no story is down)."""
    if not down:
        return false()
    return and_(
        items.c.story_id.in_(sorted(down)),
        items.c.state == ItemState.PUBLISHED.value,
        items.c.pub_status == PubStatus.USABLE.value,
        exists().where(
            stories.c.id == items.c.story_id,
            stories.c.taken_down_at >= items.c.published_at,
            stories.c.taken_down_at >= items.c.first_seen_at,
            or_(items.c.embargo_until.is_(None), items.c.embargo_until <= stories.c.taken_down_at),
        ),
    )


def _filters(flt: Filters, down_since: Sequence[int] = ()) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if flt.sources is not None:
        out.append(items.c.source_id.in_(sorted(flt.sources)) if flt.sources else false())
    if flt.section is not None:
        out.append(items.c.section == flt.section)
    if flt.language is not None:
        out.append(items.c.language == flt.language)
    if flt.since is not None:
        out.append(items.c.published_at >= flt.since)
    if flt.updated_since is not None:
        t = flt.updated_since
        out.append(
            or_(
                items.c.published_at >= t,
                items.c.updated_at >= t,
                items.c.public_from >= t,
                items.c.killed_at >= t,
                items.c.story_id.in_(sorted(down_since)) if down_since else false(),
            )
        )
    return out


def _keyset(after: Cursor | None) -> list[ColumnElement[bool]]:
    if after is None:
        return []
    t = after.published_at
    return [
        items.c.published_at <= t,
        or_(items.c.published_at < t, items.c.id < after.item_id),
    ]


def _with_versions(conn: Connection, rows: Sequence[Any]) -> list[SubscriberCopy]:
    """The copies of `rows` (of `_COPY_ROW`) with their current versions, read by id; a copy
    whose version is gone (deleted meanwhile) is left out."""
    wanted = sorted({int(r.current_version_id) for r in rows if r.current_version_id is not None})
    versions: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        for v in conn.execute(select(*_VERSION_ROW).where(item_versions.c.id.in_(chunk))):
            versions[int(v.id)] = dict(v._mapping)
    out = []
    for r in rows:
        version = versions.get(r.current_version_id)
        if version is None:
            continue
        data = dict(r._mapping)
        del data["current_version_id"]
        data.update(version)
        del data["id"]
        out.append(_subscriber_copy(data))
    return out


def _subscriber_copy(data: dict[str, Any]) -> SubscriberCopy:
    """A copy read; taken down (`canceled`) if killed or its story withdrawn, at the earlier
    of the two (a row of the usable branch has neither: a takedown hides the copy)."""
    killed_at = data.pop("killed_at")
    embargo_until = data.pop("embargo_until")
    by_editor = bool(data.pop("kill_manual"))
    withdrawn_at = data.pop("story_taken_down_at")
    down_at = min((t for t in (killed_at, withdrawn_at) if t is not None), default=None)
    return SubscriberCopy(
        copy=copy_from_row(data),
        canceled=down_at is not None,
        killed_at=down_at,
        embargo_until=embargo_until,
        by_editor=withdrawn_at is not None or (by_editor and killed_at is not None),
        withdrawn=withdrawn_at is not None,
    )


class SubscriberReader:
    """The API's reads over one database, through the gate of `reader`."""

    def __init__(self, reader: PublicReader) -> None:
        self.reader = reader

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A pooled connection in autocommit: these are single reads, and a BEGIN and a
        ROLLBACK around them would be two round trips for nothing (as in reader.py)."""
        with self.reader.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def _taken_down_stories(self, since: datetime | None = None) -> list[int]:
        """The ids of the stories taken down by the editors (since `since`, when given).

        Takedowns are rare editorial acts, so the list is short; it is read from `stories`
        itself, which has no index on `taken_down_at` (a migration could add one)."""
        q = select(stories.c.id).where(stories.c.taken_down_at.is_not(None))
        if since is not None:
            q = q.where(stories.c.taken_down_at >= since)
        with self._connect() as conn:
            return [int(i) for i in conn.execute(q).scalars()]

    def _visible(self, now: datetime, state: str | None) -> ColumnElement[bool]:
        usable = public_clause(now, self.reader.policy)
        if state == USABLE:
            return usable
        down = _withdrawn(self._taken_down_stories())
        if state == CANCELED:
            return or_(_taken_down(), down)
        return or_(usable, _taken_down(), down)

    def _list_filters(self, flt: Filters) -> list[ColumnElement[bool]]:
        since = flt.updated_since
        down_since = self._taken_down_stories(since) if since is not None else []
        return _filters(flt, down_since)

    def copies(
        self, now: datetime, flt: Filters, *, limit: int, after: Cursor | None = None
    ) -> tuple[list[SubscriberCopy], Cursor | None]:
        """A page of copies, newest first, and the cursor of the next page (None: the last)."""
        q = (
            select(*_COPY_ROW)
            .where(
                self._visible(now, flt.state),
                items.c.published_at <= now,
                *self._list_filters(flt),
                *_keyset(after),
            )
            .order_by(items.c.published_at.desc(), items.c.id.desc())
        )
        return self._page(q, limit)

    def _page(self, q: Any, limit: int) -> tuple[list[SubscriberCopy], Cursor | None]:
        q = q.limit(limit + 1)
        with self._connect() as conn:
            found = _with_versions(conn, conn.execute(q).all())
        if len(found) <= limit:
            return found, None
        found = found[:limit]
        last = found[-1].copy
        return found, Cursor(last.published_at, last.item_id)

    def copy(self, short_id: str, now: datetime) -> SubscriberCopy | None:
        """The copy with this short id if the public may open it, or if it was taken down
        after the public saw it; None otherwise (unknown, held, withheld, embargoed)."""
        q = select(*_COPY_ROW).where(items.c.short_id == short_id, self._visible(now, None))
        with self._connect() as conn:
            found = _with_versions(conn, conn.execute(q).all())
        return found[0] if found else None

    def versions(self, copy: Copy, now: datetime) -> list[Version]:
        """The versions of a public copy the public could read, oldest first: never a
        withheld one, a kill notice, or one still under its own embargo."""
        with self._connect() as conn:
            rows = conn.execute(
                select(item_versions)
                .where(
                    item_versions.c.item_id == copy.item_id,
                    item_versions.c.version <= copy.version_count,
                )
                .order_by(item_versions.c.version)
            ).all()
        times = version_times(rows)
        out: list[Version] = []
        for r, t in zip(rows, times, strict=True):
            signals = json.loads(r.signals or "[]")
            if r.pub_status != USABLE or Signal.KILL.value in signals:
                continue
            if r.embargo_until is not None and r.embargo_until > now:
                continue
            out.append(
                Version(
                    version=r.version,
                    time=t,
                    received_at=r.received_at,
                    headline=r.headline,
                    subheadline=r.subheadline,
                    summary=r.summary,
                    body_html=r.body_html,
                    body_text=r.body_text,
                    byline=r.byline,
                    language=r.language,
                    correction_note=r.correction_note,
                )
            )
        return out

    # --- stories -----------------------------------------------------------------------------

    def stories(
        self, now: datetime, flt: Filters, *, limit: int, after: Cursor | None = None
    ) -> tuple[list[Story], Cursor | None]:
        """A page of stories by their leads (the copy the site lists), newest lead first,
        each with its public copies among `flt.sources`."""
        q = (
            select(*_COPY_ROW)
            .where(
                lead_clause(now),
                items.c.story_id.is_not(None),
                items.c.published_at <= now,
                *_filters(replace(flt, state=None)),
                *_keyset(after),
            )
            .order_by(items.c.published_at.desc(), items.c.id.desc())
        )
        leads, cursor = self._page(q, limit)
        members = self._members([c.copy.story_id for c in leads], now, flt.sources)
        out = []
        for lead in leads:
            sid = lead.copy.story_id
            assert sid is not None
            out.append(Story(sid, lead, members.get(sid, [lead])))
        return out, cursor

    def story(self, story_id: int, now: datetime, sources: frozenset[str] | None) -> Story | None:
        """The story with its public copies among `sources`, best first; None when it has
        none (unknown, merged into another, taken down, or outside the sources)."""
        copies = self._members([story_id], now, sources).get(story_id, [])
        return Story(story_id, copies[0], copies) if copies else None

    def _members(
        self, story_ids: list[int | None], now: datetime, sources: frozenset[str] | None
    ) -> dict[int, list[SubscriberCopy]]:
        wanted = sorted({s for s in story_ids if s is not None})
        if not wanted:
            return {}
        clauses = [
            items.c.story_id.in_(wanted),
            public_clause(now, self.reader.policy),
            items.c.published_at <= now,
        ]
        if sources is not None:
            clauses.append(items.c.source_id.in_(sorted(sources)) if sources else false())
        with self._connect() as conn:
            found = _with_versions(conn, conn.execute(select(*_COPY_ROW).where(*clauses)).all())
        ranked = best_first(
            [_Ranked(c) for c in found],
            self.reader.policy,
        )
        out: dict[int, list[SubscriberCopy]] = {}
        for r in ranked:
            sid = r.copy.copy.story_id
            assert sid is not None
            out.setdefault(sid, []).append(r.copy)
        return out


class _Ranked:
    """A copy as the gate's ranking reads it (`id`, `source_id`, `published_at`)."""

    __slots__ = ("copy", "id", "published_at", "source_id")

    def __init__(self, copy: SubscriberCopy) -> None:
        self.copy = copy
        self.id = copy.copy.item_id
        self.source_id = copy.copy.source_id
        self.published_at = copy.copy.published_at
