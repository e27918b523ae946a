"""Starting wiredesk: a new site's folder, the site and the poller, one poll, the demo."""

from __future__ import annotations

import contextlib
import shlex
import sys
from importlib import resources
from pathlib import Path

import click

from wiredesk.cli.output import (
    EXIT_SOURCE_FAILED,
    config_option,
    host_option,
    load,
    opened_database,
    port_option,
    shown_url,
)
from wiredesk.config import DEFAULT_CONFIG_NAME, Settings
from wiredesk.errors import WiredeskError


@click.command()
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


@click.command()
@config_option
@host_option
@port_option
def run(config: str | None, host: str, port: int) -> None:
    """Serve the site and poll every source, in one process."""
    from wiredesk.runtime import embedded

    settings = load(config)

    def ready() -> None:
        click.echo(
            f"wiredesk: serving {settings.site.name} at {shown_url(host, port)} and polling "
            f"{len(settings.sources)} source(s); press Ctrl-C to stop",
            err=True,
        )

    with _sole_poller(settings):
        embedded.run(settings, host, port, on_ready=ready)


@click.command()
@config_option
@host_option
@port_option
def serve(config: str | None, host: str, port: int) -> None:
    """Serve the site only (run `wiredesk ingest` elsewhere to poll)."""
    from wiredesk.runtime import embedded

    settings = load(config)

    def ready() -> None:
        click.echo(
            f"wiredesk: serving {settings.site.name} at {shown_url(host, port)}; "
            "press Ctrl-C to stop",
            err=True,
        )

    embedded.serve(settings, host, port, on_ready=ready)


@click.command()
@config_option
@click.option("--once", is_flag=True, help="Poll every source once, report, and exit.")
def ingest(config: str | None, once: bool) -> None:
    """Poll sources: once (--once), or forever without a site."""
    settings = load(config)
    if not once:
        from wiredesk.runtime import embedded  # the long-running loop; --once needs no server

        with _sole_poller(settings):
            click.echo(
                f"wiredesk: polling {len(settings.sources)} source(s); press Ctrl-C to stop",
                err=True,
            )
            embedded.poll_forever(settings)
        return
    from wiredesk.ingest.pictures.worker import fetch_pictures_once
    from wiredesk.ingest.polling import ingest_once

    with _sole_poller(settings), opened_database(settings) as db:
        reports = ingest_once(settings, db)
        fetch_pictures_once(settings, db)  # `images = "host"` sources: their new pictures
    if not reports:
        click.echo(
            "no polled sources configured; add a [[sources]] table with url or folder "
            "(push-only sources receive at POST /ingest/<id>)"
        )
    for report in reports:
        click.echo(report.line())
    if any(not r.ok for r in reports):
        click.get_current_context().exit(EXIT_SOURCE_FAILED)


def _sole_poller(settings: Settings) -> contextlib.AbstractContextManager[None]:
    """On SQLite, the database's poller lock for this command, or a refusal naming the
    process that holds it (runtime/poller_lock.py); on PostgreSQL nothing."""
    from wiredesk.runtime import poller_lock

    return poller_lock.polling(settings.site.database, shlex.join(["wiredesk", *sys.argv[1:]]))


@click.command()
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
