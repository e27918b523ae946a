"""Grouping: after a save, put each new or changed copy into its story.

Ingest runs this in the transaction that saved the copies (`store.ledger.copies.save_in`):
fingerprint the current version of every new or changed copy, match
new ones against the syndication index, and decide which copies join which stories. The
decisions go to the store as one `GroupingPlan`, written at once
(`store.ledger.stories.apply_in`): decide first, then write once.

The index is the near-duplicate engine's (`wiredesk.syndication.engine`); it lives in memory,
one per database per process, built from the fingerprints persisted in `item_fingerprints`.
So `wiredesk run` keeps one index; a second process (`wiredesk ingest` beside `wiredesk
serve`, workers on PostgreSQL) builds its own from the database when it starts.

Every process on a database groups as one: groupings take turns (`take_turn`, in the writer's
transaction, before anything is decided), so that two processes given two copies of one story
at the same moment decide one after the other, and the second sees the first's copy. Each turn
has a number, in the order the turns commit; every fingerprint a grouping writes, and every
fingerprint of a copy a merge moves, carries its number (`item_fingerprints.grouping_seq`). At
its turn a process's index first catches up on the groupings numbered since it last followed
(`_follow`): nothing to read when the last grouping was its own (the turn says so), one
indexed range query otherwise. On PostgreSQL the turn is a row lock on `grouping_clock`, held
until the transaction ends; on SQLite the writer holds the whole database anyway.

Loading it, at a site with a million copies in the window, takes a minute; done by the first
grouping, in the writer's transaction and under the write lock, it held every push that long.
So a process loads it when it starts, in a thread of its own (`load_in_background`): it reads
the window's fingerprints and indexes them holding no lock and no transaction of a writer's;
then, under the index's lock, it adds only the fingerprints of the groupings committed since
that read (by their number), which takes moments whatever the window holds; whatever is
grouped after that is caught up at the next turn. A process that never started a load (a
test, a one-off command) builds the index on first use, as before.

A write that needs grouping before the index is ready waits for it only until `READY_WAIT`
after the load began (at most a few seconds in all, whatever the number of writes), then saves
its copies without grouping: each is public at once as a story of its own, and is named in
`grouping_pending` in the same transaction. Once the index is ready, those copies are grouped
in order of arrival, a batch per transaction, through the same decisions and writes as any
other (a copy that matches two stories merges them, with its audit entries). For a news site
a story shown twice for a minute is better than news held back: an agency's push that waits
half a minute is retried or dropped, and every write waits behind it. Should the process
stop first, the next one to start groups them: nothing is lost, and what was grouped late is
grouped as it would have been on time (order does not decide, below).

The window, on two stated times (`WINDOW`, 72 hours): a new copy is compared with the copies
that *arrived* (`items.first_seen_at`, the envelope's `received_at`) less than `WINDOW` before
the latest arrival grouped, and joins one only if their *own dates* (`published_at`) are less
than `WINDOW` apart. The running index forgets copies by arrival as time goes on, and the one
built at start loads exactly the copies that arrived within the window, so grouping after a
restart is grouping without one, for copies dated today as for copies dated years ago.

Order does not decide: a new copy joins every story it matches (one verified copy each is
enough), and when it matches two or more, they are merged into the oldest
(`stories.apply_in`, with an audit entry for each copy moved). The stories are then the
connected parts of the "same story" relation, whatever order the copies came in.

Membership sticks: an update of a member keeps it in its story (its fingerprint is replaced so
later copies match the newest text), and only a copy that is still alone in its story is
matched again when it changes (a flash followed by the full text can still find its story).

Grouping is an improvement, not a gate: if anything here fails, ingest saves the copies again
without it, then groups them in a transaction of their own (`group`), where a failure is
rolled back and logged; the copies stay, each in a story of its own, and ingest carries on.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

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

# Seconds after a background load begins that a write waits for it before saving its copies
# ungrouped (grouped later): a normal site's index loads well within it, so its copies never
# wait ungrouped; a site with a huge window keeps answering pushes while it loads.
READY_WAIT = 5.0
_PENDING_BATCH = 500  # copies saved while the index loaded, grouped per transaction
_RETRY_AFTER = (1.0, 60.0)  # a failed load is tried again: first after, at most after (s)

_lock = threading.Lock()
_indexes: weakref.WeakKeyDictionary[Database, engine.SyndicationIndex] = weakref.WeakKeyDictionary()


@dataclass(slots=True)
class _Step:
    """How far this process's index for a database has followed the groupings of every
    process on it (`take_turn`)."""

    seen: int  # every grouping numbered up to this one is in the index
    # (number, token) of this process's last grouping, if it may have committed since: when
    # the next turn says it was the last one committed, there is nothing to read
    mine: tuple[int, int] | None = None


_steps: weakref.WeakKeyDictionary[Database, _Step] = weakref.WeakKeyDictionary()


def _install(db: Database, index: engine.SyndicationIndex, seen: int) -> None:
    """Put `index` in use for `db`, holding every grouping numbered up to `seen`."""
    _indexes[db] = index
    _steps[db] = _Step(seen)


@dataclass(frozen=True, slots=True)
class Turn:
    """A grouping's turn: its number, its token, and the token of the grouping before it."""

    seq: int
    token: int
    prev_token: int


_TURN = "wiredesk.grouping.turn"  # conn.info: (transaction, Turn) of the transaction's turn


def take_turn(conn: Connection) -> Turn:
    """Take the grouping turn in `conn`'s writer transaction, once (a second call in the same
    transaction returns the same turn): groupings of every process on the database go one
    after another, each held until its transaction ends. On PostgreSQL this waits for the
    grouping in progress to commit, so a writer that will group takes it before it writes
    anything else (`ingest.accept`): waiting for it while holding rows another grouping is
    about to update would be a deadlock. Take it before `_lock`, never holding it."""
    tx = conn.get_transaction()
    held = conn.info.get(_TURN)
    if held is not None and held[0] is tx:
        return held[1]  # type: ignore[no-any-return]
    token = secrets.randbits(62) | 1  # never 0, the token of "no grouping before"
    seq, prev = stories.take_turn(conn, token)
    turn = Turn(seq, token, prev)
    conn.info[_TURN] = (tx, turn)
    return turn


def index_for(
    db: Database, now: datetime, conn: Connection | None = None
) -> engine.SyndicationIndex:
    """This process's index for `db`, built from persisted fingerprints on first use (read,
    and redone where an older wiredesk made them, through `conn` when given, a transaction
    without the grouping turn)."""
    index = _indexes.get(db)
    if index is not None:
        return index
    return _build(db, now, conn, stories.last_grouping(db, conn))


def _build(
    db: Database, now: datetime, conn: Connection | None, seen: int
) -> engine.SyndicationIndex:
    """Build the index from the fingerprints of the window and put it in use, holding the
    groupings numbered up to `seen`: all of them committed before this read began (the
    turn's number less one, in a transaction that has the turn)."""
    index = engine.SyndicationIndex(window=WINDOW)
    index.forget_arrived_before(now - WINDOW)
    rows = stories.load_fingerprints(db, now - WINDOW, conn)
    stale = _index_rows(index, rows)
    if stale:
        _redo_fingerprints(db, index, stale, conn)
    _install(db, index, seen)
    log.debug("syndication index for %s: %d fingerprints loaded", db.engine.url, len(rows))
    return index


def _index_rows(
    index: engine.SyndicationIndex, rows: list[stories.StoredFingerprint]
) -> dict[str, stories.StoredFingerprint]:
    """Index the stored fingerprints; returns those an older wiredesk made (to be redone
    from the stored text, `_redo_fingerprints`)."""
    stale: dict[str, stories.StoredFingerprint] = {}
    for stored in rows:
        try:
            fp = engine.Fingerprint.from_row(stored.row)
        except ValueError:  # made by an older wiredesk: redone from the stored text
            stale[stored.short_id] = stored
            continue
        _remember(index, stored.short_id, fp, stored)
    return stale


def _label(story_id: int | None, item_id: int) -> int:
    """A copy's group in the index: its story (a copy stored before stories existed: its
    own, negative so that it never meets a story id)."""
    return story_id if story_id is not None else -item_id


def _remember(
    index: engine.SyndicationIndex,
    short_id: str,
    fp: engine.Fingerprint,
    copy: CopyFacts | stories.StoredFingerprint,
    group: int | None = None,
) -> None:
    """Index a copy on its own date, to be forgotten by its arrival, in its story."""
    index.add(
        short_id,
        fp,
        copy.published_at,
        arrived_at=copy.first_seen_at,
        group=group if group is not None else _label(copy.story_id, _item_id(copy)),
    )


def _item_id(copy: CopyFacts | stories.StoredFingerprint) -> int:
    return copy.id if isinstance(copy, CopyFacts) else copy.item_id


def forget_index(db: Database) -> None:
    """Drop this process's index for `db`: it is loaded again in the background if this
    process loads it so (`load_in_background`), else rebuilt from the database on next use."""
    with _lock:
        _indexes.pop(db, None)
        _steps.pop(db, None)
        load = _loads.get(db)
    if load is not None and not load.stopped.is_set():
        _start(db, load.write_lock, load.clock, load.wait, load.said, None)


# --- loading the index in the background ------------------------------------------------


class IndexNotReady(Exception):
    """The index is still loading and the write's wait for it (`READY_WAIT`) is over: its
    copies are saved ungrouped and grouped once it is ready."""


@dataclass(eq=False)
class _Load:
    """One background load of a database's index, and what writes need to know of it."""

    write_lock: threading.Lock | None  # the process's (ingest/write_lock.py)
    clock: Callable[[], datetime]
    wait: float  # seconds after `began` that writes wait for it
    hold: Callable[[], None] | None  # tests: called between the read and the catch-up
    said: int  # the level of its log lines (`ingest --once` is quiet)
    began: float = field(default_factory=time.monotonic)
    read: threading.Event = field(default_factory=threading.Event)  # the first read is done
    ready: threading.Event = field(default_factory=threading.Event)  # caught up: in use
    done: threading.Event = field(default_factory=threading.Event)  # and the waiting grouped
    stopped: threading.Event = field(default_factory=threading.Event)
    since: datetime | None = None  # the window's start, as of the read
    index: engine.SyndicationIndex | None = None  # built from the read
    stale: dict[str, stories.StoredFingerprint] = field(default_factory=dict)
    seen: int = 0  # the last grouping committed before the read began: all it holds
    size: int = 0  # fingerprints indexed

    def read_in_time(self) -> bool:
        """Wait for the read, until `wait` seconds after the load began; whether it is done."""
        return self.read.wait(max(0.0, self.began + self.wait - time.monotonic()))


_loads: weakref.WeakKeyDictionary[Database, _Load] = weakref.WeakKeyDictionary()


def load_in_background(
    db: Database,
    write_lock: threading.Lock | None = None,
    *,
    clock: Callable[[], datetime] = utcnow,
    wait: float = READY_WAIT,
    quiet: bool = False,
    hold: Callable[[], None] | None = None,
) -> None:
    """Load this process's index for `db` in a thread of its own, then group the copies saved
    while it loaded (and any a stopped process left waiting, `grouping_pending`).

    Call it when a process that writes starts, with the lock its writers share: each batch of
    waiting copies takes it, so that the process's own writes go on between batches.
    Writes meanwhile wait for the index until `wait` seconds after now, then go ungrouped
    (`ready`). Should the load fail (the database away), it is tried again; a later failed
    grouping (`forget_index`) loads it again the same way. It says when the index is ready
    in a log line (`quiet`: only at debug level, for a one-off run); `hold` is for tests."""
    _start(db, write_lock, clock, wait, logging.DEBUG if quiet else logging.INFO, hold)


def _start(
    db: Database,
    write_lock: threading.Lock | None,
    clock: Callable[[], datetime],
    wait: float,
    said: int,
    hold: Callable[[], None] | None,
) -> None:
    load = _Load(write_lock, clock, wait, hold, said)
    with _lock:
        old = _loads.get(db)
        if old is not None:
            old.stopped.set()
        _loads[db] = load
        _indexes.pop(db, None)
        _steps.pop(db, None)
    thread = threading.Thread(
        target=_load_until_done, args=(db, load), name="syndication index", daemon=True
    )
    thread.start()


def ready(db: Database) -> bool:
    """Whether copies saved now can be grouped in their save: always, unless this process is
    loading the index in the background and has not read it `wait` seconds after it began."""
    load = _loads.get(db)
    return load is None or load.ready.is_set() or load.read_in_time()


def finish_loading(db: Database) -> None:
    """Wait until the background load and the grouping of the copies saved meanwhile are done
    (or the load failed), then stop it: for a process about to exit (`ingest --once`)."""
    load = _loads.get(db)
    if load is None:
        return
    load.done.wait()
    stop_loading(db)


def stop_loading(db: Database) -> None:
    """Stop the background load of `db`'s index (at shutdown): whatever waits to be grouped
    is grouped by the next process to start."""
    with _lock:
        load = _loads.pop(db, None)
    if load is not None:
        load.stopped.set()


def _load_until_done(db: Database, load: _Load) -> None:
    """The thread: load, trying again while the database is away, then group the waiting."""
    delay, longest = _RETRY_AFTER
    while not load.stopped.is_set():
        try:
            _load(db, load)
        except Exception as e:
            load.done.set()  # a process about to exit need not wait for the database
            log.warning(
                "syndication index: loading it failed (%s); copies are saved ungrouped and "
                "grouped once it loads; trying again in %.0f s",
                str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__,
                delay,
            )
            load.stopped.wait(delay)
            delay = min(delay * 2, longest)
            continue
        _group_waiting(db, load)
        load.done.set()
        return


def _load(db: Database, load: _Load) -> None:
    """Read and index the window's fingerprints holding no lock, then catch up on the
    groupings committed since (under the index's lock only: what is grouped after that, here
    or elsewhere, the next turn catches up, `_follow`)."""
    load.read.clear()  # a failed attempt's read is not caught up by a write meanwhile
    since = load.clock() - WINDOW
    index = engine.SyndicationIndex(window=WINDOW)
    index.forget_arrived_before(since)
    seen = stories.last_grouping(db)  # before the read: it holds all these, maybe more
    rows = stories.load_fingerprints(db, since)  # a connection of its own, no writer's
    stale = _index_rows(index, rows)
    if load.hold is not None:
        load.hold()
    with _lock:  # what a write catching up reads (`_current_index`)
        load.since, load.index, load.stale = since, index, stale
        load.seen, load.size = seen, len(rows)
        load.read.set()
    del rows
    with _lock:
        if load.stopped.is_set():
            return
        if not load.ready.is_set():  # else a write found the read done and caught up
            _catch_up(db, load)
    log.log(
        load.said,
        "syndication index ready: %d fingerprints of the copies that arrived in the last %d "
        "hours, loaded in %.1f s",
        load.size,
        WINDOW.total_seconds() // 3600,
        time.monotonic() - load.began,
    )


def _catch_up(
    db: Database, load: _Load, conn: Connection | None = None, upto: int | None = None
) -> None:
    """Add the fingerprints of the groupings committed since the read, and put the index in
    use. Called holding `_lock`, by the loader or by the first write to find the read done
    (in its transaction `conn`, which has the turn: `upto` is the turn's number less one),
    whichever comes first."""
    assert load.index is not None and load.since is not None
    if upto is None:
        upto = stories.last_grouping(db)  # before the rows: all it numbers are readable
    newer = stories.load_fingerprints(db, load.since, conn, after_seq=load.seen, upto_seq=upto)
    stale = load.stale | _index_rows(load.index, newer)
    if stale:
        _redo_fingerprints(db, load.index, stale, conn)
    load.size += len(newer)
    _install(db, load.index, max(upto, load.seen))
    load.ready.set()


@contextlib.contextmanager
def _held(lock: threading.Lock | None) -> Iterator[None]:
    if lock is None:
        yield
        return
    with lock:
        yield


def _group_waiting(db: Database, load: _Load) -> None:
    """Group the copies saved while the index loaded, oldest first, a batch per transaction
    holding the write lock, so that writes go on between batches."""
    total = 0
    while not load.stopped.is_set():
        with _held(load.write_lock):
            waiting: list[tuple[int, str]] = []
            try:
                with db.engine.begin() as conn:
                    begin_write(conn)
                    take_turn(conn)  # read what waits as it is once others' groupings are done
                    waiting = stories.pending(conn, _PENDING_BATCH)
                    tags = _group_again(conn, db, waiting, load.clock())
            except IndexNotReady:  # loaded anew after a failed grouping: that load goes on
                return
            except Exception:
                log.exception(
                    "grouping %d copies saved while the syndication index loaded failed; they "
                    "stay, each as its own story",
                    len(waiting),
                )
                _give_up(db, waiting)  # not tried again and again: grouping is no gate
                return  # the failed grouping loads the index anew, and that load goes on
        if not waiting:
            break
        db.notify(tags)
        total += len(waiting)
    if total:
        log.log(load.said, "syndication: %d copies saved while it loaded are grouped now", total)


def _group_again(
    conn: Connection, db: Database, waiting: list[tuple[int, str]], now: datetime
) -> set[str]:
    """Group copies saved without grouping, as updates of copies already stored: a copy still
    alone is matched (and joins, or merges, what it matches), one that is in a story keeps
    it and has its fingerprint replaced; then they wait no more."""
    if not waiting:
        return set()
    short_ids = [short_id for _, short_id in waiting]
    texts = {short_id: r for _, short_id, r in stories.current_texts(db, short_ids, conn)}
    found = [s for s in short_ids if s in texts]
    _, tags = group_in(
        conn,
        db,
        [texts[s] for s in found],
        [SaveOutcome(s, 0, created=False, changed=True) for s in found],
        now,
        [_fingerprint(texts[s]) for s in found],
    )
    stories.grouped_in(conn, short_ids)
    return tags


def _fingerprint(text: Any) -> engine.Fingerprint:
    return engine.fingerprint(text.headline or "", text.body_text or "", text.language)


def _give_up(db: Database, waiting: list[tuple[int, str]]) -> None:
    try:
        with db.engine.begin() as conn:
            begin_write(conn)
            stories.grouped_in(conn, [short_id for _, short_id in waiting])
    except Exception:  # the database is away: they are tried at the next load
        log.debug("could not mark copies as grouped", exc_info=True)


def _redo_fingerprints(
    db: Database,
    index: engine.SyndicationIndex,
    stale: dict[str, stories.StoredFingerprint],
    conn: Connection | None = None,
) -> None:
    """Recompute fingerprints of an older scheme from each copy's current text and persist
    them, so that stories stored before an upgrade still gather their later copies."""
    redone = []
    for item_id, short_id, r in stories.current_texts(db, list(stale), conn):
        fp = engine.fingerprint(r.headline or "", r.body_text or "", r.language)
        _remember(index, short_id, fp, stale[short_id])
        redone.append((item_id, fp.to_row(), stale[short_id].published_at))
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
            stories.grouped_in(conn, [out.short_id for out in outcomes if out.changed])
    except IndexNotReady:  # they wait in `grouping_pending`, grouped once the index is ready
        return 0
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
    turn = take_turn(conn)  # before `_lock`: it may wait for another process's grouping
    try:
        with _lock:
            index = _current_index(db, now, conn, turn)
            try:
                plan = _decide(conn, db, index, todo)
            except _StaleIndex:  # decide again, one match at a time, on an index read anew
                index = _build(db, now, conn, turn.seq - 1)
                index.forget_arrived_before(now - WINDOW)
                plan = _decide(conn, db, index, todo, read_in_bulk=False)
            plan.seq = turn.seq
            tags = stories.apply_in(conn, db, plan, now)
            _steps[db].mine = (turn.seq, turn.token)
            return len(plan.joins), tags
    except IndexNotReady:
        raise  # nothing was indexed
    except _OutOfStep:
        forget_index(db)  # loaded anew in the background; meanwhile copies wait ungrouped
        raise IndexNotReady() from None
    except Exception:
        forget_index(db)  # what it indexed is rolled back with the transaction
        raise


def _current_index(
    db: Database, now: datetime, conn: Connection, turn: Turn
) -> engine.SyndicationIndex:
    """The index, caught up on every grouping committed before `turn` and having forgotten
    the copies that arrived more than `WINDOW` before `now` (the horizon never moves back: a
    reprocessed payload's old arrival does not revive what was forgotten). While a
    background load is on: its read caught up here, in the writer's transaction, once it is
    done; `IndexNotReady` while it is not."""
    index = _indexes.get(db)
    if index is None:
        load = _loads.get(db)
        if load is None:
            index = _build(db, now, conn, turn.seq - 1)
        elif not load.read.is_set():  # waited for, if at all, before the transaction (`ready`)
            raise IndexNotReady()
        else:
            _catch_up(db, load, conn, turn.seq - 1)
            index = _indexes[db]
    else:
        index = _follow(db, index, now, conn, turn)
    index.forget_arrived_before(now - WINDOW)
    return index


def _follow(
    db: Database, index: engine.SyndicationIndex, now: datetime, conn: Connection, turn: Turn
) -> engine.SyndicationIndex:
    """Catch the index up on the groupings committed since it last followed, any process's:
    none to read if the last was this process's own (the turn names its token), else their
    fingerprints in one indexed range query, each replacing what the index held of its copy
    (a merge elsewhere renumbers the moved copies' fingerprints: they come back in their new
    story). Should this process's own last grouping not have committed after all, or the
    numbers have gone back (a database restored from a backup), the index holds what the
    store does not: it is read anew."""
    step = _steps[db]
    mine = step.mine
    if mine == (turn.seq, turn.token):  # grouping again in the same turn: nothing new
        return index
    last = turn.seq - 1  # every grouping up to it committed: this one waited for them
    step.mine = None
    if mine == (last, turn.prev_token):  # the last grouping was this process's own
        step.seen = last
        return index
    if last < step.seen or (mine is not None and mine[0] >= last):
        log.info("syndication: the index is out of step with the database; reading it anew")
        if _loads.get(db) is not None:  # loaded anew in the background, as at start
            raise _OutOfStep()
        return _build(db, now, conn, last)
    if step.seen < last:
        rows = stories.load_fingerprints(db, now, conn, after_seq=step.seen, upto_seq=last)
        stale = _index_rows(index, rows)
        if stale:
            _redo_fingerprints(db, index, stale, conn)
        step.seen = last
    return index


class _OutOfStep(Exception):
    """The index holds what the store does not (`_follow`): it must be loaded anew."""


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
    it touches. A copy that matches copies of several stories joins the oldest (the smallest
    story id) and the others are merged into it (`GroupingPlan.merges`); the index's groups
    follow at once, so the copies after it see one story.

    When every copy of the batch is new (a first poll, a feed's new stories), a join needs
    nothing of the copies it joins but their ids, so the copies matched outside the batch are
    read in one query at the end instead of one query per match; should one of them have been
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
    merged_into: dict[int, int] = {}  # story key -> the story key it was merged into
    # Only new copies: their stories are singletons, so the sizes and story keys `join` keeps
    # are never read again, and the joins wait for their targets' ids.
    in_bulk = read_in_bulk and all(out.created for _, out, _ in todo)
    later: list[tuple[CopyFacts, list[engine.Match]]] = []

    def key(f: CopyFacts) -> int:
        k = story_of.get(f.id, _label(f.story_id, f.id))
        while k in merged_into:
            k = merged_into[k]
        return k

    def join(f: CopyFacts, targets: list[tuple[engine.Match, CopyFacts]]) -> None:
        """`f` joins the first target's story (the oldest), the others' stories merge."""
        (first, into), *others = targets
        plan.joins.append((f.id, into.id))
        own, kept = key(f), key(into)
        sizes[own] = sizes.get(own, 1) - 1
        sizes[kept] = sizes.get(kept, 1) + 1
        story_of[f.id] = kept
        for match, other in others:
            a, b = key(into), key(other)
            if a == b:
                continue
            why = f"{f.short_id} is the same story as both: {first.reason}; {match.reason}"
            plan.merges.append((into.id, other.id, why))
            low, high = min(a, b), max(a, b)
            sizes[low] = sizes.get(low, 1) + sizes.pop(high, 1)
            merged_into[high] = low

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
        if not out.created:
            index.remove(out.short_id)
        group = None
        if out.created or sizes.get(key(row), 1) == 1:  # new, or alone: may find its story
            if out.created and in_bulk:
                found = _oldest_first(index.matches(fp, row.published_at))
                if found:
                    later.append((row, found))
            else:
                targets = _matched(conn, db, index, fp, row.published_at, facts)
                if targets:
                    join(row, targets)
                found = [match for match, _ in targets]
            group = _joined_groups(index, found)
        if not out.created:
            plan.refresh_leads_of.append(row.id)
        if out.created or row.id in fresh:  # created by this batch: not stored yet
            fresh[row.id] = (fp.to_row(), row.published_at)
        else:
            changed[row.id] = (fp.to_row(), row.published_at)
        _remember(index, out.short_id, fp, row, group if group is not None else key(row))
    if later:
        wanted = [m.key for _, ms in later for m in ms if m.key not in facts]
        stored = stories.facts(db, wanted, conn)
        for row, found in later:
            targets = []
            for match in found:
                target = facts.get(match.key) or stored.get(match.key)
                if target is None:
                    raise _StaleIndex(match.key)
                targets.append((match, target))
            join(row, targets)
    plan.new_fingerprints = [(i, *v) for i, v in fresh.items()]
    plan.replaced_fingerprints = [(i, *v) for i, v in changed.items()]
    return plan


def _oldest_first(found: list[engine.Match]) -> list[engine.Match]:
    """Matched groups in order of story id: the first is the story the others merge into."""
    return sorted(found, key=lambda m: m.group if m.group is not None else 0)


def _joined_groups(index: engine.SyndicationIndex, found: list[engine.Match]) -> int | None:
    """Make the matched groups one in the index (the oldest kept); returns it, or None."""
    if not found or found[0].group is None:
        return None
    group = found[0].group
    for match in found[1:]:
        if match.group is not None:
            group = index.merge_groups(group, match.group)
    return group


def _matched(
    conn: Connection,
    db: Database,
    index: engine.SyndicationIndex,
    fp: engine.Fingerprint,
    published_at: datetime,
    batch: dict[str, CopyFacts],
) -> list[tuple[engine.Match, CopyFacts]]:
    """The stories the index matches, oldest first, each with the facts of its matched copy,
    forgetting entries whose copy no longer exists; `batch` holds the facts of this batch's
    copies (as stored now) and of copies matched before in it (nothing changes them before
    the plan is applied); the others' are read, in one query per lookup."""
    for _ in range(_MAX_STALE):
        found = _oldest_first(index.matches(fp, published_at))
        batch.update(stories.facts(db, [m.key for m in found if m.key not in batch], conn))
        gone = [m.key for m in found if m.key not in batch]
        if not gone:
            return [(m, batch[m.key]) for m in found]
        for key in gone:  # deleted since it was indexed
            index.remove(key)
    return []
