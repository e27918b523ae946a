"""Finding a subscriber's API key by what the request presented.

Only the SHA-256 of a key is stored (`wiredesk apikey add` writes it through
store/ledger/api_keys.py), so the lookup hashes what was presented and finds the row by its
unique hash: one index probe per request. A key is 32 random bytes, so a plain hash is enough
(no salt or slow hash: there is nothing to guess) and the comparison happens inside the
database's index, not in Python, where a timing difference could matter.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from wiredesk.store.schema import api_keys

# What every key begins with, so one found in a log or a repository is recognised as ours.
KEY_PREFIX = "wd_"


def key_hash(secret: str) -> str:
    """The stored form of a key: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key as the API needs it: who it is, which sources it may read (None: all), its
    budget of requests per minute, and whether it was revoked."""

    id: int
    name: str
    sources: frozenset[str] | None
    rate_per_minute: int
    created_at: datetime
    revoked_at: datetime | None

    def may_read(self, source_id: str) -> bool:
        return self.sources is None or source_id in self.sources


def _from_row(r: Any) -> ApiKey:
    raw = r.sources
    return ApiKey(
        id=int(r.id),
        name=r.name,
        sources=None if raw is None else frozenset(json.loads(raw)),
        rate_per_minute=int(r.rate_per_minute),
        created_at=r.created_at,
        revoked_at=r.revoked_at,
    )


def find_key(engine: Engine, secret: str) -> ApiKey | None:
    """The key whose secret is `secret`, revoked or not; None when there is none."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(api_keys).where(api_keys.c.key_hash == key_hash(secret))).first()
    return None if row is None else _from_row(row)


def all_keys(engine: Engine) -> list[ApiKey]:
    """Every key, by name (for `wiredesk apikey list`)."""
    with engine.connect() as conn:
        rows = conn.execute(select(api_keys).order_by(api_keys.c.name)).all()
    return [_from_row(r) for r in rows]
