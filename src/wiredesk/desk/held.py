"""The held queue (`/desk/held`): copies from sources that publish only what an editor
approves (`auto_publish = false`), oldest first, and the three things an editor does with
one: approve it, fix its headline or section first, or reject it with a reason.

Queries and acts are the store's (`store/ledger/desk_queue.py`), each with its audit entry;
reject is an editor's kill of the copy, and a fixed headline is a new "edited by the desk"
version beside the agency's, never a change to it (see that module's note). A viewer sees
the queue without its forms; every POST needs the editor role (`guard.require`).
"""

from __future__ import annotations

from datetime import datetime

from starlette.responses import RedirectResponse, Response

from wiredesk.config import DEFAULT_SECTION
from wiredesk.desk.guard import Call, Desk, require
from wiredesk.desk.roles import Role
from wiredesk.pipeline.slug import slugify
from wiredesk.store.ledger import desk_queue, editorial

PAGE = 50
# What the queue may say after a redirect (?done=...): fixed words, nothing echoed.
DONE = {
    "approved": "Approved: the copy is on the site.",
    "fixed": "Saved the fix; the copy is still waiting for approval.",
    "rejected": "Rejected: the copy will not be published.",
    "gone": "That copy is no longer waiting (someone approved or rejected it meanwhile).",
}


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def sections(desk: Desk) -> list[str]:
    """The sections a copy may be filed under: the configured ones and the default."""
    known = list(desk.settings.site.sections)
    return known if DEFAULT_SECTION in known else [*known, DEFAULT_SECTION]


@require(Role.VIEWER)
async def queue(desk: Desk, call: Call) -> Response:
    return await _queue_page(desk, call)


async def _queue_page(
    desk: Desk,
    call: Call,
    *,
    status: int = 200,
    error: str | None = None,
    error_item: int | None = None,
) -> Response:
    after = _cursor(call.request.query_params.get("after", ""))
    copies = await desk.run(desk_queue.held, desk.db, limit=PAGE + 1, after=after)
    more = len(copies) > PAGE
    copies = copies[:PAGE]
    onward = None
    if more:
        last = copies[-1]
        onward = f"{last.first_seen_at.isoformat()}~{last.item_id}"
    names = {s.id: s.name for s in desk.settings.sources}
    return desk.render(
        call,
        "held.html",
        status=status,
        copies=copies,
        names=names,
        sections=sections(desk),
        done=DONE.get(call.request.query_params.get("done", "")),
        error=error,
        error_item=error_item,
        form=call.form if error else {},
        onward=onward,
        first_page=after is None,
    )


def _cursor(value: str) -> tuple[datetime, int] | None:
    """A page's `after` (`<first seen>~<id>`), or None for the first page (also when it is
    not one the desk made: a hand-edited link shows the start of the queue)."""
    seen, _, last = value.partition("~")
    try:
        return datetime.fromisoformat(seen), int(last)
    except ValueError:
        return None


def _item(call: Call) -> int:
    return int(call.request.path_params["item"])


@require(Role.EDITOR)
async def approve(desk: Desk, call: Call) -> Response:
    """Approve, after the fix the form carries (if its headline or section differ)."""
    item_id = _item(call)
    refused = await _fix(desk, call, item_id)
    if refused is not None:
        return refused
    assert call.session is not None
    done = await desk.run(
        desk_queue.approve,
        desk.db,
        item_id,
        actor=editorial.editor(call.session.account.name),
        address=call.address,
        now=desk.clock(),
    )
    return _see("/desk/held?done=" + ("approved" if done else "gone"))


@require(Role.EDITOR)
async def fix(desk: Desk, call: Call) -> Response:
    """Save the headline or section the form carries; the copy keeps waiting."""
    refused = await _fix(desk, call, _item(call))
    return refused or _see("/desk/held?done=fixed")


async def _fix(desk: Desk, call: Call, item_id: int) -> Response | None:
    """The desk's fix from the form (fields left out change nothing); the page refusing it,
    or None when it is done (or there was nothing to change)."""
    copy = await desk.run(desk_queue.held_copy, desk.db, item_id)
    if copy is None:
        return await _gone(desk, call, item_id)
    headline = call.form.get("headline")
    section = call.form.get("section") or None
    if section is not None and section not in sections(desk):
        return await _queue_page(
            desk,
            call,
            status=400,
            error=f"There is no section {section!r}; pick one of the list.",
            error_item=item_id,
        )
    assert call.session is not None
    try:
        await desk.run(
            desk_queue.fix,
            desk.db,
            item_id,
            headline=headline,
            slug=slugify(headline) if headline and headline.strip() else None,
            section=section,
            actor=editorial.editor(call.session.account.name),
            address=call.address,
            now=desk.clock(),
        )
    except desk_queue.DeskActError as e:
        return await _queue_page(
            desk, call, status=400, error=_sentence(str(e)), error_item=item_id
        )
    return None


@require(Role.EDITOR)
async def reject(desk: Desk, call: Call) -> Response:
    item_id = _item(call)
    if await desk.run(desk_queue.held_copy, desk.db, item_id) is None:
        return await _gone(desk, call, item_id)
    assert call.session is not None
    try:
        done = await desk.run(
            desk_queue.reject,
            desk.db,
            item_id,
            reason=call.value("reason"),
            actor=editorial.editor(call.session.account.name),
            address=call.address,
            now=desk.clock(),
        )
    except desk_queue.DeskActError as e:
        return await _queue_page(
            desk, call, status=400, error=_sentence(str(e)), error_item=item_id
        )
    return _see("/desk/held?done=" + ("rejected" if done else "gone"))


async def _gone(desk: Desk, call: Call, item_id: int) -> Response:
    return await _queue_page(
        desk,
        call,
        status=404,
        error="That copy is not waiting for approval: it was approved or rejected meanwhile, "
        "or there is no such copy.",
        error_item=item_id,
    )


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + "."
