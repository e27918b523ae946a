"""`wiredesk apikey add|list|revoke`: keys for the subscribers' API (`/api/v1/`).

A key is shown once, when it is made; the database keeps only its SHA-256, so a lost key is
revoked and a new one made, never recovered.
"""

from __future__ import annotations

import json

import click

from wiredesk.cli.output import config_option, json_option, load, opened_database
from wiredesk.errors import WiredeskError


@click.group()
def apikey() -> None:
    """Keys for the subscribers' API (/api/v1/): add, list, revoke."""


@apikey.command()
@click.argument("name")
@click.option(
    "--sources",
    default=None,
    help="Comma-separated source ids the key may read (default: every source).",
)
@click.option(
    "--rate",
    type=int,
    default=None,
    help="Requests a minute the key may make (default: 600), per serving process.",
)
@config_option
def add(name: str, sources: str | None, rate: int | None, config: str | None) -> None:
    """Make a key called NAME and print it (the only time it is shown)."""
    from wiredesk.model import utcnow
    from wiredesk.store.ledger import api_keys

    settings = load(config)
    scope: list[str] | None = None
    if sources is not None:
        scope = [s.strip() for s in sources.split(",") if s.strip()]
        known = {s.id for s in settings.sources}
        unknown = [s for s in scope if s not in known]
        if unknown:
            raise WiredeskError(
                f"--sources: no source {', '.join(map(repr, unknown))} in {settings.path}; "
                f"the configured ones are: {', '.join(sorted(known)) or '(none)'}"
            )
    with opened_database(settings) as db:
        secret = api_keys.add(
            db,
            name,
            sources=scope,
            now=utcnow(),
            rate_per_minute=api_keys.DEFAULT_RATE if rate is None else rate,
        )
    click.echo(secret)
    click.echo(
        f"API key {name!r} made for {', '.join(scope) if scope else 'every source'}. "
        "It is shown only now: keep it; wiredesk stores only its hash.",
        err=True,
    )


@apikey.command(name="list")
@json_option
@config_option
def list_keys(as_json: bool, config: str | None) -> None:
    """Every key: name, sources, rate, when made, whether revoked (never the key)."""
    from wiredesk.store.public.api_keys import all_keys

    settings = load(config)
    with opened_database(settings) as db:
        keys = all_keys(db.engine)
    for k in keys:
        sources = sorted(k.sources) if k.sources is not None else None
        if as_json:
            row = {
                "name": k.name,
                "sources": sources,
                "rate_per_minute": k.rate_per_minute,
                "created_at": k.created_at.isoformat(),
                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
            }
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}Z" if k.revoked_at else "active"
        click.echo(
            f"{k.name}\t{','.join(sources) if sources else '(all sources)'}\t"
            f"{k.rate_per_minute}/min\tmade {k.created_at:%Y-%m-%d %H:%M}Z\t{state}"
        )
    if not keys and not as_json:
        click.echo("no API keys; make one with `wiredesk apikey add NAME`", err=True)


@apikey.command()
@click.argument("name")
@config_option
def revoke(name: str, config: str | None) -> None:
    """Revoke the key called NAME: requests with it answer 401 from now on."""
    from wiredesk.model import utcnow
    from wiredesk.store.ledger import api_keys

    settings = load(config)
    with opened_database(settings) as db:
        done = api_keys.revoke(db, name, now=utcnow())
    click.echo(f"revoked API key {name!r}" if done else f"API key {name!r} was revoked already")
