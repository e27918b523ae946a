"""The audit page (`/desk/audit`): every act the log holds — who, when, what, why, from which
address — newest first, a page at a time, filtered by who, action and dates.

It only reads: the log is append-only in the database itself (migration 0014). Pages follow
each other by a key (the last entry's time and id), not an offset, so a page further back
costs what the first does and an entry written meanwhile does not shift the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from starlette.responses import Response

from wiredesk.desk.guard import Call, Desk, require
from wiredesk.desk.roles import Role
from wiredesk.store.ledger import desk_queue, editorial

PAGE = 50


class BadFilter(ValueError):
    """A filter the page cannot read, with what to type instead."""


@dataclass(frozen=True, slots=True)
class Filters:
    who: str
    action: str
    since: str  # YYYY-MM-DD, in the site's time zone, or ""
    until: str  # YYYY-MM-DD, the last day included, or ""

    def query(self, **more: str) -> str:
        fields = {"who": self.who, "action": self.action, "from": self.since, "to": self.until}
        return urlencode({k: v for k, v in {**fields, **more}.items() if v})


def actors_of(who: str) -> list[str]:
    """The log's names for what a person types: `asha` is the desk's or the command line's
    asha; `agency reuters`, `editor asha` and the like are taken as they are."""
    who = " ".join(who.split()).lower()
    if not who:
        return []
    if " " in who or who == editorial.SYNDICATION:
        return [who]
    return [editorial.editor(who), editorial.operator(who)]


def _day(value: str, which: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(
            f"{which} date {value!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-03-02)"
        ) from None


def _cursor(value: str) -> tuple[datetime, int] | None:
    at, _, last = value.partition("~")
    try:
        return datetime.fromisoformat(at), int(last)
    except ValueError:
        return None


@require(Role.VIEWER)
async def page(desk: Desk, call: Call) -> Response:
    params = call.request.query_params
    filters = Filters(
        who=params.get("who", "").strip(),
        action=params.get("action", "").strip(),
        since=params.get("from", "").strip(),
        until=params.get("to", "").strip(),
    )
    actions = await desk.run(desk_queue.audit_actions, desk.db)
    zone = desk.settings.site.timezone
    try:
        first, last = _day(filters.since, "The from"), _day(filters.until, "The to")
    except BadFilter as e:
        return desk.render(
            call,
            "audit.html",
            status=400,
            entries=[],
            filters=filters,
            actions=actions,
            error=str(e) + ".",
            onward=None,
        )
    since = datetime.combine(first, time(), zone) if first else None
    until = datetime.combine(last + timedelta(days=1), time(), zone) if last else None
    before = _cursor(params.get("before", ""))
    entries = await desk.run(
        desk_queue.audit_entries,
        desk.db,
        actors=actors_of(filters.who),
        action=filters.action or None,
        since=since,
        until=until,
        before=before,
        limit=PAGE + 1,
    )
    onward = None
    if len(entries) > PAGE:
        entries = entries[:PAGE]
        end = entries[-1]
        onward = filters.query(before=f"{end.at.isoformat()}~{end.id}")
    return desk.render(
        call,
        "audit.html",
        entries=entries,
        filters=filters,
        actions=actions,
        error=None,
        onward=onward,
        first_page=before is None,
        restart=filters.query(),
    )
