"""What changed, for the page caches: tags written with every write that changes public
content, and told to this process's listeners once the write commits.

A tag names what a cached page depends on: `copy:<short id>` and `story:<id>` (an article
page), `home@<language>`, `section:<slug>@<language>`, `source:<id>@<language>`,
`originator:<name>@<language>` (one edition's lists, feeds and sitemaps: `Scope.tag`), `nav`
(the section navigation every page shows). The process that writes tells its own caches at
once (`Database.notify`); other processes (a `wiredesk serve` beside a `wiredesk ingest`) read
the `changes` table (`store.public.reader.PublicReader.changes_since`) and skip the rows they
wrote themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from wiredesk.store.database import Database
from wiredesk.store.public import views
from wiredesk.store.schema import changes, items

_IN_CHUNK = 500
KEEP = timedelta(days=1)  # older rows are pruned: a reader that far behind clears its cache


def scope_tags(copy: Any) -> set[str]:
    """The lists a copy may appear in (`copy` has section, source_id, originator, language)."""
    return views.scope_tags(copy.section, copy.source_id, copy.originator, copy.language)


def copy_tags(copy: Any) -> set[str]:
    """Everything that shows this copy: its page, its story's pages, its lists."""
    tags = scope_tags(copy) | {f"copy:{copy.short_id}"}
    if copy.story_id is not None:
        tags.add(f"story:{copy.story_id}")
    return tags


def tags_of(conn: Connection, item_ids: Iterable[int]) -> set[str]:
    """`copy_tags` of these copies and of every other copy of their stories (a story's pages
    name its other copies: "Also reported by")."""
    wanted = sorted(set(item_ids))
    tags: set[str] = set()
    cols = (
        items.c.short_id,
        items.c.story_id,
        items.c.section,
        items.c.source_id,
        items.c.originator,
        items.c.language,
    )
    stories: set[int] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        for r in conn.execute(
            select(*cols).where(items.c.id.in_(wanted[start : start + _IN_CHUNK]))
        ):
            tags |= copy_tags(r)
            if r.story_id is not None:
                stories.add(int(r.story_id))
    ids = sorted(stories)
    for start in range(0, len(ids), _IN_CHUNK):
        for r in conn.execute(
            select(*cols).where(items.c.story_id.in_(ids[start : start + _IN_CHUNK]))
        ):
            tags |= copy_tags(r)
    return tags


def record(conn: Connection, db: Database, tags: set[str], now: datetime) -> None:
    """Log `tags` in the caller's transaction (call `db.notify(tags)` after it commits);
    every PRUNE_EVERY records, rows older than KEEP go in the same transaction."""
    if not tags:
        return
    conn.execute(_LOG, {"at": now, "writer": db.writer_id, "tags": json.dumps(sorted(tags))})
    global _recorded
    _recorded += 1
    if _recorded % PRUNE_EVERY == 0:
        conn.execute(delete(changes).where(changes.c.at < now - KEEP))


PRUNE_EVERY = 500
# built once: a statement's building and cache key cost about what its round trip does
_LOG = insert(changes)
_recorded = 0
