"""What `GET /health` and `wiredesk sources` read: source state, recent arrivals, a ping.

Not stories, so not behind the visibility gate: these say how the wire is flowing, which a
monitor may know. Only reads; the poller writes `source_state` (store/ledger/source_state.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select, text

from wiredesk.store.public.views import SourceState
from wiredesk.store.schema import item_versions, items, picture_urls, quarantine, source_state


def source_states(engine: Engine) -> dict[str, SourceState]:
    """Source id -> what the poller last recorded for it."""
    with engine.connect() as conn:
        return {r.source_id: SourceState(**r._mapping) for r in conn.execute(select(source_state))}


def versions_since(engine: Engine, since: datetime) -> dict[str, int]:
    """Per source: versions received since `since` (a new copy's first version counts too)."""
    q = (
        select(items.c.source_id, func.count())
        .select_from(item_versions.join(items, items.c.id == item_versions.c.item_id))
        .where(item_versions.c.received_at >= since)
        .group_by(items.c.source_id)
    )
    with engine.connect() as conn:
        return {sid: int(n) for sid, n in conn.execute(q)}


def picture_problems(engine: Engine, since: datetime) -> dict[str, tuple[int, str]]:
    """Per source: pictures tried since `since` that are not hosted (failed for good, or
    waiting for another try), and the newest of their problem lines, which names the
    picture. Only sources with such a picture are in the answer."""
    not_hosted = (picture_urls.c.state != "hosted", picture_urls.c.last_tried_at >= since)
    with engine.connect() as conn:
        counts = {
            sid: int(n)
            for sid, n in conn.execute(
                select(picture_urls.c.source_id, func.count())
                .where(*not_hosted)
                .group_by(picture_urls.c.source_id)
            )
        }
        out: dict[str, tuple[int, str]] = {}
        for sid, n in counts.items():
            line = conn.execute(
                select(picture_urls.c.error)
                .where(picture_urls.c.source_id == sid, *not_hosted)
                .order_by(picture_urls.c.last_tried_at.desc(), picture_urls.c.id.desc())
                .limit(1)
            ).scalar()
            out[sid] = (n, line or "")
    return out


def languages_since(engine: Engine, since: datetime) -> dict[str | None, int]:
    """Per language: copies first seen since `since` (along the arrival index), so `/health`
    can say how many went to a language no edition publishes."""
    q = (
        select(items.c.language, func.count())
        .where(items.c.first_seen_at >= since)
        .group_by(items.c.language)
    )
    with engine.connect() as conn:
        return {language: int(n) for language, n in conn.execute(q)}


def open_quarantine(engine: Engine) -> dict[str, int]:
    """Per source: payloads and items in quarantine that no reprocess has got through yet
    (along the `(resolved_at, quarantined_at)` index: only the open ones are read)."""
    q = (
        select(quarantine.c.source_id, func.count())
        .where(quarantine.c.resolved_at.is_(None))
        .group_by(quarantine.c.source_id)
    )
    with engine.connect() as conn:
        return {sid: int(n) for sid, n in conn.execute(q)}


def database_answers(engine: Engine) -> bool:
    """Whether a query gets through right now; never raises."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
