"""The desk's people in the store: each change one transaction with its audit entry, and a
change that takes away someone's right to their sessions deletes them in it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.store.store_support import T0
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import accounts, desk_sessions
from wiredesk.store.ledger.accounts import AccountExists


def _session(store: Database, account: accounts.Account, key: str) -> None:
    desk_sessions.start(
        store, account, key, "00" * 32, now=T0, address="10.0.0.1", user_agent="test"
    )


def test_a_person_added_is_found_listed_and_audited(store: Database) -> None:
    asha = accounts.add(
        store, "asha", "editor", "$argon2id$h1", actor="operator root", now=T0, address="::1"
    )
    accounts.add(store, "bina", "viewer", "$argon2id$h2", actor="operator root", now=T0)

    assert accounts.find(store, "asha") == asha
    assert accounts.find(store, "nobody") is None
    assert accounts.credentials(store, "asha") == (asha, "$argon2id$h1")
    assert [a.name for a in accounts.everyone(store)] == ["asha", "bina"]
    assert asha.role == "editor" and not asha.disabled and asha.created_at == T0
    [entry] = operator.desk_entries(store, subject="user asha")
    assert (entry.action, entry.actor, entry.reason, entry.address) == (
        "user-add",
        "operator root",
        "role editor",
        "::1",
    )


def test_a_taken_name_is_refused_and_nothing_is_written(store: Database) -> None:
    accounts.add(store, "asha", "editor", "h1", actor="operator root", now=T0)
    with pytest.raises(AccountExists, match="already a user named 'asha'"):
        accounts.add(store, "asha", "admin", "h2", actor="operator root", now=T0)
    assert accounts.credentials(store, "asha") is not None
    assert accounts.credentials(store, "asha")[1] == "h1"  # type: ignore[index]
    assert len(operator.desk_entries(store, subject="user asha")) == 1


def test_a_new_password_ends_every_session_of_the_person_only(store: Database) -> None:
    asha = accounts.add(store, "asha", "editor", "h1", actor="operator root", now=T0)
    bina = accounts.add(store, "bina", "editor", "h1", actor="operator root", now=T0)
    _session(store, asha, "a" * 64)
    _session(store, asha, "b" * 64)
    _session(store, bina, "c" * 64)

    later = T0 + timedelta(hours=1)
    accounts.set_password(store, asha, "h2", actor="operator root", now=later)

    assert desk_sessions.of_account(store, asha.id) == []
    assert [s.id_hash for s in desk_sessions.of_account(store, bina.id)] == ["c" * 64]
    assert accounts.credentials(store, "asha")[1] == "h2"  # type: ignore[index]
    assert accounts.find(store, "asha").changed_at == later  # type: ignore[union-attr]
    assert operator.desk_entries(store, subject="user asha")[0].action == "user-password"


def test_disabling_ends_sessions_at_once_and_enabling_does_not_bring_them_back(
    store: Database,
) -> None:
    asha = accounts.add(store, "asha", "editor", "h1", actor="operator root", now=T0)
    _session(store, asha, "a" * 64)

    assert accounts.set_disabled(store, asha, True, actor="editor boss", now=T0)
    assert not accounts.set_disabled(store, asha, True, actor="editor boss", now=T0)
    assert desk_sessions.find(store, "a" * 64) is None
    assert accounts.find(store, "asha").disabled  # type: ignore[union-attr]

    assert accounts.set_disabled(store, asha, False, actor="editor boss", now=T0)
    assert not accounts.find(store, "asha").disabled  # type: ignore[union-attr]
    assert desk_sessions.of_account(store, asha.id) == []
    entries = operator.desk_entries(store, subject="user asha")
    actions = [e.action for e in entries if e.action.startswith("user-")]
    assert actions == ["user-enable", "user-disable", "user-add"]  # one entry per change


def test_a_rehash_never_overwrites_a_password_changed_meanwhile(store: Database) -> None:
    asha = accounts.add(store, "asha", "editor", "old", actor="operator root", now=T0)
    assert accounts.rehash(store, asha.id, "old", "old-rehashed")
    assert accounts.credentials(store, "asha")[1] == "old-rehashed"  # type: ignore[index]
    accounts.set_password(store, asha, "new", actor="operator root", now=T0)
    assert not accounts.rehash(store, asha.id, "old-rehashed", "stale")
    assert accounts.credentials(store, "asha")[1] == "new"  # type: ignore[index]
    # not an act of anyone's: no audit entry for either rehash
    actions = [e.action for e in operator.desk_entries(store, subject="user asha")]
    assert actions == ["user-password", "user-add"]
