"""Editors' acts from the command line: take a story (or one copy) down, restore a story,
approve a held copy.

Each act is audited with the editor's name (`$USER`, else "cli").
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from wiredesk.cli.output import config_option, load, opened_database, shown_url_of
from wiredesk.errors import WiredeskError

if TYPE_CHECKING:
    from wiredesk.config import Settings
    from wiredesk.store.database import Database
    from wiredesk.store.operator import CopyStatus


@click.command()
@click.argument("ref")
@click.option("--reason", required=True, help="Why it is taken down (kept in the audit log).")
@click.option(
    "--copy",
    "one_copy",
    is_flag=True,
    help="Take down only the copy REF names; the story stays up, led by another agency's copy.",
)
@config_option
def kill(ref: str, reason: str, one_copy: bool, config: str | None) -> None:
    """Take a story down: every copy of it, on every channel, now and for copies that
    arrive later.

    REF is a copy's article URL or path, its short id or SOURCE:GUID (its story is taken
    down), or a story id (`story:123`, or `123`, as `wiredesk stories` prints it). Every
    copy's URL then answers 410 Gone saying the editors withdrew the story, and a copy of it
    that arrives later from any agency is stored but never shown. No agency version undoes
    it; `wiredesk restore` does.

    With --copy, only that one copy goes down, for good, and the story stays up with another
    agency's copy leading it.
    """
    from wiredesk.model import utcnow
    from wiredesk.store.ledger import editorial, takedowns

    reason = _reason(reason, "taken down")
    settings = load(config)
    with opened_database(settings) as db:
        actor = editorial.editor(os.environ.get("USER") or "cli")
        if one_copy:
            _kill_copy(settings, db, ref, reason, actor)
            return
        story_id = _find_story(db, ref, "wiredesk items")
        act = takedowns.take_down(db, story_id, reason=reason, actor=actor, now=utcnow())
        copies = _copies(settings, db, story_id)
    if not act.done:
        assert act.takedown is not None
        click.echo(f"{act.takedown.describe()}; already down, nothing to do")
        return
    n = len(act.item_ids)
    click.echo(
        f"story {story_id}: {n} {'copy' if n == 1 else 'copies'} down ({copies}); "
        "later copies of it will stay down"
    )


def _kill_copy(settings: Settings, db: Database, ref: str, reason: str, actor: str) -> None:
    """`kill --copy`: one copy down for good; says how its story stands after."""
    from wiredesk.model import utcnow
    from wiredesk.store import operator
    from wiredesk.store.ledger import editorial
    from wiredesk.store.public.gate import best_first

    if ref.strip().startswith("story:"):
        raise WiredeskError(
            f"--copy: {ref!r} names a story; pass a copy's URL, short id or SOURCE:GUID "
            "(see `wiredesk stories`), or leave out --copy to take the whole story down"
        )
    item_id, copy = _find(db, ref, "wiredesk items")
    url = shown_url_of(settings, copy.path, copy.language)
    if not editorial.kill(db, item_id, reason=reason, actor=actor, now=utcnow()):
        click.echo(f"{copy.short_id} is already killed ({url}); nothing to do")
        return
    first = (
        f"{copy.short_id} was already down (agency kill); now killed for good: {url}"
        if copy.killed_at is not None
        else f"killed {copy.short_id}: {url} now answers 410 Gone on every channel"
    )
    if copy.story_id is None:
        click.echo(first)
        return
    others = [
        r
        for r in operator.copy_statuses(db, story_id=copy.story_id, limit=None)
        if r.short_id != copy.short_id and r.state == "published"
    ]
    if not others:
        click.echo(f"{first}; no other copy of story {copy.story_id} is public")
        return
    lead = best_first(others, db.policy)[0]
    click.echo(
        f"{first}; story {copy.story_id} stays up, led by "
        f"{_name(settings, lead.source_id)} {shown_url_of(settings, lead.path, lead.language)}"
    )


@click.command()
@click.argument("story")
@click.option("--reason", required=True, help="Why it is restored (kept in the audit log).")
@config_option
def restore(story: str, reason: str, config: str | None) -> None:
    """Put a story taken down by `wiredesk kill` back up.

    STORY is a story id (`story:123`, or `123`) or any of its copies' URL, path, short id or
    SOURCE:GUID. Each copy is then public again as its own state allows: a copy killed on
    its own (`kill --copy`, or by its agency) stays down.
    """
    from wiredesk.model import utcnow
    from wiredesk.store.ledger import editorial, takedowns

    reason = _reason(reason, "restored")
    settings = load(config)
    with opened_database(settings) as db:
        story_id = _find_story(db, story, "wiredesk items --state withdrawn")
        actor = editorial.editor(os.environ.get("USER") or "cli")
        act = takedowns.restore(db, story_id, reason=reason, actor=actor, now=utcnow())
        rows = _statuses(db, story_id)
    if not act.done:
        click.echo(f"story {story_id} is not taken down; nothing to do")
        return
    public = [r for r in rows if r.state == "published"]
    listed = ", ".join(
        f"{_name(settings, r.source_id)} {shown_url_of(settings, r.path, r.language)}"
        for r in public
    )
    still = len(rows) - len(public)
    click.echo(
        f"story {story_id} restored: {len(public)} of {len(rows)} copies public"
        + (f" ({listed})" if listed else "")
        + (
            f"; {still} stay down or hidden by their own state (see `wiredesk items`)"
            if still
            else ""
        )
    )


@click.command()
@click.argument("ref")
@config_option
def approve(ref: str, config: str | None) -> None:
    """Publish a copy held for editors (its source has auto_publish = false, or a rule held it).

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


def _reason(reason: str, done: str) -> str:
    if not reason.strip():
        raise WiredeskError(f"--reason: must not be empty; say why the story is {done}")
    return reason.strip()


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


def _find_story(db: Database, ref: str, listing: str) -> int:
    """The story a person named (by its id or any of its copies), or one line saying how."""
    from wiredesk.store.ledger import takedowns

    story_id = takedowns.find_story(db, ref)
    if story_id is None:
        raise WiredeskError(
            f"no story matches {ref!r}; pass a copy's URL, path, short id or SOURCE:GUID, "
            f"or a story id (see `{listing}` and `wiredesk stories`)"
        )
    return story_id


def _statuses(db: Database, story_id: int) -> list[CopyStatus]:
    """The story's copies, oldest first."""
    from wiredesk.store import operator

    return list(reversed(operator.copy_statuses(db, story_id=story_id, limit=None)))


def _copies(settings: Settings, db: Database, story_id: int) -> str:
    """ "IANS <url>, PTI <url>": each copy of the story by its agency's name, oldest first."""
    return ", ".join(
        f"{_name(settings, r.source_id)} {shown_url_of(settings, r.path, r.language)}"
        for r in _statuses(db, story_id)
    )


def _name(settings: Settings, source_id: str) -> str:
    source = settings.source(source_id)
    return source.name if source is not None else source_id
