"""Subscribers' API keys: made, listed and revoked by `wiredesk apikey`.

A key is `wd_` and 32 random bytes (urlsafe base64); it is printed once, when it is made,
and only its SHA-256 is stored (store/public/api_keys.py finds it again from a request).
Revoking keeps the row, dated, so the name cannot be quietly reused for another subscriber
and `apikey list` still shows it.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert, select, update

from wiredesk.errors import WiredeskError
from wiredesk.store.database import Database
from wiredesk.store.public.api_keys import KEY_PREFIX, key_hash
from wiredesk.store.schema import api_keys

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
DEFAULT_RATE = 600  # requests per minute


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def add(
    db: Database,
    name: str,
    *,
    sources: Iterable[str] | None,
    now: datetime,
    rate_per_minute: int = DEFAULT_RATE,
) -> str:
    """Store a new key called `name`, readable for `sources` (None: all); returns the key
    itself, which is not stored and cannot be shown again."""
    if not NAME.fullmatch(name):
        raise WiredeskError(
            f"API key name {name!r}: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if rate_per_minute < 1:
        raise WiredeskError(f"--rate {rate_per_minute}: must be at least 1 request a minute")
    scope = None if sources is None else sorted(set(sources))
    if scope is not None and not scope:
        raise WiredeskError("--sources: name at least one source id, or leave it out for all")
    secret = new_secret()
    with db.engine.begin() as conn:
        if conn.execute(select(api_keys.c.id).where(api_keys.c.name == name)).first():
            raise WiredeskError(
                f"an API key named {name!r} exists already (`wiredesk apikey list`); "
                "choose another name"
            )
        conn.execute(
            insert(api_keys).values(
                name=name,
                key_hash=key_hash(secret),
                sources=None if scope is None else json.dumps(scope),
                rate_per_minute=rate_per_minute,
                created_at=now,
            )
        )
    return secret


def revoke(db: Database, name: str, *, now: datetime) -> bool:
    """Revoke the key called `name` from now on; False if it was revoked already. Raises
    when there is no such key."""
    with db.engine.begin() as conn:
        row = conn.execute(
            select(api_keys.c.id, api_keys.c.revoked_at).where(api_keys.c.name == name)
        ).first()
        if row is None:
            raise WiredeskError(
                f"no API key named {name!r}; `wiredesk apikey list` shows the names"
            )
        if row.revoked_at is not None:
            return False
        conn.execute(update(api_keys).where(api_keys.c.id == row.id).values(revoked_at=now))
    return True
