"""Errors a user can cause, each with one line that says what, where and what to do.

The CLI prints `str(error)` for any `WiredeskError` and exits with code 2, with no traceback;
everything else is a bug and goes to the log with its traceback.
"""

from __future__ import annotations


class WiredeskError(Exception):
    """An expected failure with a message meant for a person."""


class ConfigError(WiredeskError):
    """The settings file is missing, unreadable, or says something we cannot accept."""

    def __init__(self, path: str, message: str, key: str | None = None) -> None:
        self.path = path
        self.key = key
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {message}")


class SourceError(WiredeskError):
    """A source could not be read this time (unreachable URL, unreadable folder, HTTP error)."""

    def __init__(self, source_id: str, message: str) -> None:
        self.source_id = source_id
        self.reason = message  # the line without the source's name
        super().__init__(f"source {source_id!r}: {message}")


class FormatError(WiredeskError):
    """A payload is not a document we can read; recorded against its envelope."""


class Outage(WiredeskError):
    """Something the system stands on cannot do its work right now (a full disk, a database
    that refuses writes). Nobody's mistake and no item's fault: nothing is blamed on the data,
    what was not stored stays where it came from, and the same run succeeds once the outage
    is over. The CLI exits with its own code for it, so a scheduler can tell it from a bug."""


class DatabaseHeld(WiredeskError):
    """A second poller was started on a SQLite database another process polls already
    (runtime/poller_lock.py). The CLI exits with its own code for it, so a scheduler can tell
    "already running" from a mistake in the settings."""
