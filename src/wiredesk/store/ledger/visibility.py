"""Keeping the gate's columns in step: `public_from` and `outranked_at` of every copy a write
touches, and of the other copies of their stories.

The rules are the gate's (store/public/gate.py); this module only reads the columns they
need, applies them and writes what changed, in the caller's transaction. Each write path calls
it for the copies it changed: a new version, an editor's act, a copy joining a story. A new
copy alone in its story gets its values when it is inserted and costs nothing here.

A copy's visibility also depends on its story: while the story is taken down by the editors
(`stories.taken_down_at`, store/ledger/takedowns.py) no copy of it is public, so the copies'
rows are read with their story's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from wiredesk.store.database import Database
from wiredesk.store.public.gate import DuplicatePolicy, outranked_at, public_from
from wiredesk.store.schema import items, site_meta, stories

log = logging.getLogger(__name__)

_IN_CHUNK = 500
# What the stored `outranked_at` values were ranked by (`site_meta`): a change of
# `[site] preferred_sources` re-ranks every story told by more than one wire.
RANKING_KEY = "lead_ranking"

_LIFECYCLE = (
    items.c.id,
    items.c.story_id,
    items.c.state,
    items.c.killed_at,
    items.c.pub_status,
    items.c.embargo_until,
    items.c.published_at,
    items.c.public_from,
    stories.c.taken_down_at.label("story_taken_down_at"),
)
# by primary key: a copy's story costs no more than the copy's own row
_WITH_STORY = items.outerjoin(stories, stories.c.id == items.c.story_id)
_MEMBER = (
    items.c.id,
    items.c.story_id,
    items.c.source_id,
    items.c.published_at,
    items.c.public_from,
    items.c.outranked_at,
    items.c.language,
)
_SET_PUBLIC_FROM = (
    update(items).where(items.c.id == bindparam("item_id")).values(public_from=bindparam("value"))
)
_SET_OUTRANKED_AT = (
    update(items).where(items.c.id == bindparam("item_id")).values(outranked_at=bindparam("value"))
)


def refresh(conn: Connection, item_ids: Iterable[int], policy: DuplicatePolicy) -> set[int]:
    """Recompute `public_from` of these copies and re-rank their stories; returns the ids of
    the stories re-ranked."""
    touched = refresh_public_from(conn, item_ids)
    rerank(conn, touched, policy)
    return touched


def refresh_public_from(conn: Connection, item_ids: Iterable[int]) -> set[int]:
    """Recompute `public_from` of these copies (their stories are not re-ranked: the caller
    does that, once for all it changed); returns the ids of their stories."""
    wanted = sorted(set(item_ids))
    story_ids: set[int] = set()
    changed: list[dict[str, Any]] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = conn.execute(
            select(*_LIFECYCLE)
            .select_from(_WITH_STORY)
            .where(items.c.id.in_(wanted[start : start + _IN_CHUNK]))
        )
        for r in rows:
            value = public_from(r, withdrawn=r.story_taken_down_at is not None)
            if value != r.public_from:
                changed.append({"item_id": r.id, "value": value})
            if r.story_id is not None:
                story_ids.add(int(r.story_id))
    if changed:
        conn.execute(_SET_PUBLIC_FROM, changed)
    return story_ids


def refresh_stories(
    conn: Connection, story_ids: Iterable[int], policy: DuplicatePolicy
) -> list[Any]:
    """Recompute `public_from` of every copy of these stories and re-rank them (a story taken
    down or restored); returns the copies read, as `rerank` does."""
    wanted = sorted(set(story_ids))
    members: list[int] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        members += conn.execute(
            select(items.c.id).where(items.c.story_id.in_(wanted[start : start + _IN_CHUNK]))
        ).scalars()
    refresh_public_from(conn, members)
    return rerank(conn, wanted, policy)


def rerank(conn: Connection, story_ids: Iterable[int], policy: DuplicatePolicy) -> list[Any]:
    """Recompute `outranked_at` of every copy of these stories; returns the copies read (for
    the caller's change tags)."""
    wanted = sorted(set(story_ids))
    members: list[Any] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        members += conn.execute(
            select(*_MEMBER).where(items.c.story_id.in_(wanted[start : start + _IN_CHUNK]))
        ).all()
    by_story: dict[int, list[Any]] = {}
    for m in members:
        by_story.setdefault(int(m.story_id), []).append(m)
    changed: list[dict[str, Any]] = []
    for copies in by_story.values():
        ranks = outranked_at(copies, policy)
        changed += [
            {"item_id": c.id, "value": ranks[c.id]} for c in copies if ranks[c.id] != c.outranked_at
        ]
    if changed:
        conn.execute(_SET_OUTRANKED_AT, changed)
    return members


def ranking_of(policy: DuplicatePolicy) -> str:
    return json.dumps(list(policy.preferred_sources))


def rerank_all_if_needed(conn: Connection, policy: DuplicatePolicy) -> int:
    """Re-rank every story told by more than one wire when the stored ranking is not the one
    `policy` asks for (first start after migration 0007, or changed preferred sources).
    Returns how many stories were re-ranked."""
    wanted = ranking_of(policy)
    stored = conn.execute(_STORED_RANKING).scalar()
    if stored == wanted:
        return 0
    multi = _multi_copy_stories(conn)
    for start in range(0, len(multi), _IN_CHUNK * 10):
        rerank(conn, multi[start : start + _IN_CHUNK * 10], policy)
    if stored is None:
        conn.execute(site_meta.insert().values(key=RANKING_KEY, value=wanted))
    else:
        conn.execute(update(site_meta).where(site_meta.c.key == RANKING_KEY).values(value=wanted))
    return len(multi)


_STORED_RANKING = select(site_meta.c.value).where(site_meta.c.key == RANKING_KEY)
# PostgreSQL's advisory lock key for adopting a ranking (store.database.MIGRATION_LOCK's
# neighbour): every wiredesk process agrees on it.
_RANKING_LOCK = -0x71DA5DC691638580


def _multi_copy_stories(conn: Connection) -> Sequence[int]:
    q = (
        select(items.c.story_id)
        .where(items.c.story_id.is_not(None))
        .group_by(items.c.story_id)
        .having(func.count() > 1)
    )
    return [int(s) for s in conn.execute(q).scalars()]


def adopt_policy(db: Database, policy: DuplicatePolicy) -> int:
    """Make `policy` the database's: the stored lead ranking follows it (every story told by
    several wires re-ranked if the preferred sources changed). Returns how many stories were
    re-ranked; caches are told to drop everything if any was."""
    db.policy = policy
    with db.engine.connect() as conn:
        stored = conn.execute(_STORED_RANKING).scalar()
    if stored == ranking_of(policy):  # the usual start: nothing to do, and no lock taken
        return 0
    with db.engine.begin() as conn:
        # Two processes started together on a new database both found no ranking; without a
        # lock both wrote it, and the second failed on the key. With it, the second waits
        # and finds the ranking stored (`rerank_all_if_needed` reads it again).
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_RANKING_LOCK})")
        reranked = rerank_all_if_needed(conn, policy)
    if reranked:
        log.info("lead ranking changed: %d stories re-ranked", reranked)
        db.notify({"*"})
    return reranked
