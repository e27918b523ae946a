"""API keys on the real store (SQLite and PostgreSQL): only a hash is kept, the key is found
by what a request presents, names are unique, a revoked key stays listed and stays refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.store.store_support import T0
from wiredesk.errors import WiredeskError
from wiredesk.store.database import Database
from wiredesk.store.ledger import api_keys
from wiredesk.store.public.api_keys import all_keys, find_key, key_hash
from wiredesk.store.schema import api_keys as table


def test_a_key_is_stored_only_as_its_hash_and_found_by_the_key(store: Database) -> None:
    secret = api_keys.add(store, "partner", sources=["ians", "pti"], now=T0, rate_per_minute=60)
    assert re.fullmatch(r"wd_[A-Za-z0-9_-]{43}", secret)
    with store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(select(table))]
    assert secret not in repr(stored)
    assert key_hash(secret) in repr(stored)

    found = find_key(store.engine, secret)
    assert found is not None
    assert (found.name, found.sources, found.rate_per_minute) == (
        "partner",
        frozenset({"ians", "pti"}),
        60,
    )
    assert found.may_read("pti") and not found.may_read("ani")
    assert find_key(store.engine, secret + "x") is None
    assert find_key(store.engine, "not-ours") is None
    every = api_keys.add(store, "all", sources=None, now=T0)
    everything = find_key(store.engine, every)
    assert everything is not None and everything.sources is None and everything.may_read("ani")
    assert every != secret


def test_names_are_unique_and_checked(store: Database) -> None:
    api_keys.add(store, "partner", sources=None, now=T0)
    with pytest.raises(WiredeskError, match="exists already"):
        api_keys.add(store, "partner", sources=None, now=T0)
    for bad in ("", "with space", "-dash-first", "x" * 65):
        with pytest.raises(WiredeskError, match="API key name"):
            api_keys.add(store, bad, sources=None, now=T0)
    with pytest.raises(WiredeskError, match="--sources"):
        api_keys.add(store, "none", sources=[], now=T0)
    with pytest.raises(WiredeskError, match="--rate"):
        api_keys.add(store, "zero", sources=None, now=T0, rate_per_minute=0)
    assert [k.name for k in all_keys(store.engine)] == ["partner"]


def test_a_revoked_key_is_dated_kept_and_cannot_be_revoked_twice(store: Database) -> None:
    secret = api_keys.add(store, "partner", sources=None, now=T0)
    assert api_keys.revoke(store, "partner", now=T0)
    assert not api_keys.revoke(store, "partner", now=T0)
    found = find_key(store.engine, secret)
    assert found is not None and found.revoked_at == T0
    with pytest.raises(WiredeskError, match="no API key named 'other'"):
        api_keys.revoke(store, "other", now=T0)
