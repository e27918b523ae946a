"""WebSub subscriptions: who is to be told when one of the site's feeds changes, until when.

The hub (runtime/websub) writes a row only after the subscriber confirmed its intent, reads
the live ones of a topic whenever that feed changes, and records how each notification went,
so an operator can see a subscriber that keeps failing (`failures`, `last_error`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update

from wiredesk.store.bulk import on_conflict_do_nothing
from wiredesk.store.database import Database
from wiredesk.store.schema import websub_subscriptions as subs


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    topic: str
    callback: str
    secret: str | None
    expires_at: datetime
    failures: int
    content_hash: str | None


def subscribe(
    db: Database,
    topic: str,
    callback: str,
    secret: str | None,
    expires_at: datetime,
    now: datetime,
    content_hash: str | None,
) -> None:
    """Make or renew a subscription (a renewal replaces the secret and moves the lease);
    `content_hash` is the feed as it is now, which the subscriber is taken to have."""
    values = {
        "secret": secret,
        "expires_at": expires_at,
        "failures": 0,
        "last_error": None,
        "content_hash": content_hash,
    }
    match = (subs.c.topic == topic) & (subs.c.callback == callback)
    with db.engine.begin() as conn:
        if conn.execute(update(subs).where(match).values(**values)).rowcount:
            return
        made = conn.execute(
            on_conflict_do_nothing(conn, subs).values(
                topic=topic, callback=callback, created_at=now, **values
            )
        ).rowcount
        if not made:  # another request made it meanwhile: this one's lease and secret win
            conn.execute(update(subs).where(match).values(**values))


def unsubscribe(db: Database, topic: str, callback: str) -> bool:
    """Forget a subscription; whether there was one."""
    with db.engine.begin() as conn:
        gone = conn.execute(
            delete(subs).where((subs.c.topic == topic) & (subs.c.callback == callback))
        ).rowcount
    return bool(gone)


def live(db: Database, now: datetime, topics: list[str] | None = None) -> list[Subscription]:
    """Subscriptions whose lease has not ended, of `topics` (all topics when None)."""
    query = select(
        subs.c.id,
        subs.c.topic,
        subs.c.callback,
        subs.c.secret,
        subs.c.expires_at,
        subs.c.failures,
        subs.c.content_hash,
    ).where(subs.c.expires_at > now)
    if topics is not None:
        query = query.where(subs.c.topic.in_(topics))
    # One statement, in autocommit: the publisher reads this after every change, and a BEGIN
    # and its end around it were two more round trips each time.
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        return [Subscription(**r._mapping) for r in conn.execute(query.order_by(subs.c.id))]


def count_live(db: Database, now: datetime) -> int:
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        n = conn.execute(select(func.count()).where(subs.c.expires_at > now)).scalar()
    return int(n or 0)


def delivered(db: Database, subscription_id: int, now: datetime, content_hash: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(subs)
            .where(subs.c.id == subscription_id)
            .values(delivered_at=now, failures=0, last_error=None, content_hash=content_hash)
        )


def failed(db: Database, subscription_id: int, error: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            update(subs)
            .where(subs.c.id == subscription_id)
            .values(failures=subs.c.failures + 1, last_error=error[:1000])
        )


def forget_expired(db: Database, now: datetime) -> int:
    """Delete subscriptions whose lease ended; how many."""
    with db.engine.begin() as conn:
        return int(conn.execute(delete(subs).where(subs.c.expires_at <= now)).rowcount or 0)
