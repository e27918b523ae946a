"""The sources page (`/desk/sources`): every configured source as the desk needs to see it —
its health (last fetch, last error, backoff, next poll), its quarantined payloads with a
**Reprocess** button, the pictures the site could not host, and its disclaimer, section and
publishing mode as the settings file says.

Reprocessing is ingest's work, and the desk never imports ingest (`.importlinter`): the
runtime, which sits above both, hands the desk a `Reprocess` callable when it mounts it
(`desk.app.mount`). A desk mounted without one shows the payloads and says to use
`wiredesk reprocess` instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import RedirectResponse, Response

from wiredesk.channels.health import source_health
from wiredesk.desk.guard import Call, Desk, require
from wiredesk.desk.roles import Role
from wiredesk.errors import WiredeskError
from wiredesk.store.ledger import desk_queue, editorial, quarantine
from wiredesk.store.ledger.quarantine import QuarantineRow

# Quarantine rows the page lists, over all sources (the oldest first: they wait longest).
MAX_QUARANTINED = 500
FAILED_PICTURES = 20


@dataclass(frozen=True, slots=True)
class Reprocessed:
    """What reading one stored payload again did, as the desk reports it."""

    envelope_id: int
    source_id: str
    error: str | None  # the payload still cannot be read
    saved: int  # items that went through (replays of saved ones included)
    new_stories: int
    resolved: int  # quarantine rows it got through
    still_quarantined: int

    def summary(self) -> str:
        if self.error:
            return f"envelope {self.envelope_id} still cannot be read: {self.error}"
        return (
            f"envelope {self.envelope_id}: {self.saved} item(s) in ({self.new_stories} new "
            f"stories), {self.resolved} quarantine row(s) resolved, {self.still_quarantined} "
            "still quarantined"
        )


# Reprocess one envelope by id; raises WiredeskError when it cannot (no such envelope, its
# source gone from the settings).
Reprocess = Callable[[int], Reprocessed]


@dataclass(frozen=True, slots=True)
class Envelope:
    """A payload with quarantined rows: one Reprocess button, its rows listed under it."""

    envelope_id: int
    rows: list[QuarantineRow]


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _reprocessor(call: Call) -> Reprocess | None:
    found: Reprocess | None = getattr(call.request.app.state, "reprocess", None)
    return found


@require(Role.VIEWER)
async def page(desk: Desk, call: Call) -> Response:
    return await _page(desk, call)


async def _page(
    desk: Desk,
    call: Call,
    *,
    status: int = 200,
    error: str | None = None,
    outcome: str | None = None,
) -> Response:
    health = await desk.run(source_health, desk.db.engine, desk.settings, desk.clock())
    rows = await desk.run(quarantine.list_rows, desk.db, limit=MAX_QUARANTINED)
    by_source: dict[str, dict[int, list[QuarantineRow]]] = defaultdict(dict)
    for row in rows:
        by_source[row.source_id].setdefault(row.envelope_id, []).append(row)
    pictures = {
        s.id: await desk.run(desk_queue.failed_pictures, desk.db, s.id, limit=FAILED_PICTURES)
        for s in desk.settings.sources
    }
    return desk.render(
        call,
        "sources.html",
        status=status,
        sources=[
            (
                s,
                h,
                [Envelope(e, r) for e, r in by_source.get(s.id, {}).items()],
                pictures[s.id],
            )
            for s, h in zip(desk.settings.sources, health, strict=True)
        ],
        can_reprocess=_reprocessor(call) is not None,
        outcome=outcome,
        error=error,
    )


@require(Role.EDITOR)
async def reprocess(desk: Desk, call: Call) -> Response:
    """Read one stored payload again (the Reprocess button), and log who asked.

    Answers with the sources page and what happened (not a redirect: the outcome is this
    request's own; sending the form again reads the payload again, which changes nothing)."""
    run = _reprocessor(call)
    if run is None:
        return await _page(
            desk,
            call,
            status=503,
            error="This process cannot reprocess payloads; run `wiredesk reprocess ENVELOPE` "
            "on the server.",
        )
    try:
        envelope_id = int(call.value("envelope"))
    except ValueError:
        return await _page(
            desk, call, status=400, error="Say which payload to reprocess (its envelope number)."
        )
    try:
        result = await desk.run(run, envelope_id)
    except WiredeskError as e:
        return await _page(desk, call, status=404, error=str(e)[:1].upper() + str(e)[1:] + ".")
    assert call.session is not None
    await desk.run(
        desk_queue.record_act,
        desk.db,
        "reprocess",
        editorial.editor(call.session.account.name),
        reason=result.summary(),
        address=call.address,
        now=desk.clock(),
        subject=f"envelope {envelope_id} of {result.source_id}",
        envelope_id=envelope_id,
    )
    return await _page(desk, call, status=400 if result.error else 200, outcome=result.summary())
