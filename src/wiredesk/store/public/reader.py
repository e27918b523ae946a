"""Every query a public channel makes, and nothing else: each goes through the gate.

Channels (pages, feeds, and anything added later) hold a `PublicReader` and nothing of the
write side. Every method takes `now`: what the public may see is decided by the gate at that
moment (store/public/gate.py), which is how an embargo lifts, or a story's next copy takes a
killed lead's place, with no job running.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine, func, select

from wiredesk.model import Signal, utcnow
from wiredesk.store.public.gate import (
    DuplicatePolicy,
    listed_clause,
    outranked,
    preference_rank,
    public_clause,
    usable_clause,
)
from wiredesk.store.public.views import (
    Copy,
    CopyDetail,
    Correction,
    OtherCopy,
    VersionLine,
    copy_from_row,
    copy_path,
)
from wiredesk.store.schema import item_versions, items

# Rows per `IN (...)` list: well under SQLite's 32,766 bound parameters, and a plan stays cheap.
_IN_CHUNK = 500

# Fields of a copy as the public sees it: items joined with the current version.
COPY_COLUMNS = (
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
_CURRENT = items.join(item_versions, item_versions.c.id == items.c.current_version_id)

# What `copy_status` answers for a short id.
PUBLIC = "public"
KILLED = "killed"  # by the agency: the URL answers 410
TAKEN_DOWN = "taken down"  # by an editor: 410 with the editor's notice
HIDDEN = "hidden"  # withheld, embargoed, held: 404 for now
DUPLICATE = "duplicate"  # suppressed under duplicates = "suppress": redirect to the lead


def normalize_name(name: str) -> str:
    """An originator's name as compared: NFC, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", name).split())


class DatabaseHandle(Protocol):
    """What the reader needs of `store.database.Database` (named here, not imported: the
    public side depends on nothing of the rest of the store but the schema)."""

    engine: Engine
    policy: DuplicatePolicy


class PublicReader:
    """The public read side of one database."""

    def __init__(self, db: DatabaseHandle) -> None:
        self.db = db
        self.engine = db.engine

    @property
    def policy(self) -> DuplicatePolicy:
        return self.db.policy

    # --- lists and feeds ---------------------------------------------------------------

    def list_copies(
        self,
        now: datetime | None = None,
        *,
        section: str | None = None,
        source_id: str | None = None,
        originator: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[Copy]:
        q = (
            select(*COPY_COLUMNS)
            .select_from(_CURRENT)
            .where(*self._filters(now, section, source_id, originator))
            .order_by(items.c.published_at.desc(), items.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [copy_from_row(r._mapping) for r in conn.execute(q)]

    def count_copies(
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

    def sections(self, now: datetime | None = None) -> list[tuple[str, int]]:
        """Sections that have listed copies, with counts, busiest first."""
        q = (
            select(items.c.section, func.count())
            .where(listed_clause(now or utcnow(), self.policy))
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
        """Lists and feeds: the gate's listing clause (one copy per story unless the policy
        is "publish"), then the page's own scope. An agency's own list shows every public copy
        of that agency, so "Also reported by" leads to the agency's copy under "link"."""
        now = now or utcnow()
        if source_id is None:
            clauses: list[Any] = [listed_clause(now, self.policy)]
        else:
            clauses = [public_clause(now, self.policy)]
        if section is not None:
            clauses.append(items.c.section == section)
        if source_id is not None:
            clauses.append(items.c.source_id == source_id)
        if originator is not None:  # callers join the current version
            clauses.append(item_versions.c.originator == normalize_name(originator))
        return clauses

    # --- one copy ------------------------------------------------------------------------

    def copy_detail(self, short_id: str, now: datetime | None = None) -> CopyDetail | None:
        """The copy with its history and corrections, if the public may open it at `now`."""
        q = (
            select(*COPY_COLUMNS)
            .select_from(_CURRENT)
            .where(items.c.short_id == short_id, public_clause(now or utcnow(), self.policy))
        )
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
            if row is None:
                return None
            copy = copy_from_row(row._mapping)
            history = conn.execute(
                select(
                    item_versions.c.version,
                    item_versions.c.headline,
                    item_versions.c.received_at,
                    item_versions.c.source_updated_at,
                )
                # Each statement may see a newer database than the copy row above (no shared
                # snapshot across statements); versions are numbered in arrival order, so the
                # ones the copy row counts are exactly the history that goes with it.
                .where(
                    item_versions.c.item_id == copy.item_id,
                    item_versions.c.version <= copy.version_count,
                )
                .order_by(item_versions.c.version.desc())
            )
            versions = [VersionLine(**r._mapping) for r in history]
            fixes = conn.execute(
                select(
                    item_versions.c.version,
                    item_versions.c.received_at,
                    item_versions.c.source_updated_at,
                    item_versions.c.correction_note,
                )
                .where(
                    item_versions.c.item_id == copy.item_id,
                    item_versions.c.version <= copy.version_count,
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
        return CopyDetail(copy=copy, versions=versions, corrections=corrections)

    def copy_status(self, short_id: str, now: datetime | None = None) -> str | None:
        """`PUBLIC`, `KILLED`, `TAKEN_DOWN`, `HIDDEN` or `DUPLICATE` (module constants), or
        None when no copy has this short id."""
        now = now or utcnow()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    items.c.killed_at,
                    items.c.kill_manual,
                    public_clause(now, self.policy).label("public"),
                    usable_clause(now).label("usable"),
                    outranked(now, self.policy).label("outranked"),
                ).where(items.c.short_id == short_id)
            ).first()
        if row is None:
            return None
        if row.killed_at is not None:
            return TAKEN_DOWN if row.kill_manual else KILLED
        if row.public:
            return PUBLIC
        if row.usable and row.outranked and self.policy.mode == "suppress":
            return DUPLICATE
        return HIDDEN

    # --- the other copies of a story ------------------------------------------------------

    def other_copies(self, shown: Sequence[Copy], now: datetime) -> dict[str, list[OtherCopy]]:
        """Short id -> "Also reported by": the other public copies of each copy's story, one
        per agency, best-ranked first, without the copy's own agency."""
        members = self._public_members([c.story_id for c in shown if c.story_id is not None], now)
        out: dict[str, list[OtherCopy]] = {}
        for c in shown:
            if c.story_id is None:
                continue
            seen = {c.source_id}
            others: list[OtherCopy] = []
            for m in members.get(c.story_id, []):
                if m.item_id != c.item_id and m.source_id not in seen:
                    seen.add(m.source_id)
                    others.append(m)
            out[c.short_id] = others
        return out

    def _public_members(
        self, story_ids: Iterable[int], now: datetime
    ) -> dict[int, list[OtherCopy]]:
        """Story id -> its copies public at `now`, best-ranked first.

        Uses the gate's ranking and its usable test, not the "suppress" exclusion: a
        suppressed copy is still a copy the story was reported in, and its agency is named.
        """
        wanted = sorted(set(story_ids))
        out: dict[int, list[OtherCopy]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), _IN_CHUNK):
                q = (
                    select(
                        items.c.id,
                        items.c.story_id,
                        items.c.short_id,
                        items.c.source_id,
                        items.c.section,
                        items.c.slug,
                    )
                    .where(
                        items.c.story_id.in_(wanted[start : start + _IN_CHUNK]),
                        usable_clause(now),
                    )
                    .order_by(preference_rank(self.policy), items.c.published_at, items.c.id)
                )
                for r in conn.execute(q):
                    out.setdefault(int(r.story_id), []).append(
                        OtherCopy(
                            int(r.id),
                            r.short_id,
                            r.source_id,
                            copy_path(r.section, r.slug, r.short_id),
                        )
                    )
        return out

    def lead_path(self, short_id: str, now: datetime) -> str | None:
        """Where a suppressed copy's URL redirects: its story's lead, public at `now`."""
        with self.engine.connect() as conn:
            sid = conn.execute(
                select(items.c.story_id).where(items.c.short_id == short_id)
            ).scalar()
            if sid is None:
                return None
            row = conn.execute(
                select(items.c.section, items.c.slug, items.c.short_id)
                .where(items.c.story_id == sid, usable_clause(now))
                .order_by(preference_rank(self.policy), items.c.published_at, items.c.id)
                .limit(1)
            ).first()
        if row is None or row.short_id == short_id:
            return None
        return copy_path(row.section, row.slug, row.short_id)
