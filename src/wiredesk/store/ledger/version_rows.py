"""The rows the version write path stores, and the lifecycle columns derived for them.

Kept apart from `copies.py` (which decides what to write): these are pure functions from an
item and a time to the values written, shared by creating a copy and adding a version.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from wiredesk.model import Hop, Item, Signal
from wiredesk.store.ledger.editorial import agency
from wiredesk.store.ledger.lifecycle import VersionOrder, derive


def version_row(
    item_id: int,
    number: int,
    item: Item,
    envelope_id: int,
    now: datetime,
    *,
    version_id: int | None = None,
) -> dict[str, Any]:
    """The `item_versions` row of `item` as version `number` of its copy; `version_id`: the
    row's id, chosen beforehand (`bulk.next_ids_of`), or None for the database's."""
    row = {
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
    if version_id is not None:
        row["id"] = version_id
    return row


def _json_list(values: list[Any]) -> str:
    """A list column's JSON; most lists of most items are empty, and `json.dumps` of an
    empty list costs as much as a short one."""
    return json.dumps(values, ensure_ascii=False) if values else "[]"


def _hop_json(hop: Hop) -> dict[str, Any]:
    data = asdict(hop)
    data["time"] = hop.time.isoformat() if hop.time else None
    return data


def order_of(item: Item, arrival: int) -> VersionOrder:
    return VersionOrder(item.version, item.updated_at or item.published_at, arrival)


def stored_order(row: Any) -> VersionOrder:
    return VersionOrder(
        row.source_version, row.source_updated_at or row.source_published_at, row.version
    )


def first_public(item: Item, now: datetime) -> datetime:
    """When the story becomes public: the agency's time (a future date counts as now),
    or the end of its embargo if that is later."""
    when = min(item.published_at or item.updated_at or now, now)
    if item.embargo_until is not None and item.embargo_until > when:
        return item.embargo_until
    return when


def lifecycle_columns(item: Item, source_id: str, now: datetime) -> dict[str, Any]:
    d = derive(item.pub_status.value, [s.value for s in item.signals], item.embargo_until)
    return {
        "pub_status": d.pub_status,
        "embargo_until": d.embargo_until,
        "killed_at": now if d.killed else None,
        "killed_by": agency(source_id) if d.killed else None,
        "kill_reason": _kill_reason(item) if d.killed else None,
    }


def _kill_reason(item: Item) -> str:
    why = "kill signal" if Signal.KILL in item.signals else "pubStatus canceled"
    note = f": {item.correction_note}" if item.correction_note else ""
    return f"{why} in version {item.version}{note}" if item.version else f"{why}{note}"


def describe(item: Item, number: int) -> str:
    return f"version {item.version}" if item.version is not None else f"arrival {number}"


def update_time(item: Item, first_published: datetime, now: datetime) -> datetime:
    """When a version was updated: the source's own time if it says one, else arrival.

    RSS has no separate update time, so a later pubDate on the same guid is the update time;
    a time not after first publication (or in the future) says nothing, and arrival is used.
    """
    told = item.updated_at or item.published_at
    if told is None or told <= first_published or told > now:
        return now
    return told
