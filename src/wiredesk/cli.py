"""The `wiredesk` command.

Expected failures (a bad settings file, an unreachable feed, a port in use) are printed as one
line, `wiredesk: error: ...`, and exit with code 2; a source that fails during
`ingest --once` is reported on its own line and makes the exit code 1. Anything else is a bug:
its traceback goes to a log file and the command exits with code 3.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import traceback
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from wiredesk import __version__
from wiredesk.config import DEFAULT_CONFIG_NAME, Settings, find_config_path, load_settings
from wiredesk.errors import WiredeskError

if TYPE_CHECKING:
    from wiredesk.store import Store

log = logging.getLogger("wiredesk")

EXIT_SOURCE_FAILED = 1
EXIT_USER_ERROR = 2
EXIT_BUG = 3
CRASH_LOG = Path(tempfile.gettempdir()) / "wiredesk-errors.log"


class _Group(click.Group):
    """Turns our exceptions into one-line messages and exit codes, for every subcommand."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WiredeskError as e:
            click.echo(f"wiredesk: error: {e}", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("wiredesk: interrupted", err=True)
            ctx.exit(130)
        except Exception as e:
            where = _log_crash()
            log.debug("unexpected error", exc_info=True)
            click.echo(
                f"wiredesk: internal error: {type(e).__name__}: {e} "
                f"(traceback in {where}; please report it)",
                err=True,
            )
            ctx.exit(EXIT_BUG)


def _log_crash() -> Path:
    try:
        with CRASH_LOG.open("a", encoding="utf-8") as f:
            f.write(f"--- {datetime.now().isoformat(timespec='seconds')} {sys.argv!r}\n")
            f.write(traceback.format_exc())
    except OSError:
        return Path("(no log: cannot write " + str(CRASH_LOG) + ")")
    return CRASH_LOG


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (test runners swap it), not the one at setup."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _setup_logging(verbose: bool) -> None:
    handler = _StderrHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # migrations at every start
    if not verbose:  # httpx logs every request at INFO; that is noise for operators
        logging.getLogger("httpx").setLevel(logging.WARNING)


def _settings(config: str | None) -> Settings:
    return load_settings(find_config_path(config))


config_option = click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    default=None,
    help=f"Settings file (default: ./{DEFAULT_CONFIG_NAME}, then $WIREDESK_CONFIG).",
)
host_option = click.option("--host", default="127.0.0.1", show_default=True, help="Address.")
port_option = click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port."
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wiredesk")
@click.option("-v", "--verbose", is_flag=True, help="Log details (and tracebacks) to stderr.")
def cli(verbose: bool) -> None:
    """Agency feeds in; a live news site and clean feeds out, automatically."""
    _setup_logging(verbose)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Create DIRECTORY with a commented wiredesk.toml, a data folder and a drop folder."""
    root = Path(directory)
    target = root / DEFAULT_CONFIG_NAME
    if target.exists():
        raise WiredeskError(
            f"{target} already exists; not overwriting it (edit it, or choose another folder)"
        )
    template = resources.files("wiredesk").joinpath("init_template.toml").read_text("utf-8")
    try:
        for folder in (root, root / "data", root / "inbox"):
            folder.mkdir(parents=True, exist_ok=True)
        target.write_text(template, encoding="utf-8")
    except OSError as e:
        raise WiredeskError(f"cannot write {target}: {e.strerror}") from None
    click.echo(f"wrote {target}")
    click.echo(f"next: edit it, put feed files into {root / 'inbox'}, then run:")
    click.echo(f"  cd {root} && wiredesk run")


@cli.command()
@config_option
@host_option
@port_option
def run(config: str | None, host: str, port: int) -> None:
    """Serve the site and poll every source, in one process."""
    from wiredesk.runtime import embedded

    settings = _settings(config)

    def ready() -> None:
        click.echo(
            f"wiredesk: serving {settings.site.name} at {_shown_url(host, port)} and polling "
            f"{len(settings.sources)} source(s); press Ctrl-C to stop",
            err=True,
        )

    embedded.run(settings, host, port, on_ready=ready)


@cli.command()
@config_option
@host_option
@port_option
def serve(config: str | None, host: str, port: int) -> None:
    """Serve the site only (run `wiredesk ingest` elsewhere to poll)."""
    from wiredesk.runtime import embedded

    settings = _settings(config)

    def ready() -> None:
        click.echo(
            f"wiredesk: serving {settings.site.name} at {_shown_url(host, port)}; "
            "press Ctrl-C to stop",
            err=True,
        )

    embedded.serve(settings, host, port, on_ready=ready)


@cli.command()
@config_option
@click.option("--once", is_flag=True, help="Poll every source once, report, and exit.")
def ingest(config: str | None, once: bool) -> None:
    """Poll sources: once (--once), or forever without a site."""
    from wiredesk.runtime import embedded
    from wiredesk.runtime.ingest import ingest_once

    settings = _settings(config)
    if not once:
        click.echo(
            f"wiredesk: polling {len(settings.sources)} source(s); press Ctrl-C to stop",
            err=True,
        )
        embedded.poll_forever(settings)
        return
    store = embedded.open_store(settings)
    try:
        reports = ingest_once(settings, store)
    finally:
        store.close()
    if not reports:
        click.echo(
            "no polled sources configured; add a [[sources]] table with url or folder "
            "(push-only sources receive at POST /ingest/<id>)"
        )
    for report in reports:
        click.echo(report.line())
    if any(not r.ok for r in reports):
        click.get_current_context().exit(EXIT_SOURCE_FAILED)


@cli.command()
@config_option
@click.option("--state", default=None, help="Only stories in this state (e.g. killed).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def items(config: str | None, state: str | None, as_json: bool) -> None:
    """List stories with their state, whatever the public may see."""
    from wiredesk.runtime import embedded
    from wiredesk.store import ITEM_STATES

    if state is not None and state not in ITEM_STATES:
        raise WiredeskError(
            f"--state: unknown state {state!r}; use one of: {', '.join(ITEM_STATES)}"
        )
    settings = _settings(config)
    store = embedded.open_store(settings)
    try:
        rows = store.list_items(state=state)
    finally:
        store.close()
    base = settings.site.base_url
    if as_json:
        for r in rows:
            record = {
                "short_id": r.short_id,
                "source": r.source_id,
                "guid": r.guid,
                "versions": r.version_count,
                "state": r.state,
                "url": base + r.path,
                "headline": r.headline,
                "published_at": r.published_at.isoformat(),
                "killed_at": r.killed_at.isoformat() if r.killed_at else None,
                "kill_reason": r.kill_reason,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    if not rows:
        click.echo("no stories" + (f" in state {state}" if state else ""), err=True)
        return
    table = [
        (r.short_id, r.source_id, str(r.version_count), r.state, base + r.path, r.headline)
        for r in rows
    ]
    header = ("ID", "SOURCE", "VER", "STATE", "URL", "HEADLINE")
    if sys.stdout.isatty():
        _rich_table(header, table)
        return
    # Plain text for pipes: columns padded, the headline last so its script's width
    # (Devanagari combining marks) cannot break the alignment.
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header) - 1)]
    for row in [header, *table]:
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]))


def _rich_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*header, box=None, header_style="bold")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


@cli.command()
@click.argument("ref")
@click.option("--reason", required=True, help="Why it is taken down (kept in the audit log).")
@config_option
def kill(ref: str, reason: str, config: str | None) -> None:
    """Take a story down on every channel, for good.

    REF is the article URL or path, its short id, or SOURCE:GUID. Its URL then answers
    410 Gone, and no later agency version brings it back.
    """
    from wiredesk.model import utcnow
    from wiredesk.runtime import embedded

    if not reason.strip():
        raise WiredeskError("--reason: must not be empty; say why the story is taken down")
    settings = _settings(config)
    store = embedded.open_store(settings)
    try:
        item_id = _find_story(store, ref, "wiredesk items")
        short_id, path, was_down = _item_where(store, item_id)
        url = settings.site.base_url + path
        actor = f"editor {os.environ.get('USER') or 'cli'}"
        if not store.kill(item_id, reason=reason.strip(), actor=actor, now=utcnow()):
            click.echo(f"{short_id} is already killed ({url}); nothing to do")
            return
    finally:
        store.close()
    if was_down:
        click.echo(f"{short_id} was already down (agency kill); now killed for good: {url}")
    else:
        click.echo(f"killed {short_id}: {url} now answers 410 Gone on every channel")


@cli.command()
@click.argument("ref")
@config_option
def approve(ref: str, config: str | None) -> None:
    """Publish a story held for editors (from a source with auto_publish = false).

    REF is the article URL or path, its short id, or SOURCE:GUID (`wiredesk items --state
    held` lists them). The agency's own word still applies: an embargo or a kill is kept.
    """
    from wiredesk.model import utcnow
    from wiredesk.runtime import embedded

    settings = _settings(config)
    store = embedded.open_store(settings)
    try:
        item_id = _find_story(store, ref, "wiredesk items --state held")
        short_id, path, _ = _item_where(store, item_id)
        actor = f"editor {os.environ.get('USER') or 'cli'}"
        approved = store.approve(item_id, actor=actor, now=utcnow())
    finally:
        store.close()
    url = settings.site.base_url + path
    if approved:
        click.echo(f"approved {short_id}: {url}")
    else:
        click.echo(f"{short_id} was not held; nothing to do ({url})")


def _find_story(store: Store, ref: str, listing: str) -> int:
    """The item a person named, or one line saying how to name it (`listing` shows them)."""
    item_id = store.find_item(ref)
    if item_id is None:
        raise WiredeskError(
            f"no story matches {ref!r}; pass its URL, path, short id or SOURCE:GUID "
            f"(see `{listing}`)"
        )
    return item_id


def _item_where(store: Store, item_id: int) -> tuple[str, str, bool]:
    """(short id, article path, already killed) of one item, for the kill command's answer."""
    from sqlalchemy import select

    from wiredesk.store.schema import items as t

    with store.engine.connect() as conn:
        r = conn.execute(
            select(t.c.short_id, t.c.section, t.c.slug, t.c.killed_at).where(t.c.id == item_id)
        ).one()
    return r.short_id, f"/{r.section}/{r.slug}-{r.short_id}", r.killed_at is not None


@cli.command()
@port_option
@click.option("--no-update", is_flag=True, help="Do not drop a story update after ~20 s.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep the demo's files here (default: a temporary folder, removed on exit).",
)
@click.option("--update-after", type=float, default=20.0, hidden=True)  # for tests
def demo(port: int, no_update: bool, directory: str | None, update_after: float) -> None:
    """A Hindi demo site from bundled sample feeds, live on your machine."""
    from wiredesk.demo.runner import run_demo

    run_demo(
        port=port,
        update=not no_update,
        directory=Path(directory) if directory else None,
        update_after=update_after,
    )


@cli.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def stories(config: str | None, as_json: bool) -> None:
    """List every story copy with the story it belongs to and that story's lead.

    One line per item, tab-separated: URL, GUID (as the source sent it), SOURCE, STORY ID,
    LEAD URL, ORIGINATOR. The lead is the one the public sees now (`[site] duplicates`).
    """
    from wiredesk.model import utcnow
    from wiredesk.runtime import embedded
    from wiredesk.store.stories import story_rows

    settings = _settings(config)
    store = embedded.open_store(settings)
    try:
        rows = story_rows(store, utcnow())
    finally:
        store.close()
    base = settings.site.base_url
    for r in rows:
        record = {
            "uri": base + r.path,
            "guid": r.guid,
            "source": r.source_id,
            "story_id": r.story_id,
            "lead_uri": base + r.lead_path,
            "originator": r.originator,
        }
        if as_json:
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo("\t".join("" if v is None else str(v) for v in record.values()))
    if not rows and not as_json:
        click.echo("no stories yet", err=True)


@cli.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def sources(config: str | None, as_json: bool) -> None:
    """Show each source's health: state, last success and error, next poll, recent items."""
    from wiredesk.model import utcnow
    from wiredesk.runtime import embedded
    from wiredesk.store.health import source_health

    settings = _settings(config)
    store = embedded.open_store(settings)
    now = utcnow()
    try:
        rows = source_health(store, settings, now)
    finally:
        store.close()
    if as_json:
        for r in rows:
            click.echo(json.dumps(r.as_json(), ensure_ascii=False))
        return
    if not rows:
        click.echo("no sources configured; add a [[sources]] table to the settings file", err=True)
        return
    tz = settings.site.timezone
    header = ("SOURCE", "STATE", "LAST SUCCESS", "NEXT POLL", "24H", "URL", "LAST ERROR")
    table = [
        (
            r.id,
            r.state,
            _when(r.last_success_at, now, tz),
            _when(r.next_poll_at, now, tz),
            str(r.items_24h),
            f"{r.url} (moved from {r.configured_url})" if r.moved else r.url,
            r.last_error or "",
        )
        for r in rows
    ]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        grid = Table(box=None, header_style="bold")
        for name in header:  # times and URLs stay whole; the error wraps
            grid.add_column(name, no_wrap=name != "LAST ERROR", overflow="fold")
        colour = {"ok": "green", "failing": "red", "backing off": "red", "never polled": "yellow"}
        for row in table:
            state = f"[{colour.get(row[1], 'default')}]{row[1]}[/]"
            grid.add_row(row[0], state, *(escape(cell) for cell in row[2:]))
        Console().print(grid)
        return
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header) - 1)]
    for row in [header, *table]:
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


@cli.command("quarantine")
@config_option
@click.option("--all", "include_resolved", is_flag=True, help="Also rows already resolved.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def quarantine_cmd(config: str | None, include_resolved: bool, as_json: bool) -> None:
    """List items (and payloads) held back because they could not go through, with why.

    Fix the cause (or upgrade), then `wiredesk reprocess ENVELOPE` or `--all`.
    """
    from wiredesk.runtime import embedded
    from wiredesk.store import quarantine

    settings = _settings(config)
    store = embedded.open_store(settings)
    try:
        rows = quarantine.list_rows(store, include_resolved=include_resolved)
    finally:
        store.close()
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
    header = ("ID", "WHEN", "SOURCE", "ENVELOPE", "GUID", "STAGE", "REASON")
    table = [
        (
            str(r.id),
            r.quarantined_at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
            r.source_id,
            str(r.envelope_id),
            _clip(r.guid or "(whole payload)", 60),
            r.stage + (" (resolved)" if r.resolved_at else ""),
            r.reason,
        )
        for r in rows
    ]
    if sys.stdout.isatty():
        _rich_table(header, table)
        return
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(len(header) - 1)]
    for row in [header, *table]:
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cli.command()
@config_option
@click.argument("envelope_id", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Every failed or quarantined envelope.")
def reprocess(config: str | None, envelope_id: int | None, every: bool) -> None:
    """Read stored payloads again: ENVELOPE_ID, or --all failed and quarantined ones.

    Use after fixing a source's settings or upgrading wiredesk. Items already saved are not
    changed; quarantined items that now go through are marked resolved.
    """
    from wiredesk.runtime import embedded
    from wiredesk.runtime.ingest import reprocess_envelope
    from wiredesk.store import quarantine

    if (envelope_id is None) == (not every):
        raise WiredeskError(
            "give one envelope id or --all (see `wiredesk quarantine` for the envelopes)"
        )
    settings = _settings(config)
    store = embedded.open_store(settings)
    try:
        ids = quarantine.envelopes_to_retry(store) if every else [envelope_id]
        results = [reprocess_envelope(settings, store, i) for i in ids if i is not None]
    finally:
        store.close()
    if not results:
        click.echo("nothing to reprocess: no failed envelopes and nothing quarantined")
        return
    failed = [r for r in results if r.error]
    still = sum(r.still_quarantined for r in results if not r.error)
    click.echo(
        f"reprocessed {len(results)} envelope(s): {sum(r.saved for r in results)} item(s) in "
        f"({sum(r.new_stories for r in results)} new stories, "
        f"{sum(r.new_versions for r in results)} new versions), "
        f"{sum(r.resolved for r in results)} quarantine row(s) resolved, "
        f"{still} item(s) still quarantined, {len(failed)} payload(s) still unreadable"
        + (f" (first: envelope {failed[0].envelope_id}: {failed[0].error})" if failed else "")
    )
    if failed or still:
        click.get_current_context().exit(EXIT_SOURCE_FAILED)


def _when(value: datetime | None, now: datetime, tz: Any) -> str:
    """A time in the site's zone with how long ago (or until) it is: what an operator asks."""
    if value is None:
        return "-"
    local = value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    return f"{local} ({_relative(value - now)})"


def _relative(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    future, seconds = seconds > 0, abs(seconds)
    if seconds < 60:
        return "due now" if future else "just now"
    if seconds < 3600:
        amount = f"{seconds // 60} min"
    elif seconds < 86400:
        amount = f"{seconds // 3600} h"
    else:
        amount = f"{seconds // 86400} d"
    return f"in {amount}" if future else f"{amount} ago"


def _shown_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def main() -> None:
    cli(prog_name="wiredesk")


if __name__ == "__main__":
    main()
