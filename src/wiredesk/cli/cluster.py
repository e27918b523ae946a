"""Cluster mode on PostgreSQL: `wiredesk worker` takes jobs, `wiredesk web` serves the site.

Both refuse SQLite with one line: there `wiredesk run` does everything in one process.
"""

from __future__ import annotations

import click

from wiredesk.cli.output import config_option, host_option, load, port_option, shown_url


@click.command()
@config_option
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Jobs this worker runs at once.",
)
@click.option(
    "--stalled-after",
    type=click.FloatRange(1.0),
    default=30.0,
    show_default=True,
    help="Seconds without a heartbeat before a worker counts as dead and its jobs go to others.",
)
def worker(config: str | None, concurrency: int, stalled_after: float) -> None:
    """Take jobs (polls, pushed payloads, WebSub) from the queue in PostgreSQL."""
    from wiredesk.cluster import worker as cluster_worker

    settings = load(config)

    def ready() -> None:
        click.echo(
            f"wiredesk: worker for {settings.site.name} taking jobs ({concurrency} at once); "
            "press Ctrl-C to stop",
            err=True,
        )

    cluster_worker.run(
        settings, concurrency=concurrency, stalled_after=stalled_after, on_ready=ready
    )


@click.command()
@config_option
@host_option
@port_option
def web(config: str | None, host: str, port: int) -> None:
    """Serve the site and the desk; pushed payloads are queued for the workers."""
    from wiredesk.cluster import web as cluster_web

    settings = load(config)

    def ready() -> None:
        click.echo(
            f"wiredesk: serving {settings.site.name} at {shown_url(host, port)} "
            "(cluster mode: `wiredesk worker` processes do the ingest); press Ctrl-C to stop",
            err=True,
        )

    cluster_web.run(settings, host, port, on_ready=ready)
