"""Grouping: after a save, put each new or changed copy into its story.

Ingest runs this in the transaction that saved the copies (`store.ledger.copies.save_in`):
fingerprint the current version of every new or changed copy, match
new ones against the syndication index, and decide which copies join which stories. The
decisions go to the store as one `GroupingPlan`, written at once
(`store.ledger.stories.apply_in`): decide first, then write once.

The index is the near-duplicate engine's (`wiredesk.syndication.engine`); it lives in memory,
one per database per process, built lazily from the fingerprints persisted in
`item_fingerprints` (those published within its window) on first use. So `wiredesk run`
keeps one index; a second process (`wiredesk ingest` beside `wiredesk serve`) builds its own
from the database when it starts.

Membership sticks: an update of a member keeps it in its story (its fingerprint is replaced so
later copies match the newest text), and only a copy that is still alone in its story is
matched again when it changes (a flash followed by the full text can still find its story).

Grouping is an improvement, not a gate: if anything here fails, ingest saves the copies again
without it, then groups them in a transaction of their own (`group`), where a failure is
rolled back and logged; the copies stay, each in a story of its own, and ingest carries on.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection

from wiredesk.model import Item, PubStatus, utcnow
from wiredesk.store.bulk import begin_write
from wiredesk.store.database import Database
from wiredesk.store.ledger import stories
from wiredesk.store.ledger.copies import SaveOutcome
from wiredesk.store.ledger.stories import CopyFacts, GroupingPlan
from wiredesk.syndication import engine

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=72)  # the engine's default: copies of one story arrive within days
_MAX_STALE = 8  # index entries whose copy was deleted, skipped before giving up on a match

_lock = threading.Lock()
_indexes: weakref.WeakKeyDictionary[Database, engine.SyndicationIndex] = weakref.WeakKeyDictionary()


def index_for(
    db: Database, now: datetime, conn: Connection | None = None
) -> engine.SyndicationIndex:
    """This process's index for `db`, built from persisted fingerprints on first use (read,
    and redone where an older wiredesk made them, through `conn` when given: a writer's
    transaction, which another connection would wait for)."""
    index = _indexes.get(db)
    if index is not None:
        return index
    index = engine.SyndicationIndex(window=WINDOW)
    rows = stories.load_fingerprints(db, now - WINDOW, conn)
    stale: dict[str, datetime] = {}
    for short_id, row, published_at in rows:
        try:
            fp = engine.Fingerprint.from_row(row)
        except ValueError:  # made by an older wiredesk: redone below from the stored text
            stale[short_id] = published_at
            continue
        index.add(short_id, fp, published_at)
    if stale:
        _redo_fingerprints(db, index, stale, conn)
    _indexes[db] = index
    log.debug("syndication index for %s: %d fingerprints loaded", db.engine.url, len(rows))
    return index


def forget_index(db: Database) -> None:
    """Drop this process's index for `db` (it is rebuilt from the database on next use)."""
    with _lock:
        _indexes.pop(db, None)


def _redo_fingerprints(
    db: Database,
    index: engine.SyndicationIndex,
    stale: dict[str, datetime],
    conn: Connection | None = None,
) -> None:
    """Recompute fingerprints of an older scheme from each copy's current text and persist
    them, so that stories stored before an upgrade still gather their later copies."""
    redone = []
    for item_id, short_id, r in stories.current_texts(db, list(stale), conn):
        fp = engine.fingerprint(r.headline or "", r.body_text or "", r.language)
        index.add(short_id, fp, stale[short_id])
        redone.append((item_id, fp.to_row(), stale[short_id]))
    stories.replace_fingerprints(db, redone, conn)
    log.info("syndication: %d fingerprints of an older wiredesk recomputed", len(redone))


def group(
    db: Database,
    saved: Sequence[Item],
    outcomes: Sequence[SaveOutcome],
    now: datetime | None = None,
    fingerprints: Sequence[engine.Fingerprint | None] | None = None,
) -> int:
    """Group the just-saved copies into stories in a transaction of its own; returns how
    many joined an existing story. Never raises: should grouping fail, its writes are rolled
    back, the copies stay saved, each a story of its own, and the error is logged."""
    if not any(out.changed for out in outcomes):
        return 0
    try:
        with db.engine.begin() as conn:
            begin_write(conn)
            joined, tags = group_in(conn, db, saved, outcomes, now, fingerprints)
    except Exception:
        log.exception("grouping stories failed; the copies are saved, each as its own story")
        return 0
    db.notify(tags)
    return joined


def group_in(
    conn: Connection,
    db: Database,
    saved: Sequence[Item],
    outcomes: Sequence[SaveOutcome],
    now: datetime | None = None,
    fingerprints: Sequence[engine.Fingerprint | None] | None = None,
) -> tuple[int, set[str]]:
    """Group the copies just saved in `conn`'s transaction into stories. Returns how many
    joined an existing story and the tags to tell the page caches after the commit.

    It raises what it meets, and then the transaction must not commit (a caller that wants
    its copies kept whatever grouping does saves them again and calls `group`): a savepoint
    would say the same at two more round trips to a PostgreSQL server on every payload.

    `saved[i]` is the processed item whose save gave `outcomes[i]`; `fingerprints[i]`, if
    given, its fingerprint computed beforehand (None: computed here if needed).
    """
    prints = fingerprints if fingerprints is not None else [None] * len(saved)
    todo = [
        (it, out, fp) for it, out, fp in zip(saved, outcomes, prints, strict=False) if out.changed
    ]
    if not todo:
        return 0, set()
    now = now or utcnow()
    try:
        with _lock:
            try:
                plan = _decide(conn, db, index_for(db, now, conn), todo)
            except _StaleIndex:  # decide again, one match at a time, on an index read anew
                _indexes.pop(db, None)
                plan = _decide(conn, db, index_for(db, now, conn), todo, read_in_bulk=False)
            return len(plan.joins), stories.apply_in(conn, db, plan, now)
    except Exception:
        forget_index(db)  # what it indexed is rolled back with the transaction
        raise


class _StaleIndex(Exception):
    """A copy the index matched was deleted since it was indexed."""


def _decide(
    conn: Connection,
    db: Database,
    index: engine.SyndicationIndex,
    todo: list[tuple[Item, SaveOutcome, engine.Fingerprint | None]],
    *,
    read_in_bulk: bool = True,
) -> GroupingPlan:
    """Decide per copy, in order; the common case (a new copy that matches nothing) costs a
    fingerprint and a lookup, and writes one fingerprint row.

    Decisions are made in order and see the ones before them: a copy saved earlier in the
    batch is in the index for the copies after it, and a join changes the size of the stories
    it touches.

    When every copy of the batch is new (a first poll, a feed's new stories), a join needs
    nothing of the copy it joins but its id, so the copies matched outside the batch are read
    in one query at the end instead of one query per match; should one of them have been
    deleted since it was indexed, `_StaleIndex` asks for the decisions to be made again
    (`read_in_bulk=False`: one match at a time, skipping deleted copies as they come).
    """
    plan = GroupingPlan()
    # A copy this save created comes with its facts; the others' are read (and a copy both
    # created and updated by one payload is read too: what it is now is what counts).
    facts = {out.short_id: out.facts for _, out, _ in todo if out.facts is not None}
    read = stories.facts(db, [out.short_id for _, out, _ in todo if out.facts is None], conn)
    facts.update(read)
    # A created copy is alone in its story (size 1, the default below): only read the others.
    sizes = stories.story_sizes(
        db, [f.story_id for f in read.values() if f.story_id is not None], conn
    )
    # item id -> (fingerprint row, published): the last version of a batch wins, since one
    # payload may carry the same copy twice
    fresh: dict[int, tuple[dict[str, object], datetime]] = {}
    changed: dict[int, tuple[dict[str, object], datetime]] = {}
    story_of: dict[int, int] = {}  # item id -> story key, as decided so far
    # Only new copies: their stories are singletons, so the sizes and story keys `join` keeps
    # are never read again, and a join outside the batch waits for its target's id.
    in_bulk = read_in_bulk and all(out.created for _, out, _ in todo)
    later: list[tuple[int, str]] = []  # (position in plan.joins, short id of its target)

    def key(f: CopyFacts) -> int:
        return story_of.get(f.id, f.story_id if f.story_id is not None else -f.id)

    def join(f: CopyFacts, target: CopyFacts) -> None:
        plan.joins.append((f.id, target.id))
        own, into = key(f), key(target)
        sizes[own] = sizes.get(own, 1) - 1
        sizes[into] = sizes.get(into, 1) + 1
        story_of[f.id] = into

    for item, out, given in todo:
        row = facts.get(out.short_id)
        if row is None:
            continue
        if row.pub_status != PubStatus.USABLE.value or row.killed_at is not None:
            # a kill notice or a withheld version says nothing about the text: keep the
            # fingerprint of the last real text so later copies still find the story
            if not out.created:
                plan.refresh_leads_of.append(row.id)
            continue
        fp = given or engine.fingerprint(item.headline, item.body_text, item.language)
        if out.created and in_bulk:
            match = index.match(fp, row.published_at)
            if match is not None and match.key != row.short_id:
                target = facts.get(match.key)
                if target is not None:
                    join(row, target)
                else:
                    later.append((len(plan.joins), match.key))
                    plan.joins.append((row.id, -1))
            fresh[row.id] = (fp.to_row(), row.published_at)
        elif out.created:
            target = _match(conn, db, index, fp, row.published_at, facts)
            if target is not None and target.id != row.id:
                join(row, target)
            fresh[row.id] = (fp.to_row(), row.published_at)
        else:
            index.remove(out.short_id)
            if sizes.get(key(row), 1) == 1:  # alone: may find its story
                target = _match(conn, db, index, fp, row.published_at, facts)
                if target is not None and target.id != row.id:
                    join(row, target)
            plan.refresh_leads_of.append(row.id)
            if row.id in fresh:  # created by this batch: not stored yet, just newer
                fresh[row.id] = (fp.to_row(), row.published_at)
            else:
                changed[row.id] = (fp.to_row(), row.published_at)
        index.add(out.short_id, fp, row.published_at)
    if later:
        targets = stories.facts(db, [short_id for _, short_id in later], conn)
        for position, short_id in later:
            target = targets.get(short_id)
            if target is None:
                raise _StaleIndex(short_id)
            plan.joins[position] = (plan.joins[position][0], target.id)
    plan.new_fingerprints = [(i, *v) for i, v in fresh.items()]
    plan.replaced_fingerprints = [(i, *v) for i, v in changed.items()]
    return plan


def _match(
    conn: Connection,
    db: Database,
    index: engine.SyndicationIndex,
    fp: engine.Fingerprint,
    published_at: datetime,
    batch: dict[str, CopyFacts],
) -> CopyFacts | None:
    """The copy the index matches, skipping entries whose copy no longer exists; `batch`
    holds the facts of this batch's copies (as stored now) and of copies matched before in
    it (nothing changes them before the plan is applied); the others' are read."""
    for _ in range(_MAX_STALE):
        match = index.match(fp, published_at)
        if match is None:
            return None
        found = batch.get(match.key) or stories.facts(db, [match.key], conn).get(match.key)
        if found is not None:
            batch[match.key] = found
            return found
        index.remove(match.key)  # deleted since it was indexed
    return None
