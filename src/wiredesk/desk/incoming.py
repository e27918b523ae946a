"""The Incoming page (`/desk/incoming`): every copy as it arrives, whatever the public may see.

Newest arrival first, a page at a time: "Older" goes on below the last copy shown (the
store's keyset, `desk_views.incoming`), so a page costs the same on the first day and after
years, and nothing counts the archive. Filters (source, section, language, state) and a
search box are a plain GET form: the address says what is shown, can be bookmarked, and the
page needs no script.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import Response

from wiredesk.desk.guard import Call, Desk, require
from wiredesk.desk.roles import Role
from wiredesk.store.ledger import desk_views
from wiredesk.store.ledger.desk_views import COPY_STATES, IncomingFilters

PER_PAGE = 50
# The longest filter value read from the address (a source id is at most 64 characters).
_MOST_CHARS = 200
_FIELDS = ("source", "section", "language", "state", "q")


@require(Role.VIEWER)
async def incoming(desk: Desk, call: Call) -> Response:
    params = call.request.query_params
    asked = {name: params.get(name, "").strip()[:_MOST_CHARS] for name in _FIELDS}
    error = None
    state = asked["state"] or None
    if state is not None and state not in COPY_STATES:
        error = f"There is no state {state!r}; choose one of {', '.join(COPY_STATES)}."
        state = None
    raw_before = params.get("before", "")
    before = None
    if raw_before:
        if raw_before.isascii() and raw_before.isdigit() and len(raw_before) <= 18:
            before = int(raw_before)
        else:
            error = "The page's address is damaged (before= must be a number); start again below."
    flt = IncomingFilters(
        source_id=asked["source"] or None,
        section=asked["section"] or None,
        language=asked["language"] or None,
        state=state,
        words=asked["q"],
    )
    page = await desk.run(
        desk_views.incoming, desk.db, desk.clock(), flt, limit=PER_PAGE, before=before
    )
    offered = await desk.run(desk_views.choices, desk.db)
    kept = {k: v for k, v in asked.items() if v and not (k == "state" and state is None)}
    older = None
    if page.more_before is not None:
        older = "/desk/incoming?" + urlencode({**kept, "before": page.more_before})
    return desk.render(
        call,
        "incoming.html",
        status=400 if error else 200,
        page=page,
        asked=asked,
        offered=offered,
        states=COPY_STATES,
        older=older,
        paged=before is not None,
        newest="/desk/incoming" + ("?" + urlencode(kept) if kept else ""),
        error=error,
    )
