"""What an operator asks at 3 a.m.: every copy's state, the stories, each source's health,
what is quarantined and why — and reading stored payloads again after a fix."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from wiredesk.cli.output import (
    EXIT_SOURCE_FAILED,
    clip,
    config_option,
    json_option,
    load,
    opened_database,
    print_table,
    public_url,
    shown_url_of,
    when,
)
from wiredesk.errors import WiredeskError

if TYPE_CHECKING:
    from wiredesk.channels.health import SourceHealth

ITEMS_LIMIT = 1000  # `wiredesk items` without --limit or --all

_STATE_COLOURS = {"ok": "green", "failing": "red", "backing off": "red", "never polled": "yellow"}


@click.command()
@config_option
@click.option(
    "--state",
    default=None,
    help="Only copies in this state (e.g. killed; withdrawn: their story was taken down).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=ITEMS_LIMIT,
    show_default=True,
    help="Show at most this many copies, newest first.",
)
@click.option("--all", "show_all", is_flag=True, help="Show every copy, however many.")
@json_option
def items(config: str | None, state: str | None, limit: int, show_all: bool, as_json: bool) -> None:
    """List copies with their state, whatever the public may see.

    RULE is what decided a copy's state when it arrived: the routing rule that matched
    (`[[rules]]` in the settings), or "source mode" (the source's `auto_publish`).

    Newest first, at most --limit of them (1,000 unless told); when there are more, a line on
    stderr says so, so a cut list is never mistaken for the whole archive. Copies in a
    language the site has no edition in are listed too, stored but not published: their URL
    reads "(not published: no en edition)" (in JSON, `"url": null`).
    """
    from wiredesk.store import operator

    if state is not None and state not in operator.COPY_STATES:
        raise WiredeskError(
            f"--state: unknown state {state!r}; use one of: {', '.join(operator.COPY_STATES)}"
        )
    settings = load(config)
    with opened_database(settings) as db:
        # one row more than shown: whether the list is cut, without counting the archive
        rows = operator.copy_statuses(db, state=state, limit=None if show_all else limit + 1)
    cut = not show_all and len(rows) > limit
    rows = rows[:limit] if cut else rows
    if as_json:
        for r in rows:
            record = {
                "short_id": r.short_id,
                "source": r.source_id,
                "guid": r.guid,
                "versions": r.version_count,
                "state": r.state,
                "language": r.language,
                "url": public_url(settings, r.path, r.language),
                "headline": r.headline,
                "published_at": r.published_at.isoformat(),
                "killed_at": r.killed_at.isoformat() if r.killed_at else None,
                "kill_reason": r.kill_reason,
                "story_id": r.story_id,
                # the story's takedown by the editors (state "withdrawn")
                "withdrawn_at": r.withdrawn_at.isoformat() if r.withdrawn_at else None,
                "withdrawn_by": r.withdrawn_by,
                "withdrawn_reason": r.withdrawn_reason,
                # the routing rule that published or held it on arrival, or "source mode"
                "decided_by": r.decided_by,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
    elif not rows:
        click.echo("no stories" + (f" in state {state}" if state else ""), err=True)
    else:
        print_table(
            ("ID", "SOURCE", "VER", "STATE", "LANG", "URL", "RULE", "HEADLINE"),
            [
                (
                    r.short_id,
                    r.source_id,
                    str(r.version_count),
                    r.state,
                    r.language or "und",
                    shown_url_of(settings, r.path, r.language),
                    r.decided_by,
                    r.headline,
                )
                for r in rows
            ],
        )
    if cut:
        click.echo(
            f"wiredesk: showing the newest {limit:,} copies; there are more "
            "(use --limit N or --all)",
            err=True,
        )


@click.command()
@config_option
@json_option
def stories(config: str | None, as_json: bool) -> None:
    """List every copy with the story it belongs to and that story's lead.

    One line per copy, tab-separated: URL, GUID (as the source sent it), SOURCE, STORY ID,
    LEAD URL, ORIGINATOR. The lead is the one the public sees now (`[site] duplicates`).
    """
    from wiredesk.model import utcnow
    from wiredesk.store import operator

    settings = load(config)
    with opened_database(settings) as db:
        rows = operator.memberships(db, utcnow())
    for r in rows:
        record = {
            "uri": shown_url_of(settings, r.path, r.language),
            "guid": r.guid,
            "source": r.source_id,
            "story_id": r.story_id,
            "lead_uri": shown_url_of(settings, r.lead_path, r.language),
            "originator": r.originator,
        }
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo("\t".join("" if v is None else str(v) for v in record.values()))
    if not rows and not as_json:
        click.echo("no stories yet", err=True)


@click.command()
@config_option
@json_option
def sources(config: str | None, as_json: bool) -> None:
    """Show each source's health: state, last success and error, next poll, recent items."""
    from wiredesk.channels.health import source_health
    from wiredesk.model import utcnow

    settings = load(config)
    now = utcnow()
    with opened_database(settings) as db:
        rows = source_health(db.engine, settings, now)
    if as_json:
        for r in rows:
            click.echo(json.dumps(r.as_json(), ensure_ascii=False))
        return
    if not rows:
        click.echo("no sources configured; add a [[sources]] table to the settings file", err=True)
        return
    tz = settings.site.timezone
    print_table(
        ("SOURCE", "STATE", "LAST SUCCESS", "NEXT POLL", "24H", "URL", "LAST ERROR"),
        [
            (
                r.id,
                r.state,
                when(r.last_success_at, now, tz),
                when(r.next_poll_at, now, tz),
                str(r.items_24h),
                f"{r.url} (moved from {r.configured_url})" if r.moved else r.url,
                _problems(r),
            )
            for r in rows
        ],
        wrap="LAST ERROR",  # times and URLs stay whole; the error wraps
        colours={1: _STATE_COLOURS},
    )


@click.command()
@config_option
@click.option(
    "--remake",
    is_flag=True,
    help="Make every picture's sizes again from its original (after an upgrade, or damage).",
)
def pictures(config: str | None, remake: bool) -> None:
    """Show the pictures the site hosts: how many, their room on disk, what failed lately."""
    from wiredesk.channels.health import source_health
    from wiredesk.ingest.pictures.worker import remake_all
    from wiredesk.model import utcnow
    from wiredesk.store.public.media import media_root

    settings = load(config)
    root = media_root(settings.site.data_dir)
    with opened_database(settings) as db:
        if remake:
            done, missing = remake_all(settings, db)
            click.echo(f"re-made the sizes of {done:,} picture(s) in {root}")
            if missing:
                click.echo(
                    f"{len(missing):,} picture(s) have no original left (pruned?); their sizes "
                    f"are kept as they are: {', '.join(m[:12] for m in missing[:5])}"
                    + (" …" if len(missing) > 5 else ""),
                    err=True,
                )
            return
        rows = source_health(db.engine, settings, utcnow())
    originals = renditions = 0
    count = 0
    if root.is_dir():
        for path in root.rglob("*"):
            if path.suffix == ".original":
                originals += path.stat().st_size
                count += 1
            elif path.suffix in (".webp", ".jpg"):
                renditions += path.stat().st_size
    hosting = [s.id for s in settings.sources if s.hosts_pictures]
    click.echo(f"{count:,} picture(s) hosted in {root}")
    click.echo(f"  originals:  {originals / 2**20:,.1f} MiB")
    click.echo(f"  renditions: {renditions / 2**20:,.1f} MiB")
    named = ", ".join(hosting) or 'none (no source says images = "host")'
    click.echo(f"sources hosting pictures: {named}")
    for r in rows:
        if r.pictures_failed_24h:
            click.echo(
                f"{r.id}: {r.pictures_failed_24h} picture(s) not hosted in 24 h; "
                f"last: {r.last_picture_error}"
            )


def _problems(row: SourceHealth) -> str:
    """The source's last error, and its pictures the site could not host lately."""
    parts = [row.last_error] if row.last_error else []
    if row.pictures_failed_24h:
        parts.append(
            f"{row.pictures_failed_24h} picture(s) not hosted in 24 h; last: "
            f"{row.last_picture_error or '?'}"
        )
    return "; ".join(parts)


@click.command()
@config_option
@click.option("--all", "include_resolved", is_flag=True, help="Also rows already resolved.")
@json_option
def quarantine(config: str | None, include_resolved: bool, as_json: bool) -> None:
    """List items (and payloads) held back because they could not go through, with why.

    Fix the cause (or upgrade), then `wiredesk reprocess ENVELOPE` or `--all`.
    """
    from wiredesk.store.ledger import quarantine as held

    settings = load(config)
    with opened_database(settings) as db:
        rows = held.list_rows(db, include_resolved=include_resolved)
    if as_json:
        for r in rows:
            click.echo(json.dumps(r.as_json(), ensure_ascii=False))
        return
    if not rows:
        click.echo(
            "nothing quarantined" if not include_resolved else "no quarantine rows", err=True
        )
        return
    tz = settings.site.timezone
    print_table(
        ("ID", "WHEN", "SOURCE", "ENVELOPE", "GUID", "STAGE", "REASON"),
        [
            (
                str(r.id),
                r.quarantined_at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
                r.source_id,
                str(r.envelope_id),
                clip(r.guid or "(whole payload)", 60),
                r.stage + (" (resolved)" if r.resolved_at else ""),
                r.reason,
            )
            for r in rows
        ],
    )


@click.command()
@config_option
@click.argument("envelope_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Every failed or quarantined envelope.")
def reprocess(config: str | None, envelope_id: int | None, every: bool) -> None:
    """Read stored payloads again: ENVELOPE_ID, or --all failed and quarantined ones.

    Use after fixing a source's settings or upgrading wiredesk. Items already saved are not
    changed; quarantined items that now go through are marked resolved.
    """
    from wiredesk.ingest.reprocess import reprocess_envelope
    from wiredesk.store.ledger import quarantine as held

    if (envelope_id is None) == (not every):
        raise WiredeskError(
            "give one envelope id or --all (see `wiredesk quarantine` for the envelopes)"
        )
    settings = load(config)
    with opened_database(settings) as db:
        ids = held.envelopes_to_retry(db) if every else [envelope_id]
        results = [reprocess_envelope(settings, db, i) for i in ids if i is not None]
    if not results:
        click.echo("nothing to reprocess: no failed envelopes and nothing quarantined")
        return
    failed = [r for r in results if r.error]
    still = sum(r.still_quarantined for r in results if not r.error)
    dropped = sum(r.dropped for r in results)
    click.echo(
        f"reprocessed {len(results)} envelope(s): {sum(r.saved for r in results)} item(s) in "
        f"({sum(r.new_stories for r in results)} new stories, "
        f"{sum(r.new_versions for r in results)} new versions), "
        + (f"{dropped} item(s) dropped by rules, " if dropped else "")
        + f"{sum(r.resolved for r in results)} quarantine row(s) resolved, "
        f"{still} item(s) still quarantined, {len(failed)} payload(s) still unreadable"
        + (f" (first: envelope {failed[0].envelope_id}: {failed[0].error})" if failed else "")
    )
    if failed or still:
        click.get_current_context().exit(EXIT_SOURCE_FAILED)
