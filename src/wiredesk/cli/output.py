"""What the subcommands share: settings and options, an opened database, tables, times.

Expected failures are `WiredeskError`s (the group prints them as one line and exits 2); a
failing source makes the exit code 1 (`EXIT_SOURCE_FAILED`); an outage (`errors.Outage`: a
full disk, a database that refuses writes) exits 4, so that a scheduler retrying `ingest
--once` can tell it from a mistake in the settings (2) and from a bug (3); a poller started
on a SQLite database another process polls already (`errors.DatabaseHeld`) exits 5.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from wiredesk.config import DEFAULT_CONFIG_NAME, Settings, find_config_path, load_settings

if TYPE_CHECKING:
    from wiredesk.store.database import Database

EXIT_SOURCE_FAILED = 1
EXIT_USER_ERROR = 2
EXIT_BUG = 3
EXIT_OUTAGE = 4
EXIT_HELD = 5  # another poller holds the SQLite database (runtime/poller_lock.py)


def load(config: str | None) -> Settings:
    """The settings file the user named, or the one found by the usual rules."""
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
json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")


@contextlib.contextmanager
def opened_database(settings: Settings) -> Iterator[Database]:
    """The configured database, open for the length of the block, closed whatever happens."""
    from wiredesk.runtime.database import open_database

    db = open_database(settings)
    try:
        yield db
    finally:
        db.close()


def print_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    wrap: str | None = None,
    colours: dict[int, dict[str, str]] | None = None,
) -> None:
    """A table: rich on a terminal; on a pipe, plain columns padded with the last column
    left free, so a script's width (Devanagari combining marks) cannot break the alignment.

    `wrap` names the one column allowed to wrap on a terminal; `colours` maps a column index
    to {cell value: rich colour}.
    """
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(box=None, header_style="bold")
        for name in header:
            table.add_column(name, no_wrap=wrap is not None and name != wrap, overflow="fold")
        for row in rows:
            cells = []
            for i, cell in enumerate(row):
                colour = (colours or {}).get(i, {}).get(cell)
                cells.append(f"[{colour}]{escape(cell)}[/]" if colour else escape(cell))
            table.add_row(*cells)
        Console().print(table)
        return
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


def when(value: datetime | None, now: datetime, tz: Any) -> str:
    """A time in the site's zone with how long ago (or until) it is: what an operator asks."""
    if value is None:
        return "-"
    local = value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
    return f"{local} ({relative(value - now)})"


def relative(delta: timedelta) -> str:
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


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def public_url(settings: Settings, path: str, language: str | None) -> str | None:
    """A copy's address on the site: its path under the edition of its language; None when
    the site publishes no edition in that language (the copy is stored, on no page)."""
    edition = settings.site.edition(language)
    return None if edition is None else settings.site.base_url + edition.prefix + path


def shown_url_of(settings: Settings, path: str, language: str | None) -> str:
    """`public_url`, or a note saying why a copy has none, for a person to read."""
    url = public_url(settings, path, language)
    return url if url is not None else f"(not published: no {language or 'und'} edition)"


def shown_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
