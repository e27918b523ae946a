"""The store: the only code that reads or writes the database.

Ingest calls `record_envelope` (raw first), then `save_items`; public channels call
`list_stories`, `count_stories` and `get_article`, all of which go through the visibility gate.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from wiredesk.model import Envelope, EnvelopeStatus, Hop, Item, ItemState, Signal, utcnow
from wiredesk.store import stories as story_groups
from wiredesk.store.bulk import insert_many
from wiredesk.store.engine import make_engine, migrate
from wiredesk.store.lifecycle import VersionOrder, derive, newer
from wiredesk.store.schema import (
    audit_log,
    envelope_payloads,
    envelopes,
    item_versions,
    items,
    source_state,
)
from wiredesk.store.visibility import (
    DEFAULT_POLICY,
    DuplicatePolicy,
    listed_clause,
    outranked,
    public_clause,
    usable_clause,
)

# Rows per `IN (...)` list: well under SQLite's 32,766 bound parameters, and a plan stays cheap.
_IN_CHUNK = 500

# Fields of a story as the public sees it, read from items joined with the current version.
_STORY_COLUMNS = (
    items.c.id.label("item_id"),
    items.c.short_id,
    items.c.source_id,
    items.c.guid,
    items.c.slug,
    items.c.section,
    items.c.state,
    items.c.language,
    items.c.version_count,
    items.c.published_at,
    items.c.updated_at,
    item_versions.c.version,
    item_versions.c.headline,
    item_versions.c.summary,
    item_versions.c.body_html,
    item_versions.c.body_text,
    item_versions.c.byline,
    item_versions.c.link,
    item_versions.c.categories,
    item_versions.c.credit_line,
    item_versions.c.originator,
    item_versions.c.upstream_disclaimer,
    item_versions.c.upstream_source,
    item_versions.c.dateline_place,
    item_versions.c.dateline_date,
    item_versions.c.subheadline,
    item_versions.c.slugline,
    item_versions.c.urgency,
    item_versions.c.subjects,
    item_versions.c.keywords,
    item_versions.c.copyright,
    item_versions.c.usage_terms,
    item_versions.c.provenance,
    item_versions.c.images,
    items.c.story_id,
)
_JSON_FIELDS = ("categories", "subjects", "keywords", "provenance", "images")


@dataclass(slots=True, frozen=True)
class Story:
    """A story at its current version, as channels render it."""

    item_id: int
    short_id: str
    source_id: str
    guid: str
    slug: str
    section: str
    state: str
    language: str | None
    version_count: int
    published_at: datetime
    updated_at: datetime | None
    version: int
    headline: str
    summary: str
    body_html: str
    body_text: str
    byline: str | None
    link: str | None
    categories: list[str]
    credit_line: str | None
    originator: str | None
    upstream_disclaimer: str | None
    upstream_source: str | None
    dateline_place: str | None
    dateline_date: str | None
    subheadline: str | None = None
    slugline: str | None = None
    urgency: int | None = None
    subjects: list[dict[str, Any]] = field(default_factory=list)  # {code, name, scheme}
    keywords: list[str] = field(default_factory=list)
    copyright: str | None = None
    usage_terms: str | None = None
    provenance: list[dict[str, Any]] = field(default_factory=list)  # {role, name, uri, ...}
    images: list[dict[str, Any]] = field(default_factory=list)  # {href, caption, ...}
    story_id: int | None = None  # the story this copy belongs to (store/stories.py)

    @property
    def path(self) -> str:
        """The stable article URL path: /<section>/<slug>-<short id>."""
        return f"/{self.section}/{self.slug}-{self.short_id}"

    @property
    def teaser(self) -> str:
        if self.summary:
            return self.summary
        first = self.body_text.split("\n\n", 1)[0]
        return first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + " …"


@dataclass(slots=True, frozen=True)
class VersionInfo:
    version: int
    headline: str
    received_at: datetime
    source_updated_at: datetime | None

    @property
    def time(self) -> datetime:
        return self.source_updated_at or self.received_at


@dataclass(slots=True, frozen=True)
class Correction:
    """A dated correction note: when the correcting version arrived and what the agency said."""

    time: datetime
    note: str | None
    version: int


@dataclass(slots=True, frozen=True)
class Article:
    story: Story
    versions: list[VersionInfo] = field(default_factory=list)  # newest first
    corrections: list[Correction] = field(default_factory=list)  # oldest first


@dataclass(slots=True, frozen=True)
class ItemRow:
    """One story as an operator sees it, whatever the public may see."""

    short_id: str
    source_id: str
    guid: str
    path: str
    headline: str
    version_count: int
    state: str  # published, held, withheld, embargoed, killed, scheduled
    published_at: datetime
    killed_at: datetime | None
    kill_reason: str | None


@dataclass(slots=True, frozen=True)
class AuditEntry:
    at: datetime
    action: str
    actor: str
    reason: str | None


@dataclass(slots=True, frozen=True)
class SaveOutcome:
    """What saving one item did: created a story, added a version, or nothing (a replay)."""

    short_id: str
    version: int
    created: bool
    changed: bool


@dataclass(slots=True, frozen=True)
class SourceState:
    source_id: str
    url: str | None
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    next_poll_at: datetime | None
    consecutive_failures: int
    configured_url: str | None = None


def short_id_for(source_id: str, guid: str, length: int = 8) -> str:
    """A short, URL-safe id that is stable for (source, guid): the same story keeps its URL."""
    digest = hashlib.sha256(f"{source_id}\x00{guid}".encode()).digest()
    # Base32 turns each 5 bytes into 8 characters on their own: encoding only the bytes the
    # id needs gives the same prefix as encoding the whole digest, for a fraction of the cost.
    return base64.b32encode(digest[: (length * 5 + 7) // 8]).decode("ascii").lower()[:length]


class Store:
    def __init__(self, engine: Engine, *, duplicates: DuplicatePolicy = DEFAULT_POLICY) -> None:
        self.engine = engine
        # The site's duplicates policy is part of the visibility gate (store/visibility.py);
        # the site sets it from `[site] duplicates` and `preferred_sources`.
        self.duplicates = duplicates

    @classmethod
    def open(
        cls,
        url: str,
        *,
        run_migrations: bool = True,
        duplicates: DuplicatePolicy = DEFAULT_POLICY,
    ) -> Store:
        store = cls(make_engine(url), duplicates=duplicates)
        if run_migrations:
            migrate(store.engine)
        return store

    def close(self) -> None:
        self.engine.dispose()

    # --- ingest side -------------------------------------------------------------------

    def record_envelope(self, env: Envelope) -> tuple[int, bool]:
        """Store the raw payload before anything parses it. Returns (id, is_new).

        The same bytes from the same source are stored once; a replay returns the first id
        and `is_new = False`, so the caller can skip reprocessing.
        """
        sha = env.sha256
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(envelopes.c.id).where(
                    envelopes.c.source_id == env.source_id, envelopes.c.sha256 == sha
                )
            ).scalar()
            if existing is not None:
                return int(existing), False
            try:
                with conn.begin_nested():
                    new_id = conn.execute(
                        insert(envelopes).values(
                            source_id=env.source_id,
                            transport=str(env.transport),
                            location=env.location,
                            content_type=env.content_type,
                            sha256=sha,
                            size=len(env.payload),
                            received_at=env.received_at,
                            status=EnvelopeStatus.RECEIVED.value,
                            item_count=0,
                        )
                    ).inserted_primary_key[0]
                    conn.execute(
                        insert(envelope_payloads).values(envelope_id=new_id, payload=env.payload)
                    )
            except IntegrityError:  # a concurrent writer stored the same bytes first
                existing = conn.execute(
                    select(envelopes.c.id).where(
                        envelopes.c.source_id == env.source_id, envelopes.c.sha256 == sha
                    )
                ).scalar_one()
                return int(existing), False
        return int(new_id), True

    def finish_envelope(
        self,
        envelope_id: int,
        status: EnvelopeStatus,
        *,
        error: str | None = None,
        fmt: str | None = None,
        item_count: int = 0,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(envelopes)
                .where(envelopes.c.id == envelope_id)
                .values(
                    status=status.value,
                    error=error,
                    format=fmt,
                    item_count=item_count,
                    processed_at=utcnow(),
                )
            )

    def envelope(self, envelope_id: int) -> dict[str, Any] | None:
        """The envelope's bookkeeping and, under "payload", the raw bytes as received."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(envelopes, envelope_payloads.c.payload)
                .select_from(
                    envelopes.join(
                        envelope_payloads, envelope_payloads.c.envelope_id == envelopes.c.id
                    )
                )
                .where(envelopes.c.id == envelope_id)
            ).first()
        return dict(row._mapping) if row else None

    def unfinished_envelopes(self) -> list[tuple[int, str]]:
        """(id, source id) of payloads stored but never processed: the process that received
        them died in between. Oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(envelopes.c.id, envelopes.c.source_id)
                .where(envelopes.c.status == EnvelopeStatus.RECEIVED.value)
                .order_by(envelopes.c.id)
            )
            return [(int(i), str(sid)) for i, sid in rows]

    def count_envelopes(self, source_id: str | None = None) -> int:
        q = select(func.count()).select_from(envelopes)
        if source_id is not None:
            q = q.where(envelopes.c.source_id == source_id)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def save_items(
        self,
        source_id: str,
        new_items: Sequence[Item],
        envelope_id: int,
        *,
        auto_publish: bool = True,
        now: datetime | None = None,
    ) -> list[SaveOutcome]:
        """Save processed items of one envelope in one transaction.

        (source, guid) identifies a story. Content already stored for it is a replay and
        changes nothing; new content becomes a new version. A version that is older than the
        current one (by the source's version number, else by the source's time) is kept in
        history but does not replace what is shown.

        New stories are written in bulk (three statements for the whole batch), because a
        first poll of a big feed is almost all new stories and per-row round trips would
        dominate ingest time.
        """
        now = now or utcnow()
        outcomes: list[SaveOutcome | None] = [None] * len(new_items)
        with self.engine.begin() as conn:
            known = self._known_guids(conn, source_id, [it.guid for it in new_items])
            fresh: list[int] = []
            later: list[int] = []
            for i, item in enumerate(new_items):
                if item.guid in known:
                    later.append(i)  # an existing story, or a guid repeated in this batch
                else:
                    known.add(item.guid)
                    fresh.append(i)
            if fresh:
                created = self._create_many(
                    conn, source_id, [new_items[i] for i in fresh], envelope_id, auto_publish, now
                )
                for i, out in zip(fresh, created, strict=True):
                    outcomes[i] = out
            for i in later:
                outcomes[i] = self._add_version(conn, source_id, new_items[i], envelope_id, now)
        return [o for o in outcomes if o is not None]

    @staticmethod
    def _known_guids(conn: Connection, source_id: str, guids: list[str]) -> set[str]:
        found: set[str] = set()
        unique = list(dict.fromkeys(guids))
        for start in range(0, len(unique), _IN_CHUNK):
            chunk = unique[start : start + _IN_CHUNK]
            found.update(
                conn.execute(
                    select(items.c.guid).where(
                        items.c.source_id == source_id, items.c.guid.in_(chunk)
                    )
                ).scalars()
            )
        return found

    def _create_many(
        self,
        conn: Connection,
        source_id: str,
        batch: list[Item],
        envelope_id: int,
        auto_publish: bool,
        now: datetime,
    ) -> list[SaveOutcome]:
        short_ids = self._free_short_ids(conn, source_id, [it.guid for it in batch])
        state = (ItemState.PUBLISHED if auto_publish else ItemState.HELD).value
        item_rows = [
            {
                "short_id": sid,
                "source_id": source_id,
                "guid": it.guid,
                "slug": (it.slug or "story")[:100],
                "section": it.section or "news",
                "state": state,
                "language": it.language,
                "version_count": 1,
                "published_at": _first_public(it, now),
                "updated_at": None,
                "first_seen_at": now,
                **_lifecycle_columns(it, source_id, now),
            }
            for it, sid in zip(batch, short_ids, strict=True)
        ]
        # Plain executemany, then read the ids back by their unique keys: INSERT ... RETURNING
        # with sort_by_parameter_order makes SQLAlchemy send SQLite one row per statement.
        insert_many(conn, items, item_rows)
        id_of = self._item_ids(conn, source_id, [it.guid for it in batch])
        item_ids = [id_of[it.guid] for it in batch]
        story_groups.create_singletons(conn, item_ids, now)  # every item belongs to a story
        version_rows = [
            _version_row(iid, 1, it, envelope_id, now)
            for iid, it in zip(item_ids, batch, strict=True)
        ]
        insert_many(conn, item_versions, version_rows)
        first_version = (
            select(item_versions.c.id)
            .where(item_versions.c.item_id == items.c.id, item_versions.c.version == 1)
            .scalar_subquery()
        )
        for start in range(0, len(item_ids), _IN_CHUNK):
            conn.execute(
                update(items)
                .where(items.c.id.in_(item_ids[start : start + _IN_CHUNK]))
                .values(current_version_id=first_version)
            )
        kills = [
            {
                "at": now,
                "item_id": iid,
                "action": "kill",
                "actor": row["killed_by"],
                "reason": row["kill_reason"],
                "envelope_id": envelope_id,
            }
            for iid, row in zip(item_ids, item_rows, strict=True)
            if row["killed_at"] is not None
        ]
        if kills:  # a kill that arrived before the story it kills
            conn.execute(insert(audit_log), kills)
        return [SaveOutcome(sid, 1, created=True, changed=True) for sid in short_ids]

    def _add_version(
        self, conn: Connection, source_id: str, item: Item, envelope_id: int, now: datetime
    ) -> SaveOutcome:
        row = conn.execute(
            select(
                items.c.id,
                items.c.short_id,
                items.c.current_version_id,
                items.c.version_count,
                items.c.published_at,
                items.c.killed_at,
                items.c.kill_manual,
            ).where(items.c.source_id == source_id, items.c.guid == item.guid)
        ).one()
        item_id, short_id = row.id, row.short_id
        seen = conn.execute(
            select(item_versions.c.version).where(
                item_versions.c.item_id == item_id,
                item_versions.c.content_hash == item.content_hash(),
            )
        ).scalar()
        if seen is not None:
            return SaveOutcome(short_id, int(seen), created=False, changed=False)

        number = int(row.version_count) + 1
        version_id = conn.execute(
            insert(item_versions).returning(item_versions.c.id),
            _version_row(item_id, number, item, envelope_id, now),
        ).scalar_one()
        current = conn.execute(
            select(
                item_versions.c.version,
                item_versions.c.source_version,
                item_versions.c.source_updated_at,
                item_versions.c.source_published_at,
            ).where(item_versions.c.id == row.current_version_id)
        ).first()
        values: dict[str, Any] = {"version_count": number}
        shown = current is None or newer(_order(item, number), _stored_order(current))
        if shown:
            values.update(
                current_version_id=version_id,
                updated_at=_update_time(item, row.published_at, now),
                language=item.language,
            )
            if row.published_at > now:  # not public yet (an embargo): it may have moved
                values["published_at"] = _first_public(item, now)
            lifecycle = _lifecycle_columns(item, source_id, now)
            values["pub_status"] = lifecycle["pub_status"]
            values["embargo_until"] = lifecycle["embargo_until"]
            if not row.kill_manual:  # an editor's kill is final; the agency's is not
                was_killed = row.killed_at is not None
                killed = lifecycle["killed_at"] is not None
                if killed and not was_killed:
                    values.update(lifecycle)
                    self._audit(
                        conn,
                        item_id,
                        "kill",
                        lifecycle["killed_by"],
                        lifecycle["kill_reason"],
                        envelope_id,
                        now,
                    )
                elif was_killed and not killed:
                    values.update(killed_at=None, killed_by=None, kill_reason=None)
                    self._audit(
                        conn,
                        item_id,
                        "revive",
                        f"agency {source_id}",
                        f"a newer version ({_describe(item, number)}) re-issued it",
                        envelope_id,
                        now,
                    )
        conn.execute(update(items).where(items.c.id == item_id).values(**values))
        return SaveOutcome(short_id, number, created=False, changed=shown)

    @staticmethod
    def _audit(
        conn: Connection,
        item_id: int,
        action: str,
        actor: str,
        reason: str | None,
        envelope_id: int | None,
        now: datetime,
    ) -> None:
        conn.execute(
            insert(audit_log),
            {
                "at": now,
                "item_id": item_id,
                "action": action,
                "actor": actor,
                "reason": reason,
                "envelope_id": envelope_id,
            },
        )

    @staticmethod
    def _item_ids(conn: Connection, source_id: str, guids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(guids), _IN_CHUNK):
            rows = conn.execute(
                select(items.c.guid, items.c.id).where(
                    items.c.source_id == source_id,
                    items.c.guid.in_(guids[start : start + _IN_CHUNK]),
                )
            )
            found.update((guid, int(item_id)) for guid, item_id in rows)
        return found

    @staticmethod
    def _free_short_ids(conn: Connection, source_id: str, guids: list[str]) -> list[str]:
        """Short ids for a batch of new stories: one query in the usual case of no collision."""
        wanted = [short_id_for(source_id, g) for g in guids]
        taken: set[str] = set()
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            taken.update(
                conn.execute(select(items.c.short_id).where(items.c.short_id.in_(chunk))).scalars()
            )
        result: list[str] = []
        used: set[str] = set()
        for guid, sid in zip(guids, wanted, strict=True):
            if sid in taken or sid in used:
                sid = Store._free_short_id(conn, source_id, guid, also_taken=used | taken)
            used.add(sid)
            result.append(sid)
        return result

    @staticmethod
    def _free_short_id(
        conn: Connection,
        source_id: str,
        guid: str,
        also_taken: set[str] | frozenset[str] = frozenset(),
    ) -> str:
        for length in (10, 12, 16):
            candidate = short_id_for(source_id, guid, length)
            if candidate in also_taken:
                continue
            taken = conn.execute(select(items.c.id).where(items.c.short_id == candidate)).scalar()
            if taken is None:
                return candidate
        raise RuntimeError(f"no free short id for {source_id}/{guid}")  # 2^-80: not expected

    # --- source state -------------------------------------------------------------------

    def source_state(self, source_id: str) -> SourceState | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(source_state).where(source_state.c.source_id == source_id)
            ).first()
        return SourceState(**row._mapping) if row else None

    def update_source_state(self, source_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(source_state).where(source_state.c.source_id == source_id).values(**values)
            ).rowcount
            if not done:
                conn.execute(
                    insert(source_state).values(
                        {"consecutive_failures": 0, **values, "source_id": source_id}
                    )
                )

    # --- public side: everything below goes through the visibility gate -----------------

    def list_stories(
        self,
        now: datetime | None = None,
        *,
        section: str | None = None,
        source_id: str | None = None,
        originator: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[Story]:
        q = (
            select(*_STORY_COLUMNS)
            .select_from(
                items.join(item_versions, item_versions.c.id == items.c.current_version_id)
            )
            .where(*self._filters(now, section, source_id, originator))
            .order_by(items.c.published_at.desc(), items.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [_story(r._mapping) for r in conn.execute(q)]

    def count_stories(
        self,
        now: datetime | None = None,
        *,
        section: str | None = None,
        source_id: str | None = None,
        originator: str | None = None,
    ) -> int:
        q = select(func.count()).select_from(items)
        if originator is not None:
            q = q.join(item_versions, item_versions.c.id == items.c.current_version_id)
        q = q.where(*self._filters(now, section, source_id, originator))
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def get_article(self, short_id: str, now: datetime | None = None) -> Article | None:
        q = (
            select(*_STORY_COLUMNS)
            .select_from(
                items.join(item_versions, item_versions.c.id == items.c.current_version_id)
            )
            .where(items.c.short_id == short_id, public_clause(now or utcnow(), self.duplicates))
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
            if row is None:
                return None
            story = _story(row._mapping)
            history = conn.execute(
                select(
                    item_versions.c.version,
                    item_versions.c.headline,
                    item_versions.c.received_at,
                    item_versions.c.source_updated_at,
                )
                # Each statement may see a newer database than the story row above (no shared
                # snapshot across statements); versions are numbered in arrival order, so the
                # ones the story row counts are exactly the history that goes with it.
                .where(
                    item_versions.c.item_id == story.item_id,
                    item_versions.c.version <= story.version_count,
                )
                .order_by(item_versions.c.version.desc())
            )
            versions = [VersionInfo(**r._mapping) for r in history]
            fixes = conn.execute(
                select(
                    item_versions.c.version,
                    item_versions.c.received_at,
                    item_versions.c.source_updated_at,
                    item_versions.c.correction_note,
                )
                .where(
                    item_versions.c.item_id == story.item_id,
                    item_versions.c.version <= story.version_count,
                    item_versions.c.signals.like(f'%"{Signal.CORRECTION.value}"%'),
                )
                .order_by(item_versions.c.version)
            )
            corrections = [
                Correction(
                    time=r.source_updated_at or r.received_at,
                    note=r.correction_note,
                    version=r.version,
                )
                for r in fixes
            ]
        return Article(story=story, versions=versions, corrections=corrections)

    def article_status(self, short_id: str, now: datetime | None = None) -> str | None:
        """ "public", "killed" (the URL answers 410), "hidden" (404 for now), "duplicate" (a
        copy the duplicates policy suppresses: its URL redirects to its story's lead), or
        None."""
        now = now or utcnow()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    items.c.killed_at,
                    public_clause(now, self.duplicates).label("public"),
                    usable_clause(now).label("usable"),
                    outranked(now, self.duplicates).label("outranked"),
                ).where(items.c.short_id == short_id)
            ).first()
        if row is None:
            return None
        if row.killed_at is not None:
            return "killed"
        if row.public:
            return "public"
        if row.usable and row.outranked and self.duplicates.mode == "suppress":
            return "duplicate"
        return "hidden"

    def sections(self, now: datetime | None = None) -> list[tuple[str, int]]:
        """Sections that have public stories, with counts, busiest first."""
        q = (
            select(items.c.section, func.count())
            .where(listed_clause(now or utcnow(), self.duplicates))
            .group_by(items.c.section)
            .order_by(func.count().desc(), items.c.section)
        )
        with self.engine.connect() as conn:
            return [(s, int(n)) for s, n in conn.execute(q)]

    def _filters(
        self,
        now: datetime | None,
        section: str | None,
        source_id: str | None,
        originator: str | None = None,
    ) -> list[Any]:
        """Lists and feeds: the gate's listing clause (one entry per story unless the policy
        is "publish"), then the page's own scope. An agency's own list shows every public copy
        of that agency, so "Also reported by" leads to the agency's copy under "link"."""
        now = now or utcnow()
        if source_id is None:
            clauses: list[Any] = [listed_clause(now, self.duplicates)]
        else:
            clauses = [public_clause(now, self.duplicates)]
        if section is not None:
            clauses.append(items.c.section == section)
        if source_id is not None:
            clauses.append(items.c.source_id == source_id)
        if originator is not None:  # callers join the current version
            clauses.append(item_versions.c.originator == story_groups.normalize_name(originator))
        return clauses

    # --- editors and operators (not public) ---------------------------------------------

    def find_item(self, ref: str) -> int | None:
        """An item id from what a person would paste: an article URL or path, a short id, or
        `source:guid`."""
        ref = ref.strip()
        short = ref.rstrip("/").rsplit("/", 1)[-1].rsplit("-", 1)[-1]
        with self.engine.connect() as conn:
            found = conn.execute(select(items.c.id).where(items.c.short_id == short)).scalar()
            if found is None and ":" in ref and "/" not in ref.split(":", 1)[0]:
                source_id, guid = ref.split(":", 1)
                found = conn.execute(
                    select(items.c.id).where(items.c.source_id == source_id, items.c.guid == guid)
                ).scalar()
        return None if found is None else int(found)

    def approve(self, item_id: int, *, actor: str, now: datetime | None = None) -> bool:
        """Publish a story held for editors (its source has `auto_publish = false`).

        Approval lifts only our own hold: the agency's word (withheld, embargo, kill) still
        applies through the gate. Returns False if the story was not held.
        """
        now = now or utcnow()
        with self.engine.begin() as conn:
            done = conn.execute(
                update(items)
                .where(items.c.id == item_id, items.c.state == ItemState.HELD.value)
                .values(state=ItemState.PUBLISHED.value)
            ).rowcount
            if done:
                self._audit(conn, item_id, "approve", actor, None, None, now)
        return bool(done)

    def kill(self, item_id: int, *, reason: str, actor: str, now: datetime | None = None) -> bool:
        """Take a story down everywhere, for good: an editor's kill is never undone by the
        agency. Returns False if it was already killed by an editor."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            manual = conn.execute(
                select(items.c.kill_manual).where(items.c.id == item_id)
            ).scalar_one()
            if manual:
                return False
            conn.execute(
                update(items)
                .where(items.c.id == item_id)
                .values(killed_at=now, killed_by=actor, kill_reason=reason, kill_manual=True)
            )
            self._audit(conn, item_id, "kill", actor, reason, None, now)
        return True

    def audit(self, item_id: int) -> list[AuditEntry]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(audit_log.c.at, audit_log.c.action, audit_log.c.actor, audit_log.c.reason)
                .where(audit_log.c.item_id == item_id)
                .order_by(audit_log.c.at, audit_log.c.id)
            )
            return [AuditEntry(**r._mapping) for r in rows]

    def list_items(
        self, now: datetime | None = None, *, state: str | None = None, limit: int = 1000
    ) -> list[ItemRow]:
        """Every story with its state for operators, newest first; `state` filters."""
        now = now or utcnow()
        q = (
            select(
                items.c.short_id,
                items.c.source_id,
                items.c.guid,
                items.c.slug,
                items.c.section,
                items.c.version_count,
                items.c.state,
                items.c.pub_status,
                items.c.embargo_until,
                items.c.published_at,
                items.c.killed_at,
                items.c.kill_reason,
                item_versions.c.headline,
            )
            .select_from(
                items.join(item_versions, item_versions.c.id == items.c.current_version_id)
            )
            .order_by(items.c.published_at.desc(), items.c.id.desc())
        )
        out: list[ItemRow] = []
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                row = ItemRow(
                    short_id=r.short_id,
                    source_id=r.source_id,
                    guid=r.guid,
                    path=f"/{r.section}/{r.slug}-{r.short_id}",
                    headline=r.headline,
                    version_count=r.version_count,
                    state=_operator_state(r, now),
                    published_at=r.published_at,
                    killed_at=r.killed_at,
                    kill_reason=r.kill_reason,
                )
                if state is None or row.state == state:
                    out.append(row)
                    if len(out) >= limit:
                        break
        return out

    # --- operator views (not public) ----------------------------------------------------

    def all_items(self) -> Iterable[dict[str, Any]]:
        with self.engine.connect() as conn:
            q = select(items).order_by(items.c.id)
            return [dict(r._mapping) for r in conn.execute(q)]


def _version_row(
    item_id: int, number: int, item: Item, envelope_id: int, now: datetime
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "version": number,
        "source_version": item.version,
        "content_hash": item.content_hash(),
        "envelope_id": envelope_id,
        "received_at": now,
        "format": item.format or None,
        "headline": item.headline,
        "summary": item.summary,
        "body_html": item.body_html,
        "body_text": item.body_text,
        "byline": item.byline,
        "link": item.link,
        "language": item.language,
        "categories": _json_list(item.categories),
        "source_published_at": item.published_at,
        "source_updated_at": item.updated_at,
        "credit_line": item.credit_line,
        "originator": item.originator,
        "upstream_disclaimer": item.upstream_disclaimer,
        "upstream_source": item.upstream_source,
        "dateline_place": item.dateline_place,
        "dateline_date": item.dateline_date,
        "pub_status": item.pub_status.value,
        "signals": _json_list([sig.value for sig in item.signals]),
        "embargo_until": item.embargo_until,
        "urgency": item.urgency,
        "priority": item.priority,
        "subheadline": item.subheadline,
        "slugline": item.slugline,
        "subjects": _json_list([asdict(x) for x in item.subjects]),
        "keywords": _json_list(item.keywords),
        "copyright": item.copyright,
        "usage_terms": item.usage_terms,
        "provenance": _json_list([_hop_json(h) for h in item.provenance]),
        "images": _json_list([asdict(x) for x in item.images]),
        "correction_note": item.correction_note,
    }


def _json_list(values: list[Any]) -> str:
    """A list column's JSON; most lists of most items are empty, and `json.dumps` of an
    empty list costs as much as a short one."""
    return json.dumps(values, ensure_ascii=False) if values else "[]"


def _hop_json(hop: Hop) -> dict[str, Any]:
    data = asdict(hop)
    data["time"] = hop.time.isoformat() if hop.time else None
    return data


def _order(item: Item, arrival: int) -> VersionOrder:
    return VersionOrder(item.version, item.updated_at or item.published_at, arrival)


def _stored_order(row: Any) -> VersionOrder:
    return VersionOrder(
        row.source_version, row.source_updated_at or row.source_published_at, row.version
    )


def _first_public(item: Item, now: datetime) -> datetime:
    """When the story becomes public: the agency's time (a future date counts as now),
    or the end of its embargo if that is later."""
    when = min(item.published_at or item.updated_at or now, now)
    if item.embargo_until is not None and item.embargo_until > when:
        return item.embargo_until
    return when


def _lifecycle_columns(item: Item, source_id: str, now: datetime) -> dict[str, Any]:
    d = derive(item.pub_status.value, [s.value for s in item.signals], item.embargo_until)
    return {
        "pub_status": d.pub_status,
        "embargo_until": d.embargo_until,
        "killed_at": now if d.killed else None,
        "killed_by": f"agency {source_id}" if d.killed else None,
        "kill_reason": _kill_reason(item) if d.killed else None,
    }


def _kill_reason(item: Item) -> str:
    why = "kill signal" if Signal.KILL in item.signals else "pubStatus canceled"
    note = f": {item.correction_note}" if item.correction_note else ""
    return f"{why} in version {item.version}{note}" if item.version else f"{why}{note}"


def _describe(item: Item, number: int) -> str:
    return f"version {item.version}" if item.version is not None else f"arrival {number}"


def _update_time(item: Item, first_published: datetime, now: datetime) -> datetime:
    """When a version was updated: the source's own time if it says one, else arrival.

    RSS has no separate update time, so a later pubDate on the same guid is the update time;
    a time not after first publication (or in the future) says nothing, and arrival is used.
    """
    told = item.updated_at or item.published_at
    if told is None or told <= first_published or told > now:
        return now
    return told


def _story(m: Any) -> Story:
    data = dict(m)
    for name in _JSON_FIELDS:
        data[name] = json.loads(data[name] or "[]")
    return Story(**data)


ITEM_STATES = ("published", "held", "withheld", "embargoed", "scheduled", "killed")


def _operator_state(r: Any, now: datetime) -> str:
    """One word for where a story stands, in the order the gate checks it."""
    if r.killed_at is not None:
        return "killed"
    if r.state != ItemState.PUBLISHED.value:
        return r.state
    if r.pub_status != "usable":
        return r.pub_status
    if r.embargo_until is not None and r.embargo_until > now:
        return "embargoed"
    if r.published_at > now:
        return "scheduled"
    return "published"
