"""`wiredesk user ...`: the desk's people from the command line.

How the first admin comes to be (nobody can sign in to add them), and how an operator
resets a password or lifts a lockout. A password is typed at a prompt twice, or read from
standard input with `--password-stdin` (for scripts); never given as an argument, where it
would sit in the shell's history and in every process listing. Each act is audited as
"operator <$USER>".
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

import click

from wiredesk.cli.output import config_option, json_option, load, opened_database, print_table
from wiredesk.errors import WiredeskError

if TYPE_CHECKING:
    from wiredesk.desk.accounts import Accounts
    from wiredesk.store.database import Database

ROLES = ("viewer", "editor", "admin")

password_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.",
)


@click.group()
def user() -> None:
    """The desk's users: add, change a password, disable, unlock, list."""


def _accounts(db: Database, config: str | None) -> Accounts:
    from wiredesk.desk.accounts import Accounts

    return Accounts(db, load(config).desk)


def _operator() -> str:
    from wiredesk.store.ledger import editorial

    return editorial.operator(os.environ.get("USER") or "cli")


def _password(from_stdin: bool) -> str:
    """The new password, typed twice at a prompt or read from stdin's first line."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise WiredeskError(
                "--password-stdin: standard input is empty; pipe the password in, "
                "e.g. `printf '%s\\n' \"$PASS\" | wiredesk user add ...`"
            )
        return line.rstrip("\r\n")
    value: str = click.prompt(
        "Password", hide_input=True, confirmation_prompt="Password again", err=True
    )
    return value


@user.command()
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="viewer reads; editor also acts on stories; admin also manages users.",
)
@password_stdin_option
@config_option
def add(name: str, role: str, password_stdin: bool, config: str | None) -> None:
    """Add a user to the desk. NAME: lowercase letters, digits, '.', '-' or '_'."""
    settings = load(config)
    with opened_database(settings) as db:
        accounts = _accounts(db, config)
        accounts.check_new(name, role)  # a taken or bad name is said before the prompt
        added = accounts.add(name, role, _password(password_stdin), actor=_operator())
    click.echo(f"added {added.name} ({added.role}); they sign in at {settings.site.base_url}/desk/")


@user.command()
@click.argument("name")
@password_stdin_option
@config_option
def passwd(name: str, password_stdin: bool, config: str | None) -> None:
    """Give a user a new password; every session of theirs ends."""
    with opened_database(load(config)) as db:
        accounts = _accounts(db, config)
        account = accounts.find(name)  # unknown name: said before asking for a password
        accounts.set_password(account.name, _password(password_stdin), actor=_operator())
    click.echo(f"new password for {account.name}; their sessions have ended")


@user.command()
@click.argument("name")
@config_option
def disable(name: str, config: str | None) -> None:
    """Stop a user signing in; every session of theirs ends at once."""
    with opened_database(load(config)) as db:
        accounts = _accounts(db, config)
        account = accounts.find(name)
        done = accounts.set_disabled(account.name, True, actor=_operator())
    if done:
        click.echo(f"disabled {account.name}; their sessions have ended")
    else:
        click.echo(f"{account.name} was already disabled; nothing to do")


@user.command()
@click.argument("name")
@config_option
def enable(name: str, config: str | None) -> None:
    """Let a disabled user sign in again."""
    with opened_database(load(config)) as db:
        accounts = _accounts(db, config)
        account = accounts.find(name)
        done = accounts.set_disabled(account.name, False, actor=_operator())
    click.echo(f"enabled {account.name}" if done else f"{account.name} was not disabled")


@user.command()
@click.argument("name", required=False)
@click.option("--address", help="Lift the lockout of this client address instead.")
@config_option
def unlock(name: str | None, address: str | None, config: str | None) -> None:
    """Lift a sign-in lockout now: of the account NAME, or of an --address."""
    if (name is None) == (address is None):
        raise WiredeskError("give either a user NAME or --address ADDRESS (one of them)")
    with opened_database(load(config)) as db:
        accounts = _accounts(db, config)
        accounts.unlock(name=name, address=address, actor=_operator())
    click.echo(f"sign-in unlocked for {name or address}")


@user.command(name="list")
@json_option
@config_option
def list_users(as_json: bool, config: str | None) -> None:
    """Every user: role, state (active, disabled, locked until ...), sessions."""
    settings = load(config)
    with opened_database(settings) as db:
        people = _accounts(db, config).people()
    tz = settings.site.timezone
    if as_json:
        for p in people:
            click.echo(
                json.dumps(
                    {
                        "name": p.account.name,
                        "role": p.account.role,
                        "disabled": p.account.disabled,
                        "locked_until": p.locked_until.isoformat() if p.locked_until else None,
                        "sessions": p.sessions,
                        "created_at": p.account.created_at.isoformat(),
                        "changed_at": p.account.changed_at.isoformat(),
                    }
                )
            )
        return
    if not people:
        click.echo("no users yet; add the first admin with `wiredesk user add NAME --role admin`")
        return
    rows = []
    for p in people:
        if p.account.disabled:
            state = "disabled"
        elif p.locked_until is not None:
            state = "locked until " + p.locked_until.astimezone(tz).strftime("%H:%M %Z")
        else:
            state = "active"
        changed = p.account.changed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        rows.append([p.account.name, p.account.role, state, str(p.sessions), changed])
    print_table(["NAME", "ROLE", "STATE", "SESSIONS", "CHANGED"], rows)
