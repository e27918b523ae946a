"""The desk's accounts service on both stores: names and roles checked, sign-in throttled
per account and per address, sessions that expire, and what ends them."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.desk.desk_support import CHEAP_HASHING, PASSWORD, T0, Clock
from wiredesk.config import DeskSettings
from wiredesk.desk.accounts import (
    AccountError,
    Accounts,
    Refusal,
    Refused,
    SignedIn,
    token_hash,
)
from wiredesk.desk.passwords import WeakPassword
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import accounts as stored_accounts
from wiredesk.store.ledger import desk_sessions

HERE, THERE = "10.0.0.1", "10.0.0.2"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(store: Database, clock: Clock) -> Accounts:
    made = Accounts(store, DeskSettings(**CHEAP_HASHING), clock=clock)
    made.add("asha", "editor", PASSWORD, actor="operator root")
    return made


def _try(desk: Accounts, name: str, password: str, address: str = HERE) -> SignedIn | Refused:
    return desk.sign_in(name, password, address=address, user_agent="test", replacing=None)


def test_names_and_roles_are_checked_before_anything_is_stored(desk: Accounts) -> None:
    with pytest.raises(AccountError, match="not a valid user name"):
        desk.add("asha verma", "editor", PASSWORD, actor="operator root")
    with pytest.raises(AccountError, match="not a role; use one of viewer, editor, admin"):
        desk.add("bina", "boss", PASSWORD, actor="operator root")
    with pytest.raises(AccountError, match="already a user named 'asha'"):
        desk.add(" ASHA ", "viewer", PASSWORD, actor="operator root")
    with pytest.raises(WeakPassword):
        desk.add("bina", "viewer", "short", actor="operator root")
    with pytest.raises(AccountError, match="no user named 'nobody'"):
        desk.set_password("nobody", PASSWORD, actor="operator root")
    assert [p.account.name for p in desk.people()] == ["asha"]


def test_the_right_password_signs_in_whatever_the_case_of_the_name(desk: Accounts) -> None:
    result = _try(desk, "  Asha", PASSWORD)
    assert isinstance(result, SignedIn) and result.account.name == "asha"
    visit = desk.visit(result.token)
    assert visit.session is not None and visit.session.account.name == "asha"
    # the store keeps the id's hash, never the id
    assert desk_sessions.find(desk.db, result.token) is None
    assert desk_sessions.find(desk.db, token_hash(result.token)) is not None


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(desk: Accounts) -> None:
    assert _try(desk, "asha", PASSWORD + "!") == Refused(Refusal.WRONG)
    assert _try(desk, "nobody", PASSWORD) == Refused(Refusal.WRONG)
    assert _try(desk, "not a name at all", PASSWORD) == Refused(Refusal.WRONG)


def test_five_failures_lock_the_account_for_fifteen_minutes_even_with_the_right_password(
    desk: Accounts, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="wiredesk.desk.accounts"):
        for _ in range(5):
            assert _try(desk, "asha", "wrong password!") == Refused(Refusal.WRONG)
            clock.advance(minutes=1)
    # started at T0, one a minute: the first failure leaves the window at T0 + 15 min
    assert _try(desk, "asha", PASSWORD) == Refused(
        Refusal.LOCKED_ACCOUNT, T0 + timedelta(minutes=15)
    )
    assert _try(desk, "asha", PASSWORD, address=THERE).why is Refusal.LOCKED_ACCOUNT
    [line] = [r for r in caplog.records if "locked" in r.getMessage()]
    assert "account 'asha'" in line.getMessage() and line.levelno == logging.WARNING
    [locked] = [
        e for e in operator.desk_entries(desk.db, subject="user asha")
        if e.action == "sign-in-locked"
    ]  # fmt: skip
    assert locked.address == HERE
    assert locked.reason == "account 'asha' locked after too many failed sign-ins within 15 min"

    # asking while locked is not counted: the lock ends on time however often it is tried
    for _ in range(20):
        assert _try(desk, "asha", PASSWORD).why is Refusal.LOCKED_ACCOUNT
    clock.now = T0 + timedelta(minutes=15)
    assert isinstance(_try(desk, "asha", PASSWORD), SignedIn)
    # and the success starts the count afresh
    for _ in range(4):
        _try(desk, "asha", "wrong password!")
    assert isinstance(_try(desk, "asha", PASSWORD), SignedIn)


def test_guesses_at_names_nobody_has_lock_those_names_too(desk: Accounts) -> None:
    for _ in range(5):
        _try(desk, "ghost", "whatever password")
    assert _try(desk, "ghost", "whatever password").why is Refusal.LOCKED_ACCOUNT
    assert isinstance(_try(desk, "asha", PASSWORD), SignedIn)  # others are not


def test_twenty_failures_from_one_address_lock_it_for_every_account(
    desk: Accounts, clock: Clock
) -> None:
    for n in range(20):
        _try(desk, f"guess{n % 4}", "whatever password")  # 5 names: none reaches 5 alone
        clock.advance(seconds=10)
    refused = _try(desk, "asha", PASSWORD)
    assert refused.why is Refusal.LOCKED_ADDRESS  # type: ignore[union-attr]
    assert refused.until == T0 + timedelta(minutes=15)  # type: ignore[union-attr]
    assert isinstance(_try(desk, "asha", PASSWORD, address=THERE), SignedIn)
    # a success from the address does not lift it: only time, or an operator
    assert _try(desk, "asha", PASSWORD).why is Refusal.LOCKED_ADDRESS  # type: ignore[union-attr]
    desk.unlock(address=HERE, actor="operator root")
    assert isinstance(_try(desk, "asha", PASSWORD), SignedIn)


def test_an_operator_unlock_lifts_an_account_lock_at_once(desk: Accounts) -> None:
    for _ in range(5):
        _try(desk, "asha", "wrong password!")
    [person] = desk.people()
    assert person.locked_until is not None
    desk.unlock(name="ASHA", actor="operator root")
    assert desk.people()[0].locked_until is None
    assert isinstance(_try(desk, "asha", PASSWORD), SignedIn)
    assert operator.desk_entries(desk.db, subject="user asha")[1].action == "sign-in-unlock"


def test_a_disabled_account_is_refused_and_its_sessions_are_gone(desk: Accounts) -> None:
    signed = _try(desk, "asha", PASSWORD)
    assert isinstance(signed, SignedIn)
    assert desk.set_disabled("asha", True, actor="operator root")
    assert desk.visit(signed.token).session is None
    assert _try(desk, "asha", PASSWORD) == Refused(Refusal.DISABLED)
    assert _try(desk, "asha", "wrong password!") == Refused(Refusal.WRONG)
    desk.set_disabled("asha", False, actor="operator root")
    assert isinstance(_try(desk, "asha", PASSWORD), SignedIn)


def test_a_new_password_ends_every_session_and_the_old_one_stops_working(
    desk: Accounts,
) -> None:
    first, second = _try(desk, "asha", PASSWORD), _try(desk, "asha", PASSWORD)
    assert isinstance(first, SignedIn) and isinstance(second, SignedIn)
    desk.set_password("asha", "a brand new passphrase", actor="operator root")
    assert desk.visit(first.token).session is None
    assert desk.visit(second.token).session is None
    assert _try(desk, "asha", PASSWORD) == Refused(Refusal.WRONG)
    assert isinstance(_try(desk, "asha", "a brand new passphrase"), SignedIn)


def test_a_session_ends_after_thirty_idle_minutes(desk: Accounts, clock: Clock) -> None:
    signed = _try(desk, "asha", PASSWORD)
    assert isinstance(signed, SignedIn)
    for _ in range(4):  # used every 20 minutes: still alive after 80
        clock.advance(minutes=20)
        assert desk.visit(signed.token).session is not None
    clock.advance(minutes=30)
    visit = desk.visit(signed.token)
    assert visit.session is None and visit.expired
    assert desk_sessions.find(desk.db, token_hash(signed.token)) is None  # deleted
    assert not desk.visit(signed.token).expired  # and then simply unknown


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(
    desk: Accounts, clock: Clock
) -> None:
    signed = _try(desk, "asha", PASSWORD)
    assert isinstance(signed, SignedIn)
    for _ in range(47):  # every 15 minutes for 11 h 45 min
        clock.advance(minutes=15)
        assert desk.visit(signed.token).session is not None
    clock.advance(minutes=15)
    assert desk.visit(signed.token).expired


def test_signing_in_ends_the_session_the_browser_brought(desk: Accounts) -> None:
    desk.add("bina", "viewer", PASSWORD, actor="operator root")
    planted = _try(desk, "bina", PASSWORD)
    assert isinstance(planted, SignedIn)
    mine = desk.sign_in("asha", PASSWORD, address=HERE, user_agent="test", replacing=planted.token)
    assert isinstance(mine, SignedIn) and mine.token != planted.token
    assert desk.visit(planted.token).session is None


def test_sign_out_everywhere_ends_every_session_of_the_person_only(desk: Accounts) -> None:
    desk.add("bina", "viewer", PASSWORD, actor="operator root")
    mine = [_try(desk, "asha", PASSWORD) for _ in range(3)]
    hers = _try(desk, "bina", PASSWORD)
    assert isinstance(hers, SignedIn)
    account = stored_accounts.find(desk.db, "asha")
    assert account is not None and len(desk.live_sessions(account)) == 3
    assert desk.sign_out_everywhere(account, address=HERE) == 3
    assert all(desk.visit(s.token).session is None for s in mine if isinstance(s, SignedIn))
    assert desk.visit(hers.token).session is not None


def test_a_hash_made_with_older_parameters_is_made_again_at_sign_in(
    store: Database, clock: Clock
) -> None:
    """The real default cost, once: a hash made cheaply is replaced by a default one."""
    cheap = Accounts(store, DeskSettings(**CHEAP_HASHING), clock=clock)
    cheap.add("asha", "editor", PASSWORD, actor="operator root")
    before = stored_accounts.credentials(store, "asha")
    assert before is not None and "$m=8,t=1,p=1$" in before[1]

    real = Accounts(store, DeskSettings(), clock=clock)
    assert isinstance(_try(real, "asha", PASSWORD), SignedIn)
    after = stored_accounts.credentials(store, "asha")
    assert after is not None and "$m=65536,t=3,p=4$" in after[1]
    assert isinstance(_try(real, "asha", PASSWORD), SignedIn)
    assert stored_accounts.credentials(store, "asha") == after  # once is enough
