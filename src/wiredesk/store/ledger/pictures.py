"""What the picture fetcher records: pictures, what became of each address, which copy names
which, how far each source's versions have been read, and each copy's hosted pictures.

The fetcher (ingest/pictures/) runs beside ingest and never in its path: a copy is published
when it arrives and gains its pictures as they come. So this module's writes are its own
transactions, and each that changes what a page shows (`items.pictures`) logs the copy's
change tags and tells the page caches, as every other write of the ledger does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from wiredesk.store.bulk import on_conflict_do_nothing
from wiredesk.store.database import Database
from wiredesk.store.ledger import changes
from wiredesk.store.schema import (
    envelopes,
    item_versions,
    items,
    picture_cursors,
    picture_refs,
    picture_urls,
    pictures,
)

HOSTED = "hosted"
WAITING = "waiting"  # failed for now (a timeout, a 503): tried again at `next_try_at`
FAILED = "failed"  # for good (refused, not a picture, too big), or out of tries
_IN_CHUNK = 500


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class VersionPictures:
    """One stored version as the fetcher reads it: what it names, and where it came from
    (a relative address is relative to the payload's location)."""

    version_id: int
    item_id: int
    short_id: str
    images: list[dict[str, Any]]
    body_html: str
    location: str
    transport: str


@dataclass(frozen=True, slots=True)
class UrlState:
    id: int
    state: str
    sha256: str | None
    error: str | None
    tries: int
    next_try_at: datetime | None


@dataclass(frozen=True, slots=True)
class Made:
    """A picture made into renditions (ingest/pictures/renditions.py)."""

    sha256: str
    width: int
    height: int
    format: str
    size: int
    widths: tuple[int, ...]


# --- how far each source has been read ---------------------------------------------------------


def cursor(db: Database, source_id: str) -> int | None:
    with db.engine.connect() as conn:
        found = conn.execute(
            select(picture_cursors.c.version_id).where(picture_cursors.c.source_id == source_id)
        ).scalar()
    return None if found is None else int(found)


def start_cursor(db: Database, source_id: str, since: datetime) -> int:
    """Start reading `source_id`'s versions at those received since `since` (a source that
    starts hosting gets the pictures of its recent copies, not of its whole archive).
    Returns the version id the reading starts after."""
    with db.engine.begin() as conn:
        first = conn.execute(
            select(func.min(item_versions.c.id)).where(item_versions.c.received_at >= since)
        ).scalar()
        if first is None:
            first = (conn.execute(select(func.max(item_versions.c.id))).scalar() or 0) + 1
        start = int(first) - 1
        conn.execute(
            on_conflict_do_nothing(conn, picture_cursors).values(
                source_id=source_id, version_id=start
            )
        )
        found = conn.execute(
            select(picture_cursors.c.version_id).where(picture_cursors.c.source_id == source_id)
        ).scalar_one()
    return int(found)


def versions_after(db: Database, source_id: str, after: int, limit: int) -> list[VersionPictures]:
    """The source's versions after version id `after`, oldest first, at most `limit`, with
    their pictures or body images (a version without either is read too: the cursor passes
    it)."""
    q = (
        select(
            item_versions.c.id,
            item_versions.c.item_id,
            items.c.short_id,
            item_versions.c.images,
            item_versions.c.body_html,
            envelopes.c.location,
            envelopes.c.transport,
        )
        .select_from(
            item_versions.join(items, items.c.id == item_versions.c.item_id).join(
                envelopes, envelopes.c.id == item_versions.c.envelope_id
            )
        )
        .where(items.c.source_id == source_id, item_versions.c.id > after)
        .order_by(item_versions.c.id)
        .limit(limit)
    )
    with db.engine.connect() as conn:
        rows = conn.execute(q).all()
    return [
        VersionPictures(
            version_id=int(r.id),
            item_id=int(r.item_id),
            short_id=r.short_id,
            images=json.loads(r.images or "[]"),
            body_html=r.body_html or "",
            location=r.location,
            transport=r.transport,
        )
        for r in rows
    ]


# --- what became of each address --------------------------------------------------------------


def url_states(db: Database, source_id: str, urls: Iterable[str]) -> dict[str, UrlState]:
    """URL -> what became of it, for the addresses of `urls` already tried."""
    by_hash = {url_hash(u): u for u in urls}
    out: dict[str, UrlState] = {}
    hashes = sorted(by_hash)
    with db.engine.connect() as conn:
        for start in range(0, len(hashes), _IN_CHUNK):
            for r in conn.execute(
                select(picture_urls).where(
                    picture_urls.c.source_id == source_id,
                    picture_urls.c.url_hash.in_(hashes[start : start + _IN_CHUNK]),
                )
            ):
                out[by_hash[r.url_hash]] = UrlState(
                    int(r.id), r.state, r.sha256, r.error, int(r.tries), r.next_try_at
                )
    return out


def record_attempt(
    db: Database,
    source_id: str,
    url: str,
    *,
    now: datetime,
    made: Made | None = None,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> tuple[UrlState, set[str]]:
    """Record one try at `url`: hosted as `made`, or failed with `error` (to be tried again
    at `retry_at`, or never). The picture row is written once however many addresses name
    it. When a try succeeds where an earlier one had failed, the copies that name the address
    are brought up to date here. Returns the address's state and the tags that changed."""
    digest = url_hash(url)
    values: dict[str, object]
    if made is not None:
        state, values = HOSTED, {"sha256": made.sha256, "error": None, "next_try_at": None}
    elif retry_at is not None:
        state, values = WAITING, {"error": error, "next_try_at": retry_at}
    else:
        state, values = FAILED, {"error": error, "next_try_at": None}
    tags: set[str] = set()
    with db.engine.begin() as conn:
        if made is not None:
            conn.execute(
                on_conflict_do_nothing(conn, pictures).values(
                    sha256=made.sha256,
                    width=made.width,
                    height=made.height,
                    format=made.format,
                    size=made.size,
                    widths=json.dumps(list(made.widths)),
                    made_at=now,
                )
            )
        where = (picture_urls.c.source_id == source_id, picture_urls.c.url_hash == digest)
        row = conn.execute(select(picture_urls.c.id, picture_urls.c.tries).where(*where)).first()
        if row is None:
            conn.execute(
                on_conflict_do_nothing(conn, picture_urls).values(
                    source_id=source_id,
                    url_hash=digest,
                    url=url,
                    state=state,
                    tries=1,
                    first_seen_at=now,
                    last_tried_at=now,
                    **values,
                )
            )
        else:
            conn.execute(
                update(picture_urls)
                .where(picture_urls.c.id == row.id)
                .values(state=state, tries=int(row.tries) + 1, last_tried_at=now, **values)
            )
        found = conn.execute(select(picture_urls).where(*where)).one()
        if made is not None and row is not None:  # a retry that worked: show it where named
            named = conn.execute(
                select(picture_refs.c.item_id).where(picture_refs.c.url_id == found.id)
            ).scalars()
            tags = _refresh_in(conn, db, set(named), now)
    db.notify(tags)
    return (
        UrlState(
            int(found.id),
            found.state,
            found.sha256,
            found.error,
            int(found.tries),
            found.next_try_at,
        ),
        tags,
    )


def due_retries(db: Database, source_ids: Sequence[str], now: datetime, limit: int) -> list[Any]:
    """Addresses waiting for another try whose time has come (rows with id, source_id, url),
    of the given sources."""
    if not source_ids:
        return []
    with db.engine.connect() as conn:
        return list(
            conn.execute(
                select(picture_urls.c.id, picture_urls.c.source_id, picture_urls.c.url)
                .where(
                    picture_urls.c.next_try_at <= now,
                    picture_urls.c.state == WAITING,
                    picture_urls.c.source_id.in_(list(source_ids)),
                )
                .order_by(picture_urls.c.next_try_at)
                .limit(limit)
            ).all()
        )


# --- which copy names what, and what the pages show ----------------------------------------


def attach(
    db: Database,
    source_id: str,
    refs: Sequence[tuple[int, str, int]],
    *,
    read_to: int,
    now: datetime,
) -> set[str]:
    """Record that copies name addresses (`refs`: item id, href as written, url id), bring
    those copies' hosted pictures up to date, and move the source's cursor to version id
    `read_to`, all in one transaction; tell the page caches. Returns the tags that changed.

    A ref already recorded is not recorded again, so reading a version twice (after a crash
    between its fetches and this write) changes nothing."""
    tags: set[str] = set()
    with db.engine.begin() as conn:
        wanted = sorted({item_id for item_id, _, _ in refs})
        known: set[tuple[int, str, int]] = set()
        for start in range(0, len(wanted), _IN_CHUNK):
            known.update(
                (int(r.item_id), r.href, int(r.url_id))
                for r in conn.execute(
                    select(
                        picture_refs.c.item_id, picture_refs.c.href, picture_refs.c.url_id
                    ).where(picture_refs.c.item_id.in_(wanted[start : start + _IN_CHUNK]))
                )
            )
        new = [r for r in dict.fromkeys(refs) if r not in known]
        if new:
            conn.execute(
                insert(picture_refs),
                [{"item_id": i, "href": h, "url_id": u} for i, h, u in new],
            )
            tags = _refresh_in(conn, db, {i for i, _, _ in new}, now)
        moved = conn.execute(
            update(picture_cursors)
            .where(picture_cursors.c.source_id == source_id)
            .values(version_id=read_to)
        ).rowcount
        if not moved:
            conn.execute(insert(picture_cursors).values(source_id=source_id, version_id=read_to))
    db.notify(tags)
    return tags


def forget_source(db: Database, source_id: str, now: datetime) -> set[str]:
    """A source that no longer has its pictures hosted: its copies show none from now on,
    its refs and cursor go (hosting again starts afresh from recent copies); the pictures
    and what became of each address stay, so nothing is fetched twice. Returns the tags."""
    tags: set[str] = set()
    with db.engine.begin() as conn:
        showing = list(
            conn.execute(
                select(items.c.id).where(items.c.source_id == source_id, items.c.pictures != "[]")
            ).scalars()
        )
        item_ids = select(items.c.id).where(items.c.source_id == source_id).scalar_subquery()
        conn.execute(delete(picture_refs).where(picture_refs.c.item_id.in_(item_ids)))
        conn.execute(delete(picture_cursors).where(picture_cursors.c.source_id == source_id))
        if showing:
            tags = changes.tags_of(conn, showing)
            for start in range(0, len(showing), _IN_CHUNK):
                conn.execute(
                    update(items)
                    .where(items.c.id.in_(showing[start : start + _IN_CHUNK]))
                    .values(pictures="[]")
                )
            changes.record(conn, db, tags, now)
    db.notify(tags)
    return tags


def all_pictures(db: Database) -> list[str]:
    """The sha256 of every picture the site hosts, oldest first."""
    with db.engine.connect() as conn:
        return list(conn.execute(select(pictures.c.sha256).order_by(pictures.c.made_at)).scalars())


def remade(db: Database, made: Made, now: datetime) -> set[str]:
    """A picture's renditions were made again (`wiredesk pictures --remake`): its sizes are
    recorded, and the copies that show it show the new ones. Returns the tags."""
    with db.engine.begin() as conn:
        conn.execute(
            update(pictures)
            .where(pictures.c.sha256 == made.sha256)
            .values(width=made.width, height=made.height, widths=json.dumps(list(made.widths)))
        )
        showing = set(
            conn.execute(
                select(picture_refs.c.item_id)
                .select_from(
                    picture_refs.join(picture_urls, picture_urls.c.id == picture_refs.c.url_id)
                )
                .where(picture_urls.c.sha256 == made.sha256)
            ).scalars()
        )
        tags = _refresh_in(conn, db, showing, now) if showing else set()
    db.notify(tags)
    return tags


def hosting_sources(db: Database) -> list[str]:
    """Sources the fetcher has a cursor for: those that hosted pictures when it last ran."""
    with db.engine.connect() as conn:
        return list(conn.execute(select(picture_cursors.c.source_id)).scalars())


def _refresh_in(conn: Connection, db: Database, item_ids: set[int], now: datetime) -> set[str]:
    """Write `items.pictures` of these copies from their refs' hosted pictures; log and
    return the tags of those whose pictures changed."""
    wanted = sorted(item_ids)
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in wanted}
    for start in range(0, len(wanted), _IN_CHUNK):
        q = (
            select(
                picture_refs.c.item_id,
                picture_refs.c.href,
                pictures.c.sha256,
                pictures.c.width,
                pictures.c.height,
                pictures.c.widths,
            )
            .select_from(
                picture_refs.join(picture_urls, picture_urls.c.id == picture_refs.c.url_id).join(
                    pictures, pictures.c.sha256 == picture_urls.c.sha256
                )
            )
            .where(
                picture_refs.c.item_id.in_(wanted[start : start + _IN_CHUNK]),
                picture_urls.c.state == HOSTED,
            )
            .order_by(picture_refs.c.id)
        )
        for r in conn.execute(q):
            records = found[int(r.item_id)]
            if all(p["href"] != r.href for p in records):
                records.append(
                    {
                        "href": r.href,
                        "sha256": r.sha256,
                        "width": int(r.width),
                        "height": int(r.height),
                        "widths": json.loads(r.widths),
                    }
                )
    current = {
        int(r.id): r.pictures
        for start in range(0, len(wanted), _IN_CHUNK)
        for r in conn.execute(
            select(items.c.id, items.c.pictures).where(
                items.c.id.in_(wanted[start : start + _IN_CHUNK])
            )
        )
    }
    changed: list[int] = []
    for item_id, records in found.items():
        text = json.dumps(records, separators=(",", ":")) if records else "[]"
        if item_id in current and current[item_id] != text:
            conn.execute(update(items).where(items.c.id == item_id).values(pictures=text))
            changed.append(item_id)
    if not changed:
        return set()
    tags = changes.tags_of(conn, changed)
    changes.record(conn, db, tags, now)
    return tags
