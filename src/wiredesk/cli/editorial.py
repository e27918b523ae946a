"""Editors' acts from the command line: take a copy down for good, approve a held one.

Each act is audited with the editor's name (`$USER`, else "cli").
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from wiredesk.cli.output import config_option, load, opened_database, shown_url_of
from wiredesk.errors import WiredeskError

if TYPE_CHECKING:
    from wiredesk.store.database import Database
    from wiredesk.store.operator import CopyStatus


@click.command()
@click.argument("ref")
@click.option("--reason", required=True, help="Why it is taken down (kept in the audit log).")
@config_option
def kill(ref: str, reason: str, config: str | None) -> None:
    """Take a copy down on every channel, for good.

    REF is the article URL or path, its short id, or SOURCE:GUID. Its URL then answers
    410 Gone, and no later agency version brings it back.
    """
    from wiredesk.model import utcnow
    from wiredesk.store.ledger import editorial

    if not reason.strip():
        raise WiredeskError("--reason: must not be empty; say why the story is taken down")
    settings = load(config)
    with opened_database(settings) as db:
        item_id, copy = _find(db, ref, "wiredesk items")
        url = shown_url_of(settings, copy.path, copy.language)
        actor = editorial.editor(os.environ.get("USER") or "cli")
        if not editorial.kill(db, item_id, reason=reason.strip(), actor=actor, now=utcnow()):
            click.echo(f"{copy.short_id} is already killed ({url}); nothing to do")
            return
    if copy.killed_at is not None:
        click.echo(f"{copy.short_id} was already down (agency kill); now killed for good: {url}")
    else:
        click.echo(f"killed {copy.short_id}: {url} now answers 410 Gone on every channel")


@click.command()
@click.argument("ref")
@config_option
def approve(ref: str, config: str | None) -> None:
    """Publish a copy held for editors (from a source with auto_publish = false).

    REF is the article URL or path, its short id, or SOURCE:GUID (`wiredesk items --state
    held` lists them). The agency's own word still applies: an embargo or a kill is kept.
    """
    from wiredesk.model import utcnow
    from wiredesk.store.ledger import editorial

    settings = load(config)
    with opened_database(settings) as db:
        item_id, copy = _find(db, ref, "wiredesk items --state held")
        actor = editorial.editor(os.environ.get("USER") or "cli")
        approved = editorial.approve(db, item_id, actor=actor, now=utcnow())
    url = shown_url_of(settings, copy.path, copy.language)
    if approved:
        click.echo(f"approved {copy.short_id}: {url}")
    else:
        click.echo(f"{copy.short_id} was not held; nothing to do ({url})")


def _find(db: Database, ref: str, listing: str) -> tuple[int, CopyStatus]:
    """The copy a person named and its status, or one line saying how to name it (`listing`
    shows them)."""
    from wiredesk.store import operator
    from wiredesk.store.ledger import editorial

    item_id = editorial.find_copy(db, ref)
    if item_id is None:
        raise WiredeskError(
            f"no story matches {ref!r}; pass its URL, path, short id or SOURCE:GUID "
            f"(see `{listing}`)"
        )
    return item_id, operator.copy_statuses(db, item_id=item_id)[0]
