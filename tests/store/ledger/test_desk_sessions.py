"""Server-side sessions: found by the hash their cookie's id gives, ended one by one or all
of a person's at once; the id a browser brought to a sign-in never outlives it."""

from __future__ import annotations

from datetime import timedelta

from tests.store.store_support import T0
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import accounts, desk_sessions


def _person(store: Database, name: str = "asha") -> accounts.Account:
    return accounts.add(store, name, "editor", "h", actor="operator root", now=T0)


def _start(store: Database, who: accounts.Account, key: str, **kw: object) -> None:
    desk_sessions.start(
        store,
        who,
        key,
        "ab" * 32,
        now=kw.pop("now", T0),  # type: ignore[arg-type]
        address="10.0.0.1",
        user_agent="Firefox",
        **kw,  # type: ignore[arg-type]
    )


def test_a_session_is_found_with_its_person_and_audited_as_a_sign_in(store: Database) -> None:
    asha = _person(store)
    _start(store, asha, "a" * 64)
    found = desk_sessions.find(store, "a" * 64)
    assert found is not None and found.account == asha
    assert (found.created_at, found.last_seen_at, found.user_agent) == (T0, T0, "Firefox")
    assert found.csrf_secret == "ab" * 32
    assert desk_sessions.find(store, "b" * 64) is None
    [entry] = operator.desk_entries(store, subject="user asha")[:1]
    assert (entry.action, entry.actor, entry.address) == ("sign-in", "editor asha", "10.0.0.1")


def test_signing_in_deletes_the_session_the_browser_brought(store: Database) -> None:
    asha, bina = _person(store), _person(store, "bina")
    _start(store, bina, "f" * 64)  # an id planted in asha's browser
    _start(store, asha, "a" * 64, replacing="f" * 64)
    assert desk_sessions.find(store, "f" * 64) is None
    assert desk_sessions.find(store, "a" * 64) is not None


def test_touch_end_and_end_all(store: Database) -> None:
    asha, bina = _person(store), _person(store, "bina")
    for key in ("1" * 64, "2" * 64, "3" * 64):
        _start(store, asha, key)
    _start(store, bina, "4" * 64)

    desk_sessions.touch(store, "1" * 64, T0 + timedelta(minutes=5))
    assert desk_sessions.find(store, "1" * 64).last_seen_at == T0 + timedelta(minutes=5)  # type: ignore[union-attr]

    one = desk_sessions.find(store, "1" * 64)
    assert one is not None
    desk_sessions.end(store, one, now=T0, address="10.0.0.2")
    assert desk_sessions.find(store, "1" * 64) is None
    assert desk_sessions.end_all(store, asha, now=T0, address=None) == 2
    assert desk_sessions.of_account(store, asha.id) == []
    assert len(desk_sessions.of_account(store, bina.id)) == 1
    actions = [e.action for e in operator.desk_entries(store, subject="user asha")][:2]
    assert actions == ["sign-out-everywhere", "sign-out"]


def test_prune_deletes_idle_and_old_sessions(store: Database) -> None:
    asha = _person(store)
    _start(store, asha, "1" * 64, now=T0)  # idle since T0
    _start(store, asha, "2" * 64, now=T0 - timedelta(hours=13))  # started too long ago
    desk_sessions.touch(store, "2" * 64, T0 + timedelta(minutes=50))
    _start(store, asha, "3" * 64, now=T0 + timedelta(minutes=45))  # fresh

    gone = desk_sessions.prune(
        store,
        idle_since=T0 + timedelta(minutes=30),
        started_since=T0 + timedelta(minutes=55) - timedelta(hours=12),
    )
    assert gone == 2
    assert [s.id_hash for s in desk_sessions.of_account(store, asha.id)] == ["3" * 64]
