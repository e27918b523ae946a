"""The story page (`/desk/stories/{id}`) and the takedowns done from it.

The page shows every copy of the story in the gate's lead order, which copy leads each
language's edition and why (the rule of store/public/gate.py said in words), every version of
each copy against the one before it (`diff.word_diff`), where each came from, and what was
done to it (the audit log).

Editors act on it with three forms, each a POST with the page's token, each audited with who,
why and from which address, each answered with a redirect back to the page:

- **take the story down**: every copy, on every channel, now and for copies that join the
  story later (store/ledger/takedowns.py, the same call as `wiredesk kill REF`);
- **restore** a story taken down (`wiredesk restore`);
- **kill one copy**, a separate form on each copy: that copy goes down for good and the story
  stays up, led by another (`wiredesk kill --copy`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from wiredesk.desk import diff
from wiredesk.desk.guard import Call, Desk, require
from wiredesk.desk.roles import Role
from wiredesk.store.ledger import desk_views, editorial, takedowns
from wiredesk.store.ledger.desk_views import StoryCopy, StoryView, VersionView

# The longest reason kept (the audit log's column is text; a page of text is not a reason).
MOST_REASON_CHARS = 2000
# What the page may say after an act (?done=...): fixed words, nothing echoed.
DONE = {
    "taken-down": "The story is taken down: every copy is off every public page, feed, "
    "sitemap and the API, and copies that join it later stay down.",
    "already-down": "The story was already taken down; nothing changed.",
    "restored": "The story is restored: each copy is public again as its own state allows.",
    "not-down": "The story was not taken down; nothing changed.",
    "killed": "The copy is killed for good; the story stays up, led by another copy if one is "
    "public.",
    "already-killed": "That copy was already killed by an editor; nothing changed.",
}


@dataclass(frozen=True, slots=True)
class Lead:
    """Who leads one language's edition of the story, and why, in words."""

    language: str | None
    copy: StoryCopy | None
    why: str


@dataclass(frozen=True, slots=True)
class Change:
    """One version of a copy against the one before it (None for the first)."""

    version: VersionView
    headline: Markup
    body: Markup
    headline_changed: bool
    body_changed: bool
    first: bool


def leads(view: StoryView, now: datetime, when: Callable[[datetime], str]) -> list[Lead]:
    """Each language's lead and the reason, by the gate's rule: among the copies public now
    in that language, a preferred source first (`[site] preferred_sources`, in order), then
    the earliest published, then the one stored first."""
    by_language: dict[str | None, list[StoryCopy]] = {}
    for c in view.copies:  # already best-ranked first
        by_language.setdefault(c.language, []).append(c)
    out = []
    for language, group in by_language.items():
        if view.takedown is not None:
            out.append(Lead(language, None, "None: the editors took the whole story down."))
            continue
        public = [c for c in group if c.public_at(now)]
        if not public:
            out.append(
                Lead(
                    language,
                    None,
                    "None: no copy in this language is public now. The first to become "
                    "public leads, by the rule below.",
                )
            )
            continue
        out.append(Lead(language, public[0], _why(view, group, public, when)))
    return out


def _why(
    view: StoryView,
    group: list[StoryCopy],
    public: list[StoryCopy],
    when: Callable[[datetime], str],
) -> str:
    lead = public[0]
    preferred = view.preferred_sources
    parts: list[str] = []
    if len(group) == 1:
        parts.append("It is the only copy in this language.")
    elif lead.source_id in preferred:
        place = preferred.index(lead.source_id) + 1
        parts.append(
            f"Its agency, {lead.source_id}, is number {place} of the site's preferred sources "
            f"([site] preferred_sources: {', '.join(preferred)}), ahead of the other public "
            "copies."
        )
    else:
        if preferred:
            start = (
                f"No public copy is from a preferred source ({', '.join(preferred)}), so the "
                "earliest published leads"
            )
        else:
            start = "The site prefers no agency, so the earliest published copy leads"
        parts.append(f"{start}: this one was published {when(lead.published_at)}.")
        tied = [c for c in public[1:] if c.published_at == lead.published_at]
        if tied:
            parts.append(
                "Another public copy was published at the same time; the one stored first leads."
            )
    passed = group[: group.index(lead)]
    if passed:
        names = ", ".join(f"{c.source_id} {c.short_id} ({c.state})" for c in passed)
        parts.append(f"Ranked above it but not public now: {names}.")
    return " ".join(parts)


def changes(copy: StoryCopy) -> list[Change]:
    """Each version of the copy, newest first, with its words against the version before."""
    out = []
    before: VersionView | None = None
    for v in copy.versions:
        old_head = before.headline if before else v.headline
        old_body = before.body_text if before else v.body_text
        out.append(
            Change(
                version=v,
                headline=diff.word_diff(old_head, v.headline),
                body=diff.word_diff(old_body, v.body_text),
                headline_changed=before is not None and diff.changed(old_head, v.headline),
                body_changed=before is not None and diff.changed(old_body, v.body_text),
                first=before is None,
            )
        )
        before = v
    return list(reversed(out))


def _story_id(call: Call) -> int | None:
    raw = call.request.path_params["story_id"]
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        return None
    return int(raw)


@require(Role.VIEWER)
async def story_page(desk: Desk, call: Call) -> Response:
    story_id = _story_id(call)
    if story_id is None:
        return desk.refuse(call, 404, "There is no such story.")
    done = DONE.get(call.request.query_params.get("done", ""))
    return await _page(desk, call, story_id, notice=done)


async def _page(
    desk: Desk,
    call: Call,
    story_id: int,
    *,
    status: int = 200,
    notice: str | None = None,
    error: str | None = None,
    error_copy: str | None = None,
) -> Response:
    now = desk.clock()
    view = await desk.run(desk_views.story, desk.db, story_id, now)
    if view is None:
        return desk.refuse(
            call,
            404,
            f"There is no story {story_id} (it may have been merged into another: open one of "
            "its copies from Incoming).",
        )
    return desk.render(
        call,
        "story.html",
        status=status,
        view=view,
        leads=leads(view, now, desk.when),
        changes={c.item_id: changes(c) for c in view.copies},
        duplicates=desk.db.policy.mode,
        notice=notice,
        error=error,
        error_copy=error_copy,
        form=call.form if error else {},
        site_url=desk.settings.site.base_url,
        most_reason=MOST_REASON_CHARS,
    )


@require(Role.VIEWER)
async def copy_story(desk: Desk, call: Call) -> Response:
    """From a copy (its short id) to its story's page, at the copy."""
    short_id = call.request.path_params["short_id"]
    found = None
    if len(short_id) <= 16:
        found = await desk.run(desk_views.story_of, desk.db, short_id)
    if found is None:
        return desk.refuse(call, 404, f"There is no copy {short_id!r}.")
    return RedirectResponse(f"/desk/stories/{found}#copy-{short_id}", status_code=303)


def _reason(call: Call) -> str | None:
    reason = " ".join(call.value("reason").split())
    return reason[:MOST_REASON_CHARS] if reason else None


@require(Role.EDITOR)
async def take_down(desk: Desk, call: Call) -> Response:
    return await _story_act(desk, call, down=True)


@require(Role.EDITOR)
async def restore(desk: Desk, call: Call) -> Response:
    return await _story_act(desk, call, down=False)


async def _story_act(desk: Desk, call: Call, *, down: bool) -> Response:
    assert call.session is not None
    story_id = _story_id(call)
    if story_id is None:
        return desk.refuse(call, 404, "There is no such story.")
    reason = _reason(call)
    if reason is None:
        what = "taking the story down" if down else "restoring the story"
        return await _page(
            desk,
            call,
            story_id,
            status=400,
            error=f"Say why you are {what}: the reason is kept in the audit log.",
        )
    db = desk.db
    if not await desk.run(takedowns.members, db, story_id):
        return desk.refuse(call, 404, f"There is no story {story_id}.")
    act = await desk.run(
        takedowns.take_down if down else takedowns.restore,
        db,
        story_id,
        reason=reason,
        actor=editorial.editor(call.session.account.name),
        now=desk.clock(),
        address=call.address,
    )
    if down:
        done = "taken-down" if act.done else "already-down"
    else:
        done = "restored" if act.done else "not-down"
    return RedirectResponse(f"/desk/stories/{story_id}?done={done}", status_code=303)


@require(Role.EDITOR)
async def kill_copy(desk: Desk, call: Call) -> Response:
    """One copy down for good, the story left up: the separate, explicit choice."""
    assert call.session is not None
    short_id = call.request.path_params["short_id"]
    db = desk.db
    story_id = await desk.run(desk_views.story_of, db, short_id) if len(short_id) <= 16 else None
    if story_id is None:
        return desk.refuse(call, 404, f"There is no copy {short_id!r}.")
    reason = _reason(call)
    if reason is None:
        return await _page(
            desk,
            call,
            story_id,
            status=400,
            error="Say why you are killing this copy: the reason is kept in the audit log.",
            error_copy=short_id,
        )
    item_id = await desk.run(editorial.find_copy, db, short_id)
    assert item_id is not None
    killed = await desk.run(
        editorial.kill,
        db,
        item_id,
        reason=reason,
        actor=editorial.editor(call.session.account.name),
        now=desk.clock(),
        address=call.address,
    )
    done = "killed" if killed else "already-killed"
    return RedirectResponse(
        f"/desk/stories/{story_id}?done={done}#copy-{short_id}", status_code=303
    )
