"""What ingest reports: per payload, per poll of a source, per reprocess.

One line each for an operator (`SourceReport.line`), counts for the push endpoint's answer and
for tests. Kept apart from the code that fills them so transports and commands can read them
without pulling in the ingest path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class SourceReport:
    """What one poll of one source did, in terms an operator cares about."""

    source_id: str
    ok: bool = True
    error: str | None = None  # one line; set when ok is False
    envelopes: int = 0  # new payloads stored (replays and "not modified" are not counted)
    new_stories: int = 0
    new_versions: int = 0
    not_modified: bool = False
    problems: list[str] = field(default_factory=list)  # per-item problems that did not stop it
    next_poll_at: datetime | None = None
    still_writing: int = 0  # dropped files left because they were still being written
    dropped: int = 0  # new items a routing rule dropped (`[[rules]]` with action = "drop")

    def line(self) -> str:
        counts = (
            f"{counted(self.envelopes, 'new payload')}, "
            f"{counted(self.new_stories, 'new story', 'new stories')}, "
            f"{counted(self.new_versions, 'new version')}"
        )
        if not self.ok:
            also = f" (still saved: {counts})" if self.new_stories or self.new_versions else ""
            return f"{self.source_id}: FAILED: {self.error}{also}"
        if self.not_modified and not self.envelopes:
            return f"{self.source_id}: ok, not modified"
        text = f"{self.source_id}: ok, {counts}"
        if self.dropped:
            text += f", {counted(self.dropped, 'item')} dropped by rules"
        if self.problems:
            text += f", {counted(len(self.problems), 'item problem')} (first: {self.problems[0]})"
        if self.still_writing:
            text += (
                f"; {counted(self.still_writing, 'file')} still being written, "
                "left for the next run"
            )
        return text


@dataclass(slots=True)
class EnvelopeOutcome:
    """What storing and processing one payload did (polled, dropped or pushed alike)."""

    envelope_id: int
    new: bool  # False: the same bytes were already stored; nothing was done again
    error: str | None = None  # the payload as a whole could not be read
    new_stories: int = 0
    new_versions: int = 0
    problems: list[str] = field(default_factory=list)
    quarantined: int = 0  # items (or, on a parse failure, the payload) put in quarantine
    saved: int = 0  # items that went into the store (replays included)
    dropped: int = 0  # new items a routing rule dropped: not stored (their payload is)
    # stored raw and handed to the job queue, processed by a worker (cluster mode)
    queued: bool = False


# --- sync entry points ------------------------------------------------------------------


@dataclass(slots=True)
class ReprocessOutcome:
    """What reading one stored payload again did."""

    envelope_id: int
    source_id: str
    error: str | None = None  # the payload still cannot be read
    saved: int = 0  # items that went through (replays of saved items included)
    new_stories: int = 0
    new_versions: int = 0
    resolved: int = 0  # quarantine rows this run got through
    dropped: int = 0  # new items a routing rule dropped
    still_quarantined: int = 0


def add(report: SourceReport, outcome: EnvelopeOutcome) -> None:
    """Count one payload's outcome into its source's report."""
    report.envelopes += int(outcome.new)
    report.new_stories += outcome.new_stories
    report.new_versions += outcome.new_versions
    report.dropped += outcome.dropped
    report.problems.extend(outcome.problems)


def one_line(text: str) -> str:
    return " ".join(text.split())


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 item", "2 items", "3 new stories"."""
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
