"""Short ids: the part of a copy's URL that never changes.

8 base32 characters of sha256(source, guid), stable for the copy's whole life, and lengthened
only on a collision (no query of its own in the usual case of none).
"""

from __future__ import annotations

import base64
import hashlib

from sqlalchemy import Connection, select

from wiredesk.store.schema import items


def short_id_for(source_id: str, guid: str, length: int = 8) -> str:
    """A short, URL-safe id that is stable for (source, guid): the same copy keeps its URL."""
    digest = hashlib.sha256(f"{source_id}\x00{guid}".encode()).digest()
    # Base32 turns each 5 bytes into 8 characters on their own: encoding only the bytes the
    # id needs gives the same prefix as encoding the whole digest, for a fraction of the cost.
    return base64.b32encode(digest[: (length * 5 + 7) // 8]).decode("ascii").lower()[:length]


def free_short_ids(
    conn: Connection, source_id: str, guids: list[str], taken: set[str]
) -> list[str]:
    """Short ids for a batch of new copies, given which of their 8-character ids are `taken`
    already (read by the caller with its other look-ups: `copies._known_guids`); only a
    collision costs a query."""
    wanted = [short_id_for(source_id, g) for g in guids]
    result: list[str] = []
    used: set[str] = set()
    for guid, sid in zip(guids, wanted, strict=True):
        if sid in taken or sid in used:
            sid = _longer_short_id(conn, source_id, guid, also_taken=used | taken)
        used.add(sid)
        result.append(sid)
    return result


def _longer_short_id(
    conn: Connection,
    source_id: str,
    guid: str,
    also_taken: set[str] | frozenset[str] = frozenset(),
) -> str:
    for length in (10, 12, 16):
        candidate = short_id_for(source_id, guid, length)
        if candidate in also_taken:
            continue
        taken = conn.execute(select(items.c.id).where(items.c.short_id == candidate)).scalar()
        if taken is None:
            return candidate
    raise RuntimeError(f"no free short id for {source_id}/{guid}")  # 2^-80: not expected
