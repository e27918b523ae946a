"""After a save: put each new or changed story version into its story.

The step ingest runs after `Store.save_items` commits: fingerprint the current version of every
new or changed item, match new ones against the syndication index, and move a match into the
story it matched (`store.stories.attach`). The index is the near-duplicate engine's
(`wiredesk.syndication.engine`); it lives in memory, one per store per process, built lazily
from the fingerprints persisted in `item_fingerprints` (those published within its window) on
first use. So `wiredesk run` keeps one index; a second process (`wiredesk ingest` beside
`wiredesk serve`) builds its own from the database when it starts.

Membership sticks: an update of a member keeps it in its story (its fingerprint is replaced so
later copies match the newest text), and only an item that is still alone in its story is
matched again when it changes (a flash followed by the full text can still find its story).

Syndication is an improvement, not a gate: if anything here fails, the items are already
saved, each in a story of its own, and the error is logged; ingest carries on.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from wiredesk.model import Item, PubStatus, utcnow
from wiredesk.store import SaveOutcome, Store
from wiredesk.store import stories as story_groups
from wiredesk.syndication import engine

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=72)  # the engine's default: copies of one story arrive within days
_MAX_STALE = 8  # index entries whose item was deleted, skipped before giving up on a match

_lock = threading.Lock()
_indexes: weakref.WeakKeyDictionary[Store, engine.SyndicationIndex] = weakref.WeakKeyDictionary()


def index_for(store: Store, now: datetime) -> engine.SyndicationIndex:
    """This process's index for `store`, built from persisted fingerprints on first use."""
    index = _indexes.get(store)
    if index is not None:
        return index
    index = engine.SyndicationIndex(window=WINDOW)
    with store.engine.connect() as conn:
        rows = story_groups.load_fingerprints(conn, now - WINDOW)
    stale: dict[str, datetime] = {}
    for short_id, row, published_at in rows:
        try:
            fp = engine.Fingerprint.from_row(row)
        except ValueError:  # made by an older wiredesk: redone below from the stored text
            stale[short_id] = published_at
            continue
        index.add(short_id, fp, published_at)
    if stale:
        _redo_fingerprints(store, index, stale)
    _indexes[store] = index
    log.debug("syndication index for %s: %d fingerprints loaded", store.engine.url, len(rows))
    return index


def forget_index(store: Store) -> None:
    """Drop this process's index for `store` (it is rebuilt from the database on next use)."""
    with _lock:
        _indexes.pop(store, None)


def _redo_fingerprints(
    store: Store, index: engine.SyndicationIndex, stale: dict[str, datetime]
) -> None:
    """Recompute fingerprints of an older scheme from each item's current text and persist
    them, so that stories stored before an upgrade still gather their later copies."""
    with store.engine.begin() as conn:
        redone = []
        for item_id, short_id, r in story_groups.current_texts(conn, list(stale)):
            fp = engine.fingerprint(r.headline or "", r.body_text or "", r.language)
            index.add(short_id, fp, stale[short_id])
            redone.append((item_id, fp.to_row(), stale[short_id]))
        story_groups.save_fingerprints(conn, redone, replace=True)
    log.info("syndication: %d fingerprints of an older wiredesk recomputed", len(redone))


def syndicate(
    store: Store,
    saved: Sequence[Item],
    outcomes: Sequence[SaveOutcome],
    now: datetime | None = None,
) -> int:
    """Group the just-saved items into stories; returns how many joined an existing story.

    `saved[i]` is the processed item whose save gave `outcomes[i]`. Never raises.
    """
    todo = [(it, out) for it, out in zip(saved, outcomes, strict=False) if out.changed]
    if not todo:
        return 0
    try:
        with _lock:
            return _syndicate(store, todo, now or utcnow())
    except Exception:
        log.exception("grouping stories failed; the items are saved, each as its own story")
        forget_index(store)  # it may be out of step with the database now
        return 0


def _syndicate(
    store: Store,
    todo: list[tuple[Item, SaveOutcome]],
    now: datetime,
) -> int:
    """Decide per item, write in bulk: the common case (a new item that matches nothing) costs
    one fingerprint row and no other statement."""
    index = index_for(store, now)
    policy = store.duplicates  # for the recorded lead; the gate ranks again at each query
    joined = 0
    # item id -> (fingerprint row, published): the last version of a batch wins, since one
    # payload may carry the same story twice
    fresh: dict[int, tuple[dict[str, object], datetime]] = {}
    changed: dict[int, tuple[dict[str, object], datetime]] = {}
    with store.engine.begin() as conn:
        facts = story_groups.items_by_short_id(conn, [out.short_id for _, out in todo])
        for item, out in todo:
            row = facts.get(out.short_id)
            if row is None:
                continue
            if row.pub_status != PubStatus.USABLE.value or row.killed_at is not None:
                # a kill notice or a withheld version says nothing about the text: keep the
                # fingerprint of the last real text so later copies still find the story
                if not out.created:
                    story_id = story_groups.story_of(conn, row.id, now)
                    story_groups.refresh_lead(conn, story_id, policy, now)
                continue
            fp = engine.fingerprint(item.headline, item.body_text, item.language)
            if out.created:
                target = _match(conn, index, fp, row.published_at)
                if target is not None and target != row.id:
                    story_groups.attach(conn, row.id, target, policy, now)
                    joined += 1
                fresh[row.id] = (fp.to_row(), row.published_at)
            else:
                index.remove(out.short_id)
                story_id = story_groups.story_of(conn, row.id, now)
                if story_groups.member_count(conn, story_id) == 1:  # alone: may find its story
                    target = _match(conn, index, fp, row.published_at)
                    if target is not None and target != row.id:
                        story_id = story_groups.attach(conn, row.id, target, policy, now)
                        joined += 1
                story_groups.refresh_lead(conn, story_id, policy, now)
                if row.id in fresh:  # created by this batch: not stored yet, just newer
                    fresh[row.id] = (fp.to_row(), row.published_at)
                else:
                    changed[row.id] = (fp.to_row(), row.published_at)
            index.add(out.short_id, fp, row.published_at)
        story_groups.save_fingerprints(conn, [(i, *v) for i, v in fresh.items()], replace=False)
        story_groups.save_fingerprints(conn, [(i, *v) for i, v in changed.items()], replace=True)
    return joined


def _match(
    conn: Any, index: engine.SyndicationIndex, fp: engine.Fingerprint, published_at: datetime
) -> int | None:
    """The item id the index matches, skipping entries whose item no longer exists."""
    for _ in range(_MAX_STALE):
        match = index.match(fp, published_at)
        if match is None:
            return None
        found = story_groups.item_by_short_id(conn, match.key)
        if found is not None:
            return int(found.id)
        index.remove(match.key)  # deleted since it was indexed
    return None
