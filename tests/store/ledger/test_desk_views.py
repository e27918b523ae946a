"""The desk's reads (store/ledger/desk_views.py) on SQLite and PostgreSQL: Incoming's states,
filters, search and pages; a story with every copy, version, payload and audit entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests.store.store_support import NOW, T0, envelope, item_id, save, three_wires
from wiredesk.model import Item, PubStatus
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, desk_views, editorial, takedowns
from wiredesk.store.ledger.desk_views import IncomingFilters
from wiredesk.store.public.gate import COPY_STATES

EDITOR = editorial.editor("asha")


def _version(
    store: Database, source: str, guid: str, minutes: int, auto_publish: bool = True, **kw: Any
) -> str:
    """A copy as `save` stores it, or the agency's next version of one it stored."""
    item = Item(
        guid=guid,
        headline=kw.pop("headline", f"ख़बर {guid}"),
        body_html=kw.pop("body_html", "<p>पाठ।</p>"),
        body_text=kw.pop("body_text", "पाठ।"),
        slug=f"khabar-{guid}",
        section="desh",
        language="hi",
        published_at=T0,
        updated_at=T0 + timedelta(minutes=minutes),
        **kw,
    )
    env = envelope(store, f"v-{guid}-{minutes}".encode(), source)
    at = T0 + timedelta(minutes=minutes)
    [out] = copies.save(store, source, [item], env, auto_publish=auto_publish, now=at)
    return out.short_id


def _every_state(store: Database) -> dict[str, str]:
    made = {
        "published": save(store, "ians", "i1", 0),
        "held": _version(store, "uni", "u1", 1, auto_publish=False),
        "withheld": save(store, "pti", "p1", 2),
        "embargoed": save(store, "pti", "p2", 3, embargo_until=NOW + timedelta(hours=1)),
        "killed": save(store, "ani", "a1", 4),
        "withdrawn": save(store, "ani", "a2", 5),
    }
    _version(store, "pti", "p1", 30, pub_status=PubStatus.WITHHELD)
    editorial.kill(store, item_id(store, made["killed"]), reason="x", actor=EDITOR, now=NOW)
    story = takedowns.story_of_copy(store, item_id(store, made["withdrawn"]))
    takedowns.take_down(store, story, reason="legal", actor=EDITOR, now=NOW)
    return made


def test_each_state_filter_lists_the_copies_shown_in_that_state(store: Database) -> None:
    made = _every_state(store)
    everything = desk_views.incoming(store, NOW).copies
    assert [c.short_id for c in everything] == list(reversed(made.values()))
    assert {c.short_id: c.state for c in everything} == {s: w for w, s in made.items()}
    for state in COPY_STATES:
        listed = desk_views.incoming(store, NOW, IncomingFilters(state=state)).copies
        assert [c.short_id for c in listed] == [c.short_id for c in everything if c.state == state]
    # the embargo lifts at its time, with no write
    later = NOW + timedelta(hours=2)
    lifted = desk_views.incoming(store, later, IncomingFilters(state="published")).copies
    assert {c.short_id for c in lifted} == {made["published"], made["embargoed"]}


def test_filters_and_pages(store: Database) -> None:
    made = [save(store, "ians" if n % 2 else "pti", f"g{n}", n) for n in range(7)]
    save(store, "pti", "other", 8, section="videsh", language="en")
    ians = [s for n, s in enumerate(made) if n % 2]
    first = desk_views.incoming(store, NOW, IncomingFilters(source_id="ians"), limit=2)
    assert [c.short_id for c in first.copies] == ians[::-1][:2]
    assert first.more_before == item_id(store, ians[-2])
    second = desk_views.incoming(
        store, NOW, IncomingFilters(source_id="ians"), limit=2, before=first.more_before
    )
    assert [c.short_id for c in second.copies] == ians[::-1][2:]
    assert second.more_before is None
    assert [
        c.section for c in desk_views.incoming(store, NOW, IncomingFilters(section="videsh")).copies
    ] == ["videsh"]
    assert len(desk_views.incoming(store, NOW, IncomingFilters(language="hi")).copies) == 7
    # an address edited by hand, past any id the database holds, starts from the top
    assert len(desk_views.incoming(store, NOW, before=2**40).copies) == 8


def test_search_has_no_gate(store: Database) -> None:
    made = _every_state(store)
    found = desk_views.incoming(store, NOW, IncomingFilters(words="ख़बर"))
    assert [c.short_id for c in found.copies] == list(reversed(made.values()))
    held = desk_views.incoming(store, NOW, IncomingFilters(words="ख़बर", state="held"))
    assert [c.short_id for c in held.copies] == [made["held"]]
    one = desk_views.incoming(store, NOW, IncomingFilters(words="ख़बर", source_id="ians"))
    assert [c.short_id for c in one.copies] == [made["published"]]
    paged = desk_views.incoming(store, NOW, IncomingFilters(words="ख़बर"), limit=4)
    rest = desk_views.incoming(
        store, NOW, IncomingFilters(words="ख़बर"), limit=4, before=paged.more_before
    )
    assert [c.short_id for c in paged.copies + rest.copies] == list(reversed(made.values()))


def test_incoming_never_counts_the_archive(store: Database) -> None:
    three_wires(store)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        desk_views.incoming(store, NOW)
        desk_views.incoming(store, NOW, IncomingFilters(state="published", source_id="pti"))
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    counted = [s for s in statements if "count(" in s.lower()]
    assert counted and all("story_id IN" in s for s in counted), counted
    listing = [s for s in statements if "ORDER BY items.id DESC" in s]
    assert listing and all("LIMIT" in s for s in listing)


def test_a_story_with_every_copy_version_payload_and_act(store: Database) -> None:
    ians, pti, ani = three_wires(store)
    _version(
        store,
        "pti",
        "p1",
        40,
        headline="नई ख़बर",
        credit_line="PTI",
        originator="Reuters",
        correction_note="सुधार",
    )
    story = takedowns.story_of_copy(store, item_id(store, pti))
    takedowns.take_down(store, story, reason="legal", actor=EDITOR, now=NOW, address="10.0.0.7")
    view = desk_views.story(store, story, NOW)
    assert view is not None
    assert [c.short_id for c in view.copies] == [ians, pti, ani]  # the gate's lead order
    assert view.takedown == takedowns.Takedown(story, NOW, EDITOR, "legal")
    assert {c.state for c in view.copies} == {"withdrawn"}
    second = view.copies[1]
    assert [v.version for v in second.versions] == [1, 2]
    v2 = second.versions[1]
    assert (v2.headline, v2.credit_line, v2.originator, v2.correction_note) == (
        "नई ख़बर",
        "PTI",
        "Reuters",
        "सुधार",
    )
    assert v2.envelope_id != second.versions[0].envelope_id
    assert v2.envelope_sha256 and v2.envelope_transport == "http"
    [act] = [h for h in second.history if h.action == takedowns.TAKEN_DOWN]
    assert (act.actor, act.reason, act.address) == (EDITOR, "legal", "10.0.0.7")
    assert desk_views.story_of(store, ani) == story
    assert desk_views.story_of(store, "nosuch") is None
    assert desk_views.story(store, story + 1000, NOW) is None


def test_a_copy_kill_from_the_desk_keeps_the_address(store: Database) -> None:
    ians, _, _ = three_wires(store)
    editorial.kill(
        store, item_id(store, ians), reason="wrong", actor=EDITOR, now=NOW, address="10.0.0.8"
    )
    story = desk_views.story_of(store, ians)
    assert story is not None
    view = desk_views.story(store, story, NOW)
    assert view is not None
    [killed] = [c for c in view.copies if c.short_id == ians]
    assert killed.state == "killed" and killed.kill_manual
    assert [(h.action, h.address) for h in killed.history] == [("kill", "10.0.0.8")]
