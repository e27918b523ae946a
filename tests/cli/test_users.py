"""`wiredesk user ...`: the first admin, new passwords, disabling, unlocking, the list —
with the prompt or `--password-stdin`, never a password as an argument."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.desk.desk_support import CHEAP_HASHING, PASSWORD
from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.desk.accounts import Accounts, Refusal, Refused, SignedIn
from wiredesk.store import operator
from wiredesk.store.database import Database


@pytest.fixture
def config(tmp_path: Path, db_url: str) -> Path:
    cfg = tmp_path / "wiredesk.toml"
    desk = "\n".join(f"{k} = {v}" for k, v in CHEAP_HASHING.items())
    cfg.write_text(
        f'[site]\nbase_url = "https://news.example"\ndatabase = "{db_url}"\n\n[desk]\n{desk}\n',
        encoding="utf-8",
    )
    return cfg


@pytest.fixture
def desk(config: Path) -> Iterator[Accounts]:
    settings = load_settings(config)
    db = Database.open(settings.site.database)
    try:
        yield Accounts(db, settings.desk)
    finally:
        db.close()


def user(config: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["user", *args, "--config", str(config)], input=stdin)


def _sign_in(desk: Accounts, name: str, password: str) -> SignedIn | Refused:
    return desk.sign_in(name, password, address="10.0.0.1", user_agent=None, replacing=None)


def test_the_first_admin_typed_twice_at_the_prompt(config: Path, desk: Accounts) -> None:
    added = user(config, "add", "Root", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert "added root (admin); they sign in at https://news.example/desk/" in added.output
    assert PASSWORD not in added.output  # the prompt does not echo it
    assert isinstance(_sign_in(desk, "root", PASSWORD), SignedIn)
    [entry] = [e for e in operator.desk_entries(desk.db) if e.action == "user-add"]
    assert entry.actor.startswith("operator ") and entry.subject == "user root"


def test_two_different_passwords_at_the_prompt_are_asked_again(
    config: Path, desk: Accounts
) -> None:
    typed = f"{PASSWORD}\nsomething else!!\n{PASSWORD}\n{PASSWORD}\n"
    added = user(config, "add", "root", "--role", "admin", stdin=typed)
    assert added.exit_code == 0, added.output
    assert "Error: The two entered values do not match." in added.output
    assert isinstance(_sign_in(desk, "root", PASSWORD), SignedIn)


def test_password_stdin_for_scripts(config: Path, desk: Accounts) -> None:
    added = user(config, "add", "asha", "--role", "editor", "--password-stdin", stdin=PASSWORD)
    assert added.exit_code == 0, added.output
    assert isinstance(_sign_in(desk, "asha", PASSWORD), SignedIn)
    empty = user(config, "add", "bina", "--role", "editor", "--password-stdin", stdin="")
    assert empty.exit_code == 2 and "standard input is empty" in empty.output


def test_there_is_no_way_to_give_the_password_as_an_argument(config: Path) -> None:
    answer = user(config, "add", "asha", "--role", "editor", "--password", PASSWORD)
    assert answer.exit_code == 2 and "No such option '--password'" in answer.output


@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        (("add", "asha verma", "--role", "editor"), None, "not a valid user name"),
        (("add", "asha", "--role", "owner"), None, "Invalid value for '--role'"),
        (("add", "asha", "--role", "editor", "--password-stdin"), "short\n", "at least 12"),
        (("add", "asha", "--role", "editor", "--password-stdin"), "   \n", "is empty"),
        (("passwd", "nobody", "--password-stdin"), f"{PASSWORD}\n", "no user named 'nobody'"),
        (("disable", "nobody"), None, "no user named 'nobody'"),
        (("unlock",), None, "give either a user NAME or --address"),
    ],
)
def test_mistakes_get_one_clear_line(
    config: Path, args: tuple[str, ...], stdin: str | None, said: str
) -> None:
    answer = user(config, *args, stdin=stdin)
    assert answer.exit_code == 2, answer.output
    assert said in answer.output
    assert "Traceback" not in answer.output


def test_a_taken_name_is_said_before_the_password_is_asked(config: Path, desk: Accounts) -> None:
    desk.add("asha", "editor", PASSWORD, actor="operator test")
    again = user(config, "add", "ASHA", "--role", "admin")  # no input: no prompt reached
    assert again.exit_code == 2
    assert "already a user named 'asha'" in again.output
    assert "wiredesk user passwd asha" in again.output
    assert "Password" not in again.output


def test_passwd_and_disable_end_the_users_sessions(config: Path, desk: Accounts) -> None:
    desk.add("asha", "editor", PASSWORD, actor="operator test")
    before = _sign_in(desk, "asha", PASSWORD)
    assert isinstance(before, SignedIn)

    changed = user(config, "passwd", "asha", "--password-stdin", stdin="another long one\n")
    assert changed.exit_code == 0 and "their sessions have ended" in changed.output
    assert desk.visit(before.token).session is None
    assert _sign_in(desk, "asha", PASSWORD) == Refused(Refusal.WRONG)
    now = _sign_in(desk, "asha", "another long one")
    assert isinstance(now, SignedIn)

    assert "disabled asha" in user(config, "disable", "asha").output
    assert desk.visit(now.token).session is None
    assert "already disabled" in user(config, "disable", "asha").output
    assert _sign_in(desk, "asha", "another long one") == Refused(Refusal.DISABLED)
    assert "enabled asha" in user(config, "enable", "asha").output
    assert isinstance(_sign_in(desk, "asha", "another long one"), SignedIn)


def test_list_shows_roles_states_and_lockouts_and_unlock_lifts_one(
    config: Path, desk: Accounts
) -> None:
    assert "no users yet; add the first admin" in user(config, "list").output
    desk.add("root", "admin", PASSWORD, actor="operator test")
    desk.add("asha", "editor", PASSWORD, actor="operator test")
    desk.add("bina", "viewer", PASSWORD, actor="operator test")
    desk.set_disabled("bina", True, actor="operator test")
    for _ in range(5):
        _sign_in(desk, "asha", "a wrong password")
    _sign_in(desk, "root", PASSWORD)

    listed = user(config, "list")
    lines = listed.output.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "STATE", "SESSIONS", "CHANGED"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["root"][1:4] == ["admin", "active", "1"]
    assert rows["asha"][1:4] == ["editor", "locked", "until"]
    assert rows["bina"][1:3] == ["viewer", "disabled"]

    as_json = [json.loads(line) for line in user(config, "list", "--json").output.splitlines()]
    assert [p["name"] for p in as_json] == ["asha", "bina", "root"]
    assert as_json[0]["locked_until"] is not None and as_json[1]["disabled"] is True

    unlocked = user(config, "unlock", "asha")
    assert unlocked.exit_code == 0 and "sign-in unlocked for asha" in unlocked.output
    assert isinstance(_sign_in(desk, "asha", PASSWORD), SignedIn)
    assert "active" in user(config, "list").output.splitlines()[1]
