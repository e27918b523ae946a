"""Sign-in attempts counted for throttling: per account since its last success or unlock,
per address since its last unlock, within a window, refused attempts not counted."""

from __future__ import annotations

from datetime import timedelta

from tests.store.store_support import T0
from wiredesk.store.database import Database
from wiredesk.store.ledger import signins


def _at(minutes: float) -> object:
    return T0 + timedelta(minutes=minutes)


def _fail(store: Database, name: str, address: str, minute: float) -> None:
    signins.record(store, name=name, address=address, outcome="failed", now=_at(minute))  # type: ignore[arg-type]


def _count(store: Database, name: str, address: str, now_minute: float) -> tuple[int, int]:
    found = signins.failures(
        store,
        name=name,
        address=address,
        since=_at(now_minute - 15),  # type: ignore[arg-type]
        account_limit=5,
        address_limit=20,
    )
    return len(found.account), len(found.address)


def test_failures_within_the_window_are_counted_newest_first(store: Database) -> None:
    for minute in (0, 1, 2):
        _fail(store, "asha", "10.0.0.1", minute)
    _fail(store, "bina", "10.0.0.1", 3)
    _fail(store, "asha", "10.0.0.2", 4)
    found = signins.failures(
        store,
        name="asha",
        address="10.0.0.1",
        since=T0 - timedelta(minutes=1),
        account_limit=5,
        address_limit=20,
    )
    assert found.account == (_at(4), _at(2), _at(1), _at(0))
    assert found.address == (_at(3), _at(2), _at(1), _at(0))
    assert _count(store, "asha", "10.0.0.1", 16) == (2, 2)  # minutes 0 and 1 left the window


def test_the_lists_stop_at_their_limits(store: Database) -> None:
    for minute in range(8):
        _fail(store, "asha", "10.0.0.1", minute)
    found = signins.failures(
        store,
        name="asha",
        address="10.0.0.1",
        since=T0 - timedelta(minutes=1),
        account_limit=5,
        address_limit=3,
    )
    assert found.account == tuple(_at(m) for m in (7, 6, 5, 4, 3))
    assert found.address == (_at(7), _at(6), _at(5))


def test_a_success_resets_its_account_but_never_its_address(store: Database) -> None:
    for minute in (0, 1, 2):
        _fail(store, "asha", "10.0.0.1", minute)
    signins.record(store, name="asha", address="10.0.0.1", outcome="ok", now=_at(3))  # type: ignore[arg-type]
    _fail(store, "asha", "10.0.0.1", 4)
    assert _count(store, "asha", "10.0.0.1", 5) == (1, 4)


def test_refused_and_disabled_attempts_do_not_count(store: Database) -> None:
    _fail(store, "asha", "10.0.0.1", 0)
    for outcome in ("refused", "disabled", "refused"):
        signins.record(store, name="asha", address="10.0.0.1", outcome=outcome, now=_at(1))  # type: ignore[arg-type]
    assert _count(store, "asha", "10.0.0.1", 2) == (1, 1)


def test_unlock_lifts_an_account_or_an_address(store: Database) -> None:
    for minute in (0, 1):
        _fail(store, "asha", "10.0.0.1", minute)
    signins.unlock(store, name="asha", now=_at(2))  # type: ignore[arg-type]
    assert _count(store, "asha", "10.0.0.1", 3) == (0, 2)
    signins.unlock(store, address="10.0.0.1", now=_at(3))  # type: ignore[arg-type]
    assert _count(store, "asha", "10.0.0.1", 4) == (0, 0)
    _fail(store, "asha", "10.0.0.1", 5)
    assert _count(store, "asha", "10.0.0.1", 6) == (1, 1)


def test_prune_forgets_old_attempts(store: Database) -> None:
    _fail(store, "asha", "10.0.0.1", 0)
    _fail(store, "asha", "10.0.0.1", 60 * 25)
    assert signins.prune(store, _at(60 * 24)) == 1  # type: ignore[arg-type]
    found = signins.failures(
        store,
        name="asha",
        address="10.0.0.1",
        since=T0 - timedelta(minutes=1),
        account_limit=5,
        address_limit=20,
    )
    assert found.account == (_at(60 * 25),)
