"""The `wiredesk` command group: one-line errors, exit codes, logging.

Expected failures (a bad settings file, an unreachable feed, a port in use) are printed as one
line, `wiredesk: error: ...`, and exit with code 2; a source that fails during
`ingest --once` is reported on its own line and makes the exit code 1; an outage (a full
disk) is one line too, with exit code 4; a second poller on one SQLite database is refused
with exit code 5, naming the process that polls it. Anything else is a bug:
its traceback goes to a log file and the command exits with code 3.

A reader that stops reading (`wiredesk stories | head`) is not an error: the command stops
writing and exits 0 without a word, as `git log | head` does. 0 rather than the shell's 141
(128 + SIGPIPE), so a pipeline under `set -o pipefail` that chose to read only the first lines
still succeeds.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from wiredesk.cli import apikey, archive, cluster, editorial, ops, parse, serve, users
from wiredesk.cli.output import EXIT_BUG, EXIT_HELD, EXIT_OUTAGE, EXIT_USER_ERROR
from wiredesk.errors import DatabaseHeld, Outage, WiredeskError
from wiredesk.version import __version__

log = logging.getLogger("wiredesk")

CRASH_LOG = Path(tempfile.gettempdir()) / "wiredesk-errors.log"


class _Group(click.Group):
    """Turns our exceptions into one-line messages and exit codes, for every subcommand,
    and accepts `-v/--verbose` after the subcommand as well as before it."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Outage as e:  # nobody's mistake and no bug: retry once it is over
            click.echo(f"wiredesk: error: {e}", err=True)
            ctx.exit(EXIT_OUTAGE)
        except DatabaseHeld as e:  # already running: not a mistake in the settings
            click.echo(f"wiredesk: error: {e}", err=True)
            ctx.exit(EXIT_HELD)
        except WiredeskError as e:
            click.echo(f"wiredesk: error: {e}", err=True)
            ctx.exit(EXIT_USER_ERROR)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("wiredesk: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # whoever read our output has stopped reading
            _discard_stdout()
            ctx.exit(0)
        except Exception as e:
            where = _log_crash()
            log.debug("unexpected error", exc_info=True)
            click.echo(
                f"wiredesk: internal error: {type(e).__name__}: {e} "
                f"(traceback in {where}; please report it)",
                err=True,
            )
            ctx.exit(EXIT_BUG)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.append(
            click.Option(
                ["-v", "--verbose"],
                is_flag=True,
                expose_value=False,
                help="Log details (and tracebacks) to stderr.",
                callback=lambda _ctx, _param, on: setup_logging(True) if on else None,
            )
        )
        super().add_command(cmd, name)


def _discard_stdout() -> None:
    """What is still buffered for stdout goes nowhere: Python flushes it at exit, and a
    flush into the closed pipe would print "Exception ignored ... BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file behind stdout (a test runner's buffer)
        pass


def _flush_stdout() -> None:
    """Flush now, while a closed pipe can still be told from a bug (see `_discard_stdout`)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
    except (OSError, ValueError):
        pass


def _log_crash() -> Path:
    try:
        with CRASH_LOG.open("a", encoding="utf-8") as f:
            f.write(f"--- {datetime.now().isoformat(timespec='seconds')} {sys.argv!r}\n")
            f.write(traceback.format_exc())
    except OSError:
        return Path("(no log: cannot write " + str(CRASH_LOG) + ")")
    return CRASH_LOG


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes to whatever sys.stderr is now (test runners swap it), not the one at setup."""

    @property  # type: ignore[override,unused-ignore]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def setup_logging(verbose: bool) -> None:
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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="wiredesk")
@click.option("-v", "--verbose", is_flag=True, help="Log details (and tracebacks) to stderr.")
def cli(verbose: bool) -> None:
    """Agency feeds in; a live news site and clean feeds out, automatically."""
    setup_logging(verbose)


for _command in (
    serve.init,
    serve.run,
    serve.serve,
    serve.ingest,
    serve.demo,
    cluster.worker,
    cluster.web,
    parse.parse,
    ops.items,
    ops.stories,
    ops.sources,
    ops.pictures,
    ops.quarantine,
    ops.reprocess,
    editorial.kill,
    editorial.restore,
    editorial.approve,
    users.user,
    apikey.apikey,
    archive.archive,
):
    cli.add_command(_command)


def main() -> None:
    try:
        cli(prog_name="wiredesk")
    finally:  # the last lines may sit in stdout's buffer after the reader has gone
        _flush_stdout()


if __name__ == "__main__":
    main()
